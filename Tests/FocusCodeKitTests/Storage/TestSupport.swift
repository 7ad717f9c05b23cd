import Foundation
import XCTest
@testable import FocusCodeKit

/// A fresh folder per test, removed afterwards.
final class TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fc-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    @discardableResult
    func write(_ name: String, _ text: String) -> URL {
        let u = url.appendingPathComponent(name)
        try! Data(text.utf8).write(to: u)
        return u
    }
}

/// The repository's Fixtures folder, found from this file's path.
enum StoreFixtures {
    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("Fixtures")
            }
        }
        fatalError("Fixtures folder not found above \(#filePath)")
    }
}

extension Project {
    /// Imports text as a `.txt` file into `group` (test helper).
    @discardableResult
    func importText(_ text: String, name: String = "t.txt", group: String, in dir: TempDir,
                    moderators: [String] = [], dryRun: Bool = false) throws -> ImportSummary {
        let url = dir.write(name, text)
        var preparer = PassThroughPreparer()
        return try Importer.importFiles([url], into: self, options: ImportOptions(group: group, moderators: moderators, dryRun: dryRun),
                                        preparer: &preparer)[0]
    }

    func count(_ table: String) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)")! }
    }
}

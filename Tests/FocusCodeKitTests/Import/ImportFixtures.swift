import Foundation
import XCTest
@testable import FocusCodeKit

/// Finds the import fixtures and reads transcripts, for the import tests.
enum ImportFixtures {
    /// `Fixtures/import` of the package these tests belong to: the nearest directory above
    /// this file that holds both Package.swift and Fixtures/.
    static let fixturesURL: URL = {
        let fileManager = FileManager.default
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if fileManager.fileExists(atPath: directory.appendingPathComponent("Package.swift").path),
               fileManager.fileExists(atPath: directory.appendingPathComponent("Fixtures/import").path) {
                return directory.appendingPathComponent("Fixtures/import")
            }
            directory.deleteLastPathComponent()
        }
        // Tests/FocusCodeKitTests/Import/<this file> → the package root.
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/import")
    }()

    /// The bytes of the fixture `name`.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: fixturesURL.appendingPathComponent(name))
    }

    /// The turns `TranscriptReader` reads from the fixture `name`.
    static func turns(_ name: String, format: TranscriptFormat? = nil) throws -> [Turn] {
        try TranscriptReader.read(data: data(name), fileName: name, format: format)
    }

    /// The error `TranscriptReader` throws for the fixture `name`, or `nil` if it reads.
    static func error(_ name: String, format: TranscriptFormat? = nil) throws -> ImportError? {
        let bytes = try data(name)
        return error { () throws(ImportError) in try TranscriptReader.read(data: bytes, fileName: name, format: format) }
    }

    /// The turns read from `text` (as UTF-8) as a file named `fileName`.
    static func turns(text: String, fileName: String, format: TranscriptFormat? = nil) throws -> [Turn] {
        try TranscriptReader.read(data: Data(text.utf8), fileName: fileName, format: format)
    }

    /// The error thrown for `text` (as UTF-8) read as a file named `fileName`, or `nil`.
    static func error(text: String, fileName: String, format: TranscriptFormat? = nil) -> ImportError? {
        error { () throws(ImportError) in try TranscriptReader.read(data: Data(text.utf8), fileName: fileName, format: format) }
    }

    /// The `ImportError` that `body` throws, or `nil` when it returns.
    static func error(_ body: () throws(ImportError) -> [Turn]) -> ImportError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    /// Compares turn lists one by one, so that a failure names the turn that differs.
    static func assertTurns(_ actual: [Turn], _ expected: [Turn], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "turn count", file: file, line: line)
        for (index, (got, want)) in zip(actual, expected).enumerated() {
            XCTAssertEqual(got, want, "turn \(index + 1)", file: file, line: line)
        }
    }
}

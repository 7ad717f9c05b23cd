import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// The planted originals never reach the project file, nor its WAL as the import leaves it (the
/// connection stays open, so nothing is checkpointed away), nor the full-text index's vocabulary.
final class LeakTests: XCTestCase {
    func testPlantedOriginalsAreNotInTheFileWALOrIndex() throws {
        let planted = try JSONDecoder().decode(RecallTests.Planted.self,
                                               from: Data(contentsOf: RecallTests.anonymise.appendingPathComponent("planted.json")))
        let dir = TempDir(), keys = TempDir()
        let empty = try Project.create(at: dir.path("empty.sqlite"))
        let emptyBytes = ["", "-wal"].map { String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: empty.path + $0))) ?? Data(), as: UTF8.self) }
            .joined().lowercased()
        let project = try Project.create(at: dir.path("p.sqlite"))
        var anonymiser = try Anonymiser(project: project, options: try RecallTests.plantedOptions(keyPath: keys.path("k.key")))
        _ = try Importer.importFiles([RecallTests.anonymise.appendingPathComponent("planted.txt")], into: project,
                                     options: ImportOptions(group: "FG9"), preparer: &anonymiser)

        // Needles: each original (and its words that occur nowhere else in the fixture) in lower case.
        let sure = planted.planted.filter { $0.review != true }
        var residual = try String(contentsOf: RecallTests.anonymise.appendingPathComponent("planted.txt"), encoding: .utf8)
        for item in sure.sorted(by: { $0.text.count > $1.text.count }) { residual = residual.replacingOccurrences(of: item.text, with: " ") }
        for label in planted.labels { residual = residual.replacingOccurrences(of: "\n\(label):", with: "\n") }
        residual = residual.lowercased()
        var needles = Set<String>()
        for text in sure.map(\.text) + planted.labels {
            if !residual.contains(text.lowercased()) { needles.insert(text.lowercased()) }
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            where word.count >= 4 && word.contains(where: \.isLetter) && !residual.contains(word) && !emptyBytes.contains(word) {
                needles.insert(String(word))
            }
        }
        XCTAssertGreaterThan(needles.count, 60)

        let wal = try Data(contentsOf: URL(fileURLWithPath: project.path + "-wal"))
        XCTAssertGreaterThan(wal.count, 100_000, "the import's pages are still in the WAL")
        for suffix in ["", "-wal", "-shm"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: project.path + suffix)).lowercasedASCII
            let found = needles.filter { data.range(of: Data($0.utf8)) != nil }
            XCTAssertEqual(found, [], "p.sqlite\(suffix)")
        }
        // The index stores words one by one (prefix-compressed on disk): ask it for its vocabulary.
        let vocabulary = try project.dbQueue.inDatabase { db -> Set<String> in
            try db.execute(sql: "CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, 'excerpts_fts', 'row')")
            return Set(try String.fetchAll(db, sql: "SELECT term FROM temp.vocabulary"))
        }
        XCTAssertTrue(vocabulary.contains("safeguarding"))
        XCTAssertEqual(needles.filter { vocabulary.contains($0) }, [])
        // The audit log and every other table hold no original either.
        let dump = try project.read { db -> String in
            var all = ""
            for table in ["project_info", "groups", "documents", "participants", "audit_log", "placeholders", "redaction_counts", "anonymisation_decisions"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") { all += row.description.lowercased() }
            }
            return all
        }
        XCTAssertEqual(needles.filter { dump.contains($0) }, [])
    }
}

import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class CodingsCSVTests: XCTestCase {
    func testFixtureCodingsImportWithReviewsForNoneRows() throws {
        let dir = TempDir()
        let project = try CodingFixtures.project(in: dir)
        let a = try project.importCodings(csv: try CodingFixtures.text("codings/coder_a.csv"), fileName: "coder_a.csv")
        XCTAssertEqual(a.rows, 149)
        XCTAssertEqual(a.codingsAdded, 134)
        XCTAssertEqual(a.reviewsAdded, 132)
        XCTAssertEqual(a.codersCreated, ["coder_a"])
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "coder_a"), .reviewedNone)
        XCTAssertEqual(try project.reviewState("FG1-0001", coder: "coder_a"), .notReviewed, "moderator turns have no rows")
        XCTAssertEqual(try project.reviewState("FG1-0016", coder: "coder_a"), .coded(["Offender profiles/Gender", "Role of policing/Training needs"]))
        // Importing again adds nothing.
        let again = try project.importCodings(csv: try CodingFixtures.text("codings/coder_a.csv"), fileName: "coder_a.csv")
        XCTAssertEqual(again.codingsAdded, 0)
        XCTAssertEqual(again.codingsExisting, 134)
        XCTAssertEqual(again.reviewsAdded, 0)
    }

    /// Every bad row is reported with its line; nothing is written.
    func testBadRowsAreAllReportedWithLineNumbersAndNothingIsWritten() throws {
        let dir = TempDir()
        let project = try CodingFixtures.project(in: dir)
        try project.retireCode("Offenders' IT skills/Concealment")
        let csv = #"""
            excerpt,coder,code,note,span_start,span_end
            FG1-0002,alice,Offender profiles/Isolation,,,
            FG1-9999,alice,Offender profiles,,,
            FG1-0003,alice,Offender profiles/Loneliness,,,
            FG1-0004,alice,Offenders' IT skills/Concealment,,,
            FG1-0005,alice,Role of policing,,0,100000
            FG1-0006,alice,Role of policing,,x,3
            FG1-0007,consensus,Role of policing,,,
            FG1-0008,alice,,"a note, but no code",,
            FG1-0009,alice,Role of policing
            "FG1-0010",alice,"Role of policing/Training needs","multi
            line ""note""",0,5

            """#
        let length5 = try CodingFixtures.scalar(project, "SELECT length(text) FROM excerpts WHERE ref = 'FG1-0005'")
        XCTAssertThrowsError(try project.importCodings(csv: csv, fileName: "bad.csv")) { error in
            guard case .invalidRows(let file, let problems, let total)? = error as? CodingError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "bad.csv")
            XCTAssertEqual(total, 8)
            XCTAssertEqual(problems, [
                "bad.csv:3: unknown excerpt 'FG1-9999' ('focuscode excerpts' lists them)",
                "bad.csv:4: unknown code 'Offender profiles/Loneliness' ('focuscode codebook' lists the paths)",
                "bad.csv:5: the code 'Offenders' IT skills/Concealment' is retired; restore it ('focuscode codebook retire --restore') or use another code",
                "bad.csv:6: invalid span 0:100000 on FG1-0005: the excerpt has \(length5) characters",
                "bad.csv:7: span_start and span_end must both be whole numbers (characters, end exclusive)",
                "bad.csv:8: the coder name 'consensus' is reserved for reconciled (consensus) codings; pass --allow-consensus to import reconciled codings.",
                "bad.csv:9: a note needs a code",
                "bad.csv:10: expected 6 fields as in the header, found 3",
            ])
            XCTAssertEqual((error as? CodingError)?.category, .badData)
        }
        for table in ["codings", "reviews", "coders"] { XCTAssertEqual(try project.count(table), 0, table) }

        // --skip-invalid imports the two good rows (one spanning lines 11–12) and says what it skipped.
        let s = try project.importCodings(csv: csv, fileName: "bad.csv", options: CodingsImportOptions(skipInvalid: true))
        XCTAssertEqual(s.rows, 10)
        XCTAssertEqual(s.codingsAdded, 2)
        XCTAssertEqual(s.skipped, 8)
        XCTAssertEqual(s.problems.count, 8)
        XCTAssertEqual(try project.codings(CodingFilter(excerpt: "FG1-0010")).first?.note, "multi\nline \"note\"")
        XCTAssertEqual(try project.codings(CodingFilter(excerpt: "FG1-0010")).first?.span, Span(start: 0, end: 5))
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM audit_log WHERE action = 'codings.import'"), 1)
    }

    /// From a file: UTF-8 is parsed in place (with or without BOM, CRLF or LF); UTF-16 goes through TextDecoding.
    func testImportFromFilesInEachEncoding() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let rows = "excerpt,coder,code\r\nFG1-0002,alice,Policing/Training\r\nFG1-0003,bob,\r\n"
        let utf8BOM = dir.url.appendingPathComponent("bom.csv")
        try (Data([0xEF, 0xBB, 0xBF]) + Data(rows.utf8)).write(to: utf8BOM)
        let s = try project.importCodings(contentsOf: utf8BOM)
        XCTAssertEqual(s.codingsAdded, 1)
        XCTAssertEqual(s.reviewsAdded, 2)
        let utf16 = dir.url.appendingPathComponent("u16.csv")
        try (Data([0xFF, 0xFE]) + rows.replacingOccurrences(of: "alice", with: "carol").data(using: .utf16LittleEndian)!).write(to: utf16)
        XCTAssertEqual(try project.importCodings(contentsOf: utf16).codersCreated, ["carol"])
        let bad = dir.write("bad.csv", "excerpt,coder,code\nFG1-0002,alice,Nope\n")
        XCTAssertThrowsError(try project.importCodings(contentsOf: bad)) {
            XCTAssertEqual(($0 as? CodingError)?.errorDescription?.contains("bad.csv:2: unknown code 'Nope'"), true)
        }
        XCTAssertThrowsError(try project.importCodings(contentsOf: dir.url.appendingPathComponent("missing.csv"))) {
            XCTAssertEqual(($0 as? ProjectError)?.category, .missingInput)
        }
        XCTAssertEqual(try project.codings().map { "\($0.excerpt) \($0.coder) \($0.code ?? "-")" },
                       ["FG1-0002 alice Policing/Training", "FG1-0002 carol Policing/Training", "FG1-0003 bob -"])
    }

    func testHeaderAndSyntaxErrorsNameTheLine() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        XCTAssertThrowsError(try project.importCodings(csv: "excerpt,coder\nFG1-0002,alice\n", fileName: "h.csv")) {
            XCTAssertEqual(($0 as? ProjectError), .badRow(file: "h.csv", line: 1, problem: "the header needs the columns excerpt, coder, code (and optionally note, span_start, span_end)"))
        }
        XCTAssertThrowsError(try project.importCodings(csv: "excerpt,coder,code,colour\n", fileName: "h.csv")) {
            XCTAssertEqual(($0 as? ProjectError)?.errorDescription?.hasPrefix("h.csv:1: unknown column 'colour'"), true)
        }
        XCTAssertThrowsError(try project.importCodings(csv: "excerpt,coder,code\nFG1-0002,alice,Policing\nFG1-0003,\"alice,Policing\n", fileName: "q.csv")) {
            XCTAssertEqual(($0 as? ProjectError), .badRow(file: "q.csv", line: 3, problem: "a quoted field opened on this line is never closed"))
        }
        XCTAssertEqual(try project.count("codings"), 0)
    }

    /// Export → import into a fresh project → export gives the same file, reviewed-with-none rows, notes and spans included.
    func testExportImportRoundTrip() throws {
        let dir = TempDir()
        let first = try CodingFixtures.project(in: dir, codings: true)
        try first.applyCode("Offender profiles/Isolation", to: "FG1-0002", coder: "alice", span: Span(start: 0, end: 12), note: "quote, \"with\"\nbreak")
        try first.markReviewedNone("FG1-0003", coder: "alice")
        func export(_ p: Project) throws -> String {
            var out = CodingsCSV.header
            try p.forEachCoding { out += CodingsCSV.row($0) }
            return out
        }
        let exported = try export(first)
        XCTAssertTrue(exported.hasPrefix("excerpt,coder,code,note,span_start,span_end\nFG1-0002,alice,Offender profiles/Isolation,\"quote, \"\"with\"\"\nbreak\",0,12\nFG1-0002,coder_a,,,,\n"), exported)
        XCTAssertTrue(exported.contains("\nFG1-0003,alice,,,,\n"))
        XCTAssertEqual(exported.components(separatedBy: "\n").filter { $0.hasPrefix("FG1-0016,coder_a,") },
                       ["FG1-0016,coder_a,Offender profiles/Gender,,,", "FG1-0016,coder_a,Role of policing/Training needs,,,"])

        let fresh = try CodingFixtures.project(in: dir)
        let s = try fresh.importCodings(csv: exported, fileName: "all.csv")
        XCTAssertEqual(s.codingsAdded, 134 + 131 + 1)
        XCTAssertEqual(try export(fresh), exported)
        // The fixture files hold the same rows as the export of each coder (order within an excerpt aside).
        for coder in ["coder_a", "coder_b"] {
            let fixture = try CodingFixtures.text("codings/\(coder).csv").split(separator: "\n").dropFirst().sorted()
            let ours = try fresh.codings(CodingFilter(coder: coder)).map { "\($0.excerpt),\($0.coder),\($0.code ?? "")" }.sorted()
            XCTAssertEqual(ours, fixture.map(String.init), coder)
        }
    }

    /// Rows go to SQLite `CodingsCSV.importBatchSize` (1,000) at a time: a passage repeated within a batch and across a batch boundary is added once,
    /// counted as already present, and keeps the note of its last row; coders created mid-batch are used at once.
    func testImportAcrossBatchBoundariesCountsAndUpdatesEachRow() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let codes = ["Policing", "Policing/Training", "Policing/Workload", "Covid", "Covid/Phones"]
        var rows: [String] = []
        for c in 0..<110 {
            for e in 2...5 {
                for code in codes { rows.append("FG1-000\(e),coder_\(String(format: "%03d", c)),\(code),") }
            }
        }
        XCTAssertEqual(rows.count, 2200)
        let batch = CodingsCSV.importBatchSize
        XCTAssertGreaterThan(rows.count, 2 * batch, "the file must span at least three batches")
        rows[0] = "FG1-0002,coder_000,Policing,first"
        rows.insert("FG1-0002,coder_000,Policing,second", at: batch / 2)  // same batch as the first
        rows.insert("FG1-0002,coder_000,Policing,third", at: batch)  // the first row of the second batch
        let csv = "excerpt,coder,code,note\n" + rows.joined(separator: "\n") + "\n"
        let s = try project.importCodings(csv: csv, fileName: "many.csv")
        XCTAssertEqual(s.rows, 2202)
        XCTAssertEqual(s.codingsAdded, 2200)
        XCTAssertEqual(s.codingsExisting, 2)
        XCTAssertEqual(s.codingsUpdated, 2)
        XCTAssertEqual(s.reviewsAdded, 110 * 4)
        XCTAssertEqual(s.codersCreated.count, 110)
        XCTAssertEqual(s.codersCreated.last, "coder_109")
        XCTAssertEqual(try project.count("codings"), 2200)
        XCTAssertEqual(try project.count("reviews"), 440)
        XCTAssertEqual(try project.codings(CodingFilter(coder: "coder_000", excerpt: "FG1-0002")).first { $0.code == "Policing" }?.note, "third")
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings WHERE note IS NOT NULL"), 1)
        // Every coding has its own uid, and uids grow with the order of insertion.
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(DISTINCT uid) FROM codings"), 2200)
        XCTAssertEqual(try CodingFixtures.scalar(project, """
            SELECT count(*) FROM codings a JOIN codings b ON b.id = (SELECT min(id) FROM codings WHERE id > a.id) WHERE b.uid <= a.uid
            """), 0)
        // Again: nothing added; each of the three noted rows sets its note in turn.
        let again = try project.importCodings(csv: csv, fileName: "many.csv")
        XCTAssertEqual(again.codingsAdded, 0)
        XCTAssertEqual(again.codingsExisting, 2202)
        XCTAssertEqual(again.codingsUpdated, 3)
        XCTAssertEqual(again.reviewsAdded, 0)
        XCTAssertEqual(try project.count("codings"), 2200)
    }

    /// A bad row after whole batches have gone to SQLite still leaves nothing behind: the batches are rolled back.
    func testBadRowAfterFlushedBatchesWritesNothing() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        var rows = ["excerpt,coder,code"]
        for c in 0..<110 {
            for e in 2...5 {
                for code in ["Policing", "Policing/Training", "Covid", "Covid/Phones"] { rows.append("FG1-000\(e),coder_\(c),\(code)") }
            }
        }
        XCTAssertEqual(rows.count - 1, 1760)
        XCTAssertGreaterThan(rows.count - 1, CodingsCSV.importBatchSize, "at least one whole batch is inserted before the bad row")
        rows.append("FG1-0002,coder_0,No such code")
        XCTAssertThrowsError(try project.importCodings(csv: rows.joined(separator: "\n") + "\n", fileName: "late.csv")) { error in
            guard case .invalidRows(let file, let problems, let total)? = error as? CodingError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "late.csv")
            XCTAssertEqual(total, 1)
            XCTAssertEqual(problems, ["late.csv:1762: unknown code 'No such code' ('focuscode codebook' lists the paths)"])
        }
        for table in ["codings", "reviews", "coders"] { XCTAssertEqual(try project.count(table), 0, table) }
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM audit_log WHERE action = 'codings.import'"), 0)
    }
}

import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class ImporterTests: XCTestCase {
    let sample = """
        Moderator: Welcome, everyone. Let's start with workload.
        Ruth: [00:01:05] The workload has doubled since I joined.
        Daniel: Training has not kept up with the workload.
        Ruth: We learn most of it on the job.
        """

    func testImportCreatesGroupDocumentParticipantsAndStableIDs() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let s = try project.importText(sample, group: "FG1", in: dir)
        XCTAssertEqual(s.turns, 4)
        XCTAssertEqual(s.words, 6 + 7 + 8 + 8)
        XCTAssertEqual(s.firstRef, "FG1-0001")
        XCTAssertEqual(s.lastRef, "FG1-0004")
        XCTAssertTrue(s.groupIsNew)
        XCTAssertEqual(s.speakers.map(\.pseudonym), ["Moderator", "P01", "P02"])
        XCTAssertEqual(s.speakers.map(\.turns), [1, 2, 1])
        XCTAssertEqual(s.speakers.map(\.isModerator), [true, false, false])
        // Labels are shown only for dry runs and never stored.
        XCTAssertEqual(s.speakers.compactMap(\.label), [])
        let excerpts = try project.excerpts(ExcerptFilter(group: "FG1"))
        XCTAssertEqual(excerpts.map(\.ref), ["FG1-0001", "FG1-0002", "FG1-0003", "FG1-0004"])
        XCTAssertEqual(excerpts.map(\.speaker), ["Moderator", "P01", "P02", "P01"])
        XCTAssertEqual(excerpts[1].startMs, 65_000)
        XCTAssertEqual(excerpts[1].text, "The workload has doubled since I joined.")
        let groups = try project.groups()
        XCTAssertEqual(groups, [GroupSummary(name: "FG1", documents: 1, participants: 2, turns: 4, words: 29, heldOn: nil, site: nil)])
        let dump = try Data(contentsOf: URL(fileURLWithPath: project.path)) + ((try? Data(contentsOf: URL(fileURLWithPath: project.path + "-wal"))) ?? Data())
        for label in ["Ruth", "Daniel"] {
            XCTAssertNil(dump.range(of: Data(label.utf8)), "speaker label \(label) must not be stored")
        }
    }

    func testSecondDocumentContinuesIDsAndKeepsPseudonyms() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText(sample, name: "part1.txt", group: "FG1", in: dir)
        let s = try project.importText("Daniel: Part two begins.\nAisha: New voice here.\n", name: "part2.txt", group: "FG1", in: dir)
        XCTAssertEqual(s.firstRef, "FG1-0005")
        XCTAssertEqual(s.speakers.map(\.pseudonym), ["P02", "P03"])
        XCTAssertEqual(s.speakers.map(\.isNew), [false, true])
        let other = try project.importText("Ruth: Another group.\n", name: "fg2.txt", group: "FG2", in: dir)
        XCTAssertEqual(other.firstRef, "FG2-0001")
        XCTAssertEqual(try project.documents().map(\.fileName), ["part1.txt", "part2.txt", "fg2.txt"])
    }

    func testSameContentTwiceIsImportedOnce() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText(sample, name: "a.txt", group: "FG1", in: dir)
        let again = try project.importText(sample, name: "copy-of-a.txt", group: "FG2", in: dir)
        XCTAssertTrue(again.alreadyImported)
        XCTAssertEqual(again.group, "FG1")
        XCTAssertEqual(try project.count("documents"), 1)
        XCTAssertEqual(try project.count("excerpts"), 4)
        XCTAssertEqual(try project.count("groups"), 1)
    }

    func testDryRunWritesNothing() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let s = try project.importText(sample, group: "FG1", in: dir, dryRun: true)
        XCTAssertTrue(s.dryRun)
        XCTAssertEqual(s.turns, 4)
        XCTAssertEqual(s.speakers.compactMap(\.label), ["Moderator", "Ruth", "Daniel"])
        for table in ["groups", "documents", "participants", "excerpts", "excerpts_fts"] {
            XCTAssertEqual(try project.count(table), 0, table)
        }
        XCTAssertEqual(try project.count("audit_log"), 1) // only the project's creation
    }

    func testABadFileAmongSeveralWritesNothing() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let good = dir.write("good.txt", sample)
        let bad = dir.write("bad.vtt", "not a vtt header\n\n00:00:01.000 --> 00:00:02.000\nhello\n")
        var preparer = PassThroughPreparer()
        XCTAssertThrowsError(try Importer.importFiles([good, bad], into: project, options: ImportOptions(group: "FG1"), preparer: &preparer)) {
            XCTAssertEqual(($0 as? CategorisedError)?.category, .badData)
            XCTAssertTrue(($0 as? LocalizedError)?.errorDescription?.contains("bad.vtt") ?? false)
        }
        for table in ["groups", "documents", "participants", "excerpts"] {
            XCTAssertEqual(try project.count(table), 0, table)
        }
    }

    func testFailureDuringStoreRollsBackEverything() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        struct Boom: Error {}
        struct Exploding: Sequence, IteratorProtocol {
            var n = 0
            mutating func next() -> Turn? {
                n += 1
                return n < 100 ? Turn(speaker: "S\(n % 3)", text: "turn \(n)", line: n) : nil
            }
        }
        var preparer = PassThroughPreparer()
        _ = try Importer.importTurns(Exploding(), fileName: "ok", format: .text, contentHash: "h1", into: project,
                                     options: ImportOptions(group: "G"), preparer: &preparer)
        XCTAssertEqual(try project.count("excerpts"), 99)
        // A write that fails inside the transaction leaves nothing behind.
        XCTAssertThrowsError(try project.write { db -> Void in
            try db.execute(sql: "INSERT INTO groups(name, position, created_at) VALUES ('H', 9, 'now')")
            throw Boom()
        })
        XCTAssertEqual(try project.groups().map(\.name), ["G"])
    }

    func testModeratorFlagAndRoleLabels() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let s = try project.importText("Jo Bloggs: Hello.\nFacilitator: Second voice.\nSam: A participant.\n", group: "G", in: dir,
                                       moderators: ["jo bloggs"])
        XCTAssertEqual(s.speakers.map(\.pseudonym), ["Moderator", "Moderator 2", "P01"])
        XCTAssertEqual(s.speakers.map(\.isModerator), [true, true, false])
        XCTAssertEqual(try project.groups()[0].participants, 1)
    }

    func testInvalidGroupNameIsAUsageError() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        XCTAssertThrowsError(try project.importText(sample, group: "FG 1", in: dir)) {
            XCTAssertEqual($0 as? ProjectError, .invalidGroupName("FG 1"))
            XCTAssertEqual(($0 as? CategorisedError)?.category, .usage)
        }
    }

    func testSearchRanksHighlightsAndRejectsBadSyntax() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText(sample, group: "FG1", in: dir)
        let hits = try project.search("training AND workload")
        XCTAssertEqual(hits.map(\.excerpt.ref), ["FG1-0003"])
        XCTAssertEqual(hits[0].snippet, "\u{2}Training\u{3} has not kept up with the \u{2}workload\u{3}.")
        let workload = try project.search("workload")
        XCTAssertEqual(Set(workload.map(\.excerpt.ref)), ["FG1-0001", "FG1-0002", "FG1-0003"])
        XCTAssertEqual(try project.search("workload", limit: 1).count, 1)
        XCTAssertEqual(try project.search("\"kept up\"").map(\.excerpt.ref), ["FG1-0003"])
        XCTAssertEqual(try project.search("nothingmatches").count, 0)
        XCTAssertThrowsError(try project.search("training AND")) {
            guard case .invalidQuery? = $0 as? ProjectError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try project.search("   "))
    }

    func testShowGivesContextWithinTheGroup() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText(sample, group: "FG1", in: dir)
        let (before, focus, after) = try project.excerpt("FG1-0002", context: 2)
        XCTAssertEqual(before.map(\.ref), ["FG1-0001"])
        XCTAssertEqual(focus.ref, "FG1-0002")
        XCTAssertEqual(after.map(\.ref), ["FG1-0003", "FG1-0004"])
        XCTAssertThrowsError(try project.excerpt("FG1-0099")) {
            XCTAssertEqual($0 as? ProjectError, .unknownExcerpt("FG1-0099"))
        }
        XCTAssertThrowsError(try project.excerpts(ExcerptFilter(group: "FG7")))
        XCTAssertThrowsError(try project.excerpts(ExcerptFilter(speaker: "P42")))
        XCTAssertEqual(try project.excerpts(ExcerptFilter(group: "FG1", speaker: "P01")).map(\.ref), ["FG1-0002", "FG1-0004"])
        XCTAssertEqual(try project.excerpts(ExcerptFilter(limit: 2, offset: 1)).map(\.ref), ["FG1-0002", "FG1-0003"])
    }

    func testAttributesSetAndImportValidateEveryRow() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText(sample, group: "FG1", in: dir)
        try project.setAttributes([(name: "gender", value: "female")], on: "P01")
        XCTAssertEqual(try project.participants().first { $0.pseudonym == "P01" }?.attributes, ["gender": "female"])
        XCTAssertThrowsError(try project.setAttributes([(name: "gender", value: "x")], on: "P09")) {
            XCTAssertEqual($0 as? ProjectError, .unknownParticipant("P09"))
        }
        let n = try project.importAttributes(csv: "participant,gender,role\nP01,,Digital forensics\n\"P02\",male,\"Offender manager, East\"\n",
                                             fileName: "a.csv")
        XCTAssertEqual(n, 2)
        let byName = Dictionary(uniqueKeysWithValues: try project.participants().map { ($0.pseudonym, $0.attributes) })
        XCTAssertEqual(byName["P01"], ["gender": "female", "role": "Digital forensics"])
        XCTAssertEqual(byName["P02"], ["gender": "male", "role": "Offender manager, East"])
        // A bad row later in the file: nothing from the file is written.
        XCTAssertThrowsError(try project.importAttributes(csv: "participant,rank\nP01,sergeant\nP77,constable\n", fileName: "b.csv")) {
            XCTAssertEqual($0 as? ProjectError, .badRow(file: "b.csv", line: 3, problem: "no participant 'P77' in this project ('focuscode participants' lists them)"))
        }
        XCTAssertNil(try project.participants().first { $0.pseudonym == "P01" }?.attributes["rank"])
        XCTAssertThrowsError(try project.importAttributes(csv: "who,rank\nP01,x\n", fileName: "c.csv"))
        XCTAssertThrowsError(try project.importAttributes(csv: "participant,rank\nP01,\"open\n", fileName: "d.csv")) {
            guard case .badRow(let f, let line, _)? = $0 as? ProjectError else { return XCTFail("\($0)") }
            XCTAssertEqual(f, "d.csv")
            XCTAssertEqual(line, 2)
        }
    }

    func testAuditLogRecordsActionsWithoutText() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText(sample, group: "FG1", in: dir)
        let rows = try project.read { db in try Row.fetchAll(db, sql: "SELECT action, object_kind, detail FROM audit_log ORDER BY id") }
        XCTAssertEqual(rows.map { $0["action"] as String }, ["project.create", "import"])
        XCTAssertEqual(rows[1]["detail"] as String, "group=FG1 format=text turns=4 words=29")
        let all = rows.map { "\($0)" }.joined()
        XCTAssertFalse(all.contains("workload"))
    }
}

/// Large CSV transcripts are streamed in chunks; the result must equal reading them whole.
final class StreamingImportTests: XCTestCase {
    /// A CSV over the streaming threshold, with quoted fields spanning lines and CRLF line ends.
    func bigCSV(rows: Int, badAt: Int? = nil) -> (text: String, lines: [Int]) {
        var text = "speaker,text,start\r\n"
        var line = 2
        var lines: [Int] = []
        for i in 0..<rows {
            lines.append(line)
            if i == badAt {
                text += "S1,unquoted \"quote\" here,1\r\n"
            } else if i % 1000 == 7 {
                text += "S\(i % 5),\"A quoted turn, \"\"with\"\" a comma\r\nand a second line \(i)\",\(i)\r\n"
                line += 1
            } else {
                text += "S\(i % 5),Turn number \(i) talks about caseload and supervision at some length to pad it out a little more,\(i)\r\n"
            }
            line += 1
        }
        return (text, lines)
    }

    func testStreamedImportEqualsWholeFileRead() throws {
        let dir = TempDir()
        let (csv, lines) = bigCSV(rows: 90_000)
        XCTAssertGreaterThan(csv.utf8.count, CSVTranscriptStream.threshold)
        let url = dir.write("big.csv", csv)
        let whole = try TranscriptReader.read(data: Data(csv.utf8), fileName: "big.csv")
        var streamed: [Turn] = []
        try CSVTranscriptStream(url: url, file: "big.csv").forEachTurn { streamed.append($0) }
        XCTAssertEqual(streamed.count, 90_000)
        XCTAssertTrue(streamed == whole, "streamed turns differ from the whole-file read")
        XCTAssertTrue(streamed.map(\.line) == lines, "line numbers differ")
        XCTAssertEqual(streamed[7].text, "A quoted turn, \"with\" a comma\nand a second line 7")
        XCTAssertEqual(try CSVTranscriptStream(url: url, file: "big.csv").contentHash(), Digest.sha256Hex(Data(csv.utf8)))

        let project = try Project.create(at: dir.path("p.sqlite"))
        var preparer = PassThroughPreparer()
        let s = try Importer.importFiles([url], into: project, options: ImportOptions(group: "G"), preparer: &preparer)[0]
        XCTAssertEqual(s.turns, 90_000)
        XCTAssertEqual(s.lastRef, "G-90000")
        XCTAssertEqual(try project.search("\"second line 1007\"").map(\.excerpt.ref), ["G-1008"])
        XCTAssertTrue(try Importer.importFiles([url], into: project, options: ImportOptions(group: "G"), preparer: &preparer)[0].alreadyImported)
    }

    func testAnErrorDeepInAStreamedFileNamesItsLineAndWritesNothing() throws {
        let dir = TempDir()
        let (csv, lines) = bigCSV(rows: 80_000, badAt: 75_000)
        let url = dir.write("bad.csv", csv)
        let project = try Project.create(at: dir.path("p.sqlite"))
        var preparer = PassThroughPreparer()
        XCTAssertThrowsError(try Importer.importFiles([url], into: project, options: ImportOptions(group: "G"), preparer: &preparer)) {
            guard case .malformed(let file, let line, _)? = $0 as? ImportError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, "bad.csv")
            XCTAssertEqual(line, lines[75_000])
        }
        XCTAssertEqual(try project.count("excerpts"), 0)
        XCTAssertEqual(try project.count("groups"), 0)
    }

    func testRecordBoundaryIgnoresLineBreaksInsideQuotes() {
        XCTAssertEqual(CSVTranscriptStream.lastRecordBoundary(Array("a,b\nc,\"d\ne".utf8)), 4)
        XCTAssertEqual(CSVTranscriptStream.lastRecordBoundary(Array("a,\"b\n\"\nc".utf8)), 7)
        // A CR at the very end may be the first half of CRLF: wait for more bytes.
        XCTAssertEqual(CSVTranscriptStream.lastRecordBoundary(Array("a\r\nb\r".utf8)), 3)
        XCTAssertEqual(CSVTranscriptStream.lineBreaks(ArraySlice(Array("a\r\nb\rc\n".utf8))), 3)
    }
}

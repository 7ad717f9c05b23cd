import FocusCodeTestSupport
import Foundation
import XCTest

/// Runs the built `focuscode` binary end to end, as a user or a script would.
final class CLITests: XCTestCase {
    typealias Result = BinaryResult

    static var binary: URL { focuscodeBinary }
    static var fixtures: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("Fixtures")
            }
        }
        fatalError("no Fixtures")
    }

    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    @discardableResult
    func run(_ args: [String], env: [String: String] = [:]) throws -> Result {
        var overrides: [String: String?] = ["FOCUSCODE_PROJECT": nil]
        for (k, v) in env { overrides[k] = v }
        return try runBinary(args, in: dir, environment: overrides)
    }

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }

    func testInitImportAndListingsEndToEnd() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("focuscode.sqlite").path))
        let again = try run(["init"])
        XCTAssertEqual(again.status, 73)
        XCTAssertTrue(again.stderr.hasPrefix("focuscode: error: a file already exists"))

        let file = write("fg.txt", "Moderator: Welcome.\nRuth: Training and workload.\nDan: Workload, yes.\n")
        let dry = try run(["import", file, "--group", "FG1", "--dry-run"])
        XCTAssertEqual(dry.status, 0)
        XCTAssertTrue(dry.stdout.contains("Would import fg.txt (text) into FG1 (new group): 3 turns"))
        XCTAssertTrue(dry.stdout.contains("Ruth → P01 (new)"))
        XCTAssertEqual(try run(["groups", "--format", "csv"]).stdout, "group,documents,participants,turns,words,held_on,site\n")

        let imported = try run(["import", file, "--group", "FG1", "--format", "csv"])
        XCTAssertEqual(imported.status, 0)
        XCTAssertEqual(imported.stdout, """
            file,format,group,status,turns,words,first_excerpt,last_excerpt,speakers
            fg.txt,text,FG1,imported,3,6,FG1-0001,FG1-0003,Moderator P01 P02

            """)
        XCTAssertFalse(imported.stdout.contains("Ruth"))
        XCTAssertTrue(try run(["import", file, "--group", "FG1"]).stdout.contains("already imported"))

        XCTAssertEqual(try run(["groups", "--format", "csv"]).stdout,
                       "group,documents,participants,turns,words,held_on,site\nFG1,1,2,3,6,,\n")
        XCTAssertEqual(try run(["excerpts", "--speaker", "P02", "--format", "csv"]).stdout,
                       "excerpt,speaker,start,end,words,text\nFG1-0003,P02,,,2,\"Workload, yes.\"\n")
        let json = try run(["excerpts", "--group", "FG1", "--format", "json"]).stdout
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        XCTAssertEqual(parsed.map { $0["excerpt"] as! String }, ["FG1-0001", "FG1-0002", "FG1-0003"])
        XCTAssertTrue(parsed[0]["start"] is NSNull)

        XCTAssertEqual(try run(["participants", "set", "P01", "gender=female", "role=Online investigator"]).status, 0)
        XCTAssertEqual(try run(["participants", "--format", "csv"]).stdout, """
            participant,moderator,groups,turns,words,gender,role
            P01,no,FG1,1,3,female,Online investigator
            P02,no,FG1,1,2,,
            Moderator,yes,FG1,1,1,,

            """)
        let search = try run(["search", "training AND workload", "--format", "csv"])
        XCTAssertEqual(search.stdout.components(separatedBy: "\n")[1].hasPrefix("FG1-0002,P01,"), true)
        XCTAssertTrue(search.stdout.contains("**Training** and **workload**."))

        let show = try run(["show", "FG1-0002", "--context", "1"])
        XCTAssertTrue(show.stdout.contains("▶ FG1-0002  P01"))
        XCTAssertTrue(show.stdout.contains("FG1-0001  Moderator"))
        XCTAssertTrue(show.stdout.contains("FG1-0003  P02"))
    }

    func testErrorsExitWithSysexitsStatusAndOneLine() throws {
        let missing = try run(["groups"])
        XCTAssertEqual(missing.status, 66)
        XCTAssertEqual(missing.stderr, "focuscode: error: no project at focuscode.sqlite; create one with 'focuscode init' or point --project / FOCUSCODE_PROJECT at an existing file.\n")
        XCTAssertEqual(try run(["init", "--project", "p.sqlite"]).status, 0)
        let env = ["FOCUSCODE_PROJECT": dir.appendingPathComponent("p.sqlite").path]

        let bad = write("broken.csv", "speaker,text\nRuth,\"never closed\n")
        let r = try run(["import", bad, "--group", "FG1"], env: env)
        XCTAssertEqual(r.status, 65)
        XCTAssertTrue(r.stderr.hasPrefix("focuscode: error: broken.csv:2:"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(try run(["groups", "--format", "csv"], env: env).stdout, "group,documents,participants,turns,words,held_on,site\n")

        XCTAssertEqual(try run(["import", "nope.txt", "--group", "FG1"], env: env).status, 66)
        XCTAssertEqual(try run(["import", write("x.pdf", "%PDF"), "--group", "FG1"], env: env).status, 64)
        XCTAssertEqual(try run(["import", write("y.txt", "A: b\n"), "--group", "F G"], env: env).status, 64)
        XCTAssertEqual(try run(["import", "--group", "FG1"], env: env).status, 64)
        XCTAssertEqual(try run(["show", "FG1-0001"], env: env).status, 65)
        XCTAssertEqual(try run(["search", "AND"], env: env).status, 64)
        XCTAssertEqual(try run(["excerpts", "--limit", "0"], env: env).status, 64)
        XCTAssertEqual(try run(["participants", "set", "P01", "gender"], env: env).status, 64)
        XCTAssertEqual(try run(["groups", "--format", "xml"], env: env).status, 64)
    }

    func testEveryBrokenFixtureIsRefusedWithExit65AndProjectUnchanged() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        let broken = Self.fixtures.appendingPathComponent("import")
        let files = ["bad_index.srt", "bad_quote.csv", "bad_time.csv", "bad_timing.srt", "bad_timing.vtt", "bad_xml.docx",
                     "binary.txt", "empty.txt", "lane_truncated.docx", "no_document.docx", "no_header.vtt", "no_text_column.csv",
                     "undecodable_cp1252.txt", "unterminated.csv", "whitespace.txt"]
        for file in files {
            let r = try run(["import", broken.appendingPathComponent(file).path, "--group", "FG1"])
            XCTAssertEqual(r.status, 65, "\(file): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(file), "\(file): the error names the file: \(r.stderr)")
        }
        XCTAssertEqual(try run(["documents", "--format", "csv"]).stdout.split(separator: "\n").count, 1)
    }

    func testHelpListsCommandsWithExamples() throws {
        let help = try run(["--help"])
        XCTAssertEqual(help.status, 0)
        for command in ["demo", "init", "import", "anonymise", "groups", "documents", "participants", "excerpts", "show", "search"] {
            XCTAssertTrue(help.stdout.contains("  \(command) "), command)
            let sub = try run([command, "--help"])
            XCTAssertEqual(sub.status, 0, command)
            XCTAssertTrue(sub.stdout.contains("focuscode \(command)"), "\(command) help shows an example")
        }
    }

    /// Two writers at once: the second waits; if the first holds on too long it stops with a clear message.
    func testSecondWriterWaitsThenGetsAClearMessage() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        let file = write("fg.txt", "A: one.\nB: two.\n")
        let path = dir.appendingPathComponent("focuscode.sqlite").path
        // Another process holds the write lock for 3 seconds (the sqlite3 shell, as a stand-in for a second focuscode).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        // `.timeout`: the holder waits for the lock rather than failing when a probe below happens to hold it first.
        holder.arguments = [path, ".timeout 10000", "BEGIN IMMEDIATE; INSERT INTO audit_log(at, action) VALUES ('x', 'hold'); SELECT 1 FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 40000000) SELECT count(*) FROM c); COMMIT;"]
        holder.standardOutput = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 shell not installed") }
        try holder.run()
        // Wait until the holder really has the write lock (a probe that does not wait is refused).
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let probe = Process()
            probe.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            probe.arguments = [path, "BEGIN IMMEDIATE; ROLLBACK;"]
            probe.standardOutput = FileHandle.nullDevice
            probe.standardError = FileHandle.nullDevice
            try probe.run()
            probe.waitUntilExit()
            if probe.terminationStatus != 0 { break }
            usleep(20_000)
        }
        XCTAssertTrue(holder.isRunning, "the holder has the write lock")
        let impatient = try run(["import", file, "--group", "FG1"], env: ["FOCUSCODE_BUSY_TIMEOUT": "0.2"])
        XCTAssertEqual(impatient.status, 74, impatient.stderr)
        XCTAssertTrue(impatient.stderr.contains("is busy: another focuscode process is writing to it"), impatient.stderr)
        let patient = try run(["import", file, "--group", "FG1"], env: ["FOCUSCODE_BUSY_TIMEOUT": "60"])
        holder.waitUntilExit()
        XCTAssertEqual(patient.status, 0, patient.stderr)
        XCTAssertEqual(try run(["groups", "--format", "csv"]).stdout, "group,documents,participants,turns,words,held_on,site\nFG1,1,2,2,2,,\n")
    }

    /// A process killed in the middle of a large import leaves the project as it was.
    func testKilledImportLeavesProjectUnchanged() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        XCTAssertEqual(try run(["import", write("small.txt", "A: first.\nB: second.\n"), "--group", "FG1"]).status, 0)
        var csv = "speaker,text\n"
        for i in 0..<200_000 { csv += "S\(i % 7),\"Turn \(i) about workload, training and supervision in the unit.\"\n" }
        let big = write("big.csv", csv)
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["import", big, "--group", "FG2"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the write transaction has started (the WAL grows), then kill it hard.
        let wal = dir.appendingPathComponent("focuscode.sqlite-wal").path
        let start = Date()
        var walSize = 0
        repeat {
            usleep(20_000)
            walSize = ((try? FileManager.default.attributesOfItem(atPath: wal)[.size]) as? Int) ?? 0
        } while walSize < 2_000_000 && process.isRunning && Date().timeIntervalSince(start) < 60
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the import should still have been running when killed")
        let groups = try run(["groups", "--format", "csv"])
        XCTAssertEqual(groups.stdout, "group,documents,participants,turns,words,held_on,site\nFG1,1,2,2,2,,\n")
        XCTAssertEqual(try run(["search", "supervision", "--format", "csv"]).stdout, "excerpt,speaker,rank,snippet\n")
    }
}

import FocusCodeTestSupport
import Foundation
import XCTest

/// A real `focuscode import`, `codings import`, `codebook merge` and `team merge`, killed (SIGKILL) at
/// many points of a large input: the project stays sound (`PRAGMA integrity_check`), holds all of the
/// change or none of it, and the next run works.
final class CrashConsistencyTests: XCTestCase {
    var dir: URL!
    var project: String { dir.appendingPathComponent("focuscode.sqlite").path }
    static let turns = 20_000
    static let killPoints = 8

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func run(_ args: [String]) throws -> BinaryResult {
        let result = try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": nil])
        XCTAssertEqual(result.status, 0, "\(args): \(result.stderr)")
        return result
    }

    /// Starts the command, kills it with SIGKILL after `delay` seconds (if still running); whether it had finished.
    func runKilled(_ args: [String], after delay: TimeInterval) throws -> Bool {
        let process = Process()
        process.executableURL = focuscodeBinary
        process.arguments = args
        process.currentDirectoryURL = dir
        var environment = ProcessInfo.processInfo.environment
        environment["FOCUSCODE_PROJECT"] = nil
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: delay)
        let finished = !process.isRunning
        if !finished { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return finished
    }

    func timed(_ body: () throws -> Void) rethrows -> TimeInterval {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    /// Copies the project aside; the function returned puts it back (dropping any WAL a killed run left).
    func snapshot() throws -> () throws -> Void {
        let path = project
        try? FileManager.default.removeItem(atPath: path + ".before")
        try FileManager.default.copyItem(atPath: path, toPath: path + ".before")
        return {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try FileManager.default.copyItem(atPath: path + ".before", toPath: path)
        }
    }

    /// Runs `args` once to learn how long it takes and what it changes, then, from the files as they were,
    /// kills it (SIGKILL) at `killPoints` evenly spaced points of that time. After each kill the project is
    /// sound, `state()` is what it was before or what the full run made (never in between), and running the
    /// command again completes the change exactly once. A command that is not `repeatable` (a merge of a code
    /// that is gone) must instead be refused in one line, changing nothing, when run again after it committed.
    func assertKilledRunsLeaveAllOrNothing<State: Equatable>(
        _ args: [String], repeatable: Bool = true, state: () throws -> State,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let restore = try snapshot()
        let before = try state()
        let full = try timed { try run(args) }
        let after = try state()
        XCTAssertNotEqual(before, after, "the command changed nothing to check", file: file, line: line)
        var committed = 0, finished = 0
        let start = Date()
        for step in 1...Self.killPoints {
            try restore()
            if try runKilled(args, after: full * Double(step) / Double(Self.killPoints)) { finished += 1 }
            XCTAssertEqual(try ProjectInspection.integrity(project), "ok", "step \(step)", file: file, line: line)
            let now = try state()
            XCTAssertTrue(now == before || now == after, "step \(step): \(now) is neither \(before) nor \(after)", file: file, line: line)
            if now == after { committed += 1 }
            // The next run works and leaves the change exactly once.
            if now == after && !repeatable {
                let again = try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": nil])
                XCTAssertNotEqual(again.status, 0, "step \(step): ran twice", file: file, line: line)
                XCTAssertEqual(again.stderr.split(separator: "\n").count, 1, again.stderr, file: file, line: line)
            } else {
                try run(args)
            }
            XCTAssertEqual(try state(), after, "step \(step): the run after the kill", file: file, line: line)
        }
        print("killed \(args.prefix(2).joined(separator: " ")) (full run \(String(format: "%.2f", full)) s) at \(Self.killPoints) points: "
              + "\(Self.killPoints - committed) left nothing, \(committed) had committed (\(finished) of them had exited); "
              + "kills and reruns took \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    func bigTranscript() throws -> String {
        var text = ""
        let words = ["workload", "training", "phones", "risk", "supervision", "backlog", "the", "and"]
        for i in 0..<Self.turns {
            text += (i % 10 == 0 ? "Moderator" : "P\(i % 7 + 1)") + ": "
            text += (0..<12).map { words[($0 * 7 + i * 3) % words.count] }.joined(separator: " ") + ".\n"
        }
        try Data(text.utf8).write(to: dir.appendingPathComponent("big.txt"))
        return "big.txt"
    }

    /// A CSV coding the excerpts `refs` (1-based sequence numbers in group FG1) with `code` as `coder`.
    func codings(_ refs: some Sequence<Int>, coder: String, code: String) -> String {
        refs.map { String(format: "FG1-%04d,%@,%@\n", $0, coder, code) }.joined()
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }

    /// A project holding the big transcript, and the codes given.
    func bigProject(codes: [String]) throws {
        let file = try bigTranscript()
        try run(["init"])
        try run(["import", file, "--group", "FG1", "--no-detect"])
        for code in codes { try run(["codebook", "add", code]) }
    }

    func testKilledImportLeavesAllOrNothing() throws {
        let file = try bigTranscript()
        try run(["init"])
        try assertKilledRunsLeaveAllOrNothing(["import", file, "--group", "FG1", "--no-detect"]) {
            [try ProjectInspection.count("excerpts", in: project), try ProjectInspection.count("documents", in: project)]
        }
        XCTAssertEqual(try ProjectInspection.count("excerpts", in: project), Self.turns)
    }

    func testKilledCodingsImportLeavesAllOrNothing() throws {
        try bigProject(codes: ["Workload"])
        try write("codings.csv", "excerpt,coder,code\n" + codings(2...Self.turns, coder: "ann", code: "Workload"))
        try assertKilledRunsLeaveAllOrNothing(["codings", "import", "codings.csv"]) {
            try ProjectInspection.count("codings", in: project)
        }
        XCTAssertEqual(try ProjectInspection.count("codings", in: project), Self.turns - 1)
    }

    func testKilledCodebookMergeLeavesAllOrNothing() throws {
        try bigProject(codes: ["Workload", "Training"])
        // ann has both codes on every other excerpt (kept once after the merge); bob's Training codings all move.
        try write("codings.csv", "excerpt,coder,code\n" + codings(1...Self.turns, coder: "ann", code: "Workload")
                  + codings(stride(from: 1, through: Self.turns, by: 2), coder: "ann", code: "Training")
                  + codings(1...Self.turns, coder: "bob", code: "Training"))
        try run(["codings", "import", "codings.csv"])
        XCTAssertEqual(try ProjectInspection.count("codings", in: project), Self.turns * 5 / 2)
        let state = { [try ProjectInspection.count("codes", in: self.project), try ProjectInspection.count("codings", in: self.project),
                       try ProjectInspection.scalar("SELECT count(DISTINCT code_id) FROM codings", in: self.project)] }
        let before = try state()
        // Once merged, Training is gone, so merging it again is refused (and changes nothing).
        try assertKilledRunsLeaveAllOrNothing(["codebook", "merge", "Training", "--into", "Workload"], repeatable: false, state: state)
        XCTAssertEqual(try state(), [before[0] - 1, Self.turns * 2, 1])
    }

    func testKilledTeamMergeLeavesAllOrNothing() throws {
        try bigProject(codes: ["Workload", "Training"])
        try run(["team", "split", "--coders", "cat,dev", "--out", "copies"])
        try write("cat.csv", "excerpt,coder,code\n" + codings(1...Self.turns, coder: "cat", code: "Workload"))
        try write("dev.csv", "excerpt,coder,code\n" + codings(1...Self.turns, coder: "dev", code: "Training"))
        try run(["codings", "import", "cat.csv", "--project", "copies/cat.sqlite"])
        try run(["codings", "import", "dev.csv", "--project", "copies/dev.sqlite"])
        // Both copies merge in one transaction: all 2 × 20,000 codings or none, and merging again adds nothing.
        try assertKilledRunsLeaveAllOrNothing(["team", "merge", "copies/cat.sqlite", "copies/dev.sqlite"]) {
            [try ProjectInspection.count("codings", in: project),
             try ProjectInspection.scalar("SELECT count(DISTINCT coder_id) FROM codings", in: project)]
        }
        XCTAssertEqual(try ProjectInspection.count("codings", in: project), Self.turns * 2)
        XCTAssertEqual(try ProjectInspection.integrity(dir.appendingPathComponent("copies/cat.sqlite").path), "ok")
    }
}

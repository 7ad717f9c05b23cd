import FocusCodeTestSupport
import Foundation
import XCTest

/// A real `focuscode import` and `codings import`, killed (SIGKILL) at many points of a large input:
/// the project stays sound (`PRAGMA integrity_check`), holds all of the change or none of it, and the
/// next run works.
final class CrashConsistencyTests: XCTestCase {
    var dir: URL!
    var project: String { dir.appendingPathComponent("focuscode.sqlite").path }
    static let turns = 20_000

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

    func testKilledImportLeavesAllOrNothing() throws {
        let file = try bigTranscript()
        try run(["init"])
        try FileManager.default.copyItem(atPath: project, toPath: project + ".empty")
        let full = try timed { try run(["import", file, "--group", "FG1", "--no-detect"]) }
        XCTAssertEqual(try ProjectInspection.count("excerpts", in: project), Self.turns)
        var outcomes: [Int: Int] = [:]
        for step in 1...8 {
            try FileManager.default.removeItem(atPath: project)
            try FileManager.default.copyItem(atPath: project + ".empty", toPath: project)
            _ = try runKilled(["import", file, "--group", "FG1", "--no-detect"], after: full * Double(step) / 8)
            XCTAssertEqual(try ProjectInspection.integrity(project), "ok", "step \(step)")
            let excerpts = try ProjectInspection.count("excerpts", in: project)
            XCTAssertTrue(excerpts == 0 || excerpts == Self.turns, "step \(step): \(excerpts) excerpts")
            XCTAssertEqual(try ProjectInspection.count("documents", in: project), excerpts == 0 ? 0 : 1, "step \(step)")
            outcomes[excerpts, default: 0] += 1
            // The next run works and leaves exactly one copy.
            try run(["import", file, "--group", "FG1", "--no-detect"])
            XCTAssertEqual(try ProjectInspection.count("excerpts", in: project), Self.turns, "step \(step)")
        }
        print("killed import: \(outcomes[0] ?? 0) left nothing, \(outcomes[Self.turns] ?? 0) had committed (of 8)")
    }

    func testKilledCodingsImportLeavesAllOrNothing() throws {
        let file = try bigTranscript()
        try run(["init"])
        try run(["import", file, "--group", "FG1", "--no-detect"])
        try run(["codebook", "add", "Workload"])
        let rows = (2...Self.turns).map { String(format: "FG1-%04d,ann,Workload\n", $0) }.joined()
        try Data(("excerpt,coder,code\n" + rows).utf8).write(to: dir.appendingPathComponent("codings.csv"))
        try FileManager.default.copyItem(atPath: project, toPath: project + ".before")
        let full = try timed { try run(["codings", "import", "codings.csv"]) }
        XCTAssertEqual(try ProjectInspection.count("codings", in: project), Self.turns - 1)
        for step in 1...8 {
            try FileManager.default.removeItem(atPath: project)
            try FileManager.default.copyItem(atPath: project + ".before", toPath: project)
            _ = try runKilled(["codings", "import", "codings.csv"], after: full * Double(step) / 8)
            XCTAssertEqual(try ProjectInspection.integrity(project), "ok", "step \(step)")
            let codings = try ProjectInspection.count("codings", in: project)
            XCTAssertTrue(codings == 0 || codings == Self.turns - 1, "step \(step): \(codings) codings")
            try run(["codings", "import", "codings.csv"])
            XCTAssertEqual(try ProjectInspection.count("codings", in: project), Self.turns - 1, "step \(step)")
        }
    }
}

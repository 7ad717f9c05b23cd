import FocusCodeTestSupport
import Foundation
import XCTest

/// Several processes coding one project at once: each succeeds, or gets one clear "busy" line after a
/// bounded wait; no coding is lost or doubled.
final class ConcurrentCodingTests: XCTestCase {
    var dir: URL!
    var project: String { dir.appendingPathComponent("focuscode.sqlite").path }
    static let coders = 6
    static let rowsPerCoder = 400

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-concurrent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func run(_ args: [String]) throws {
            let result = try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": nil])
            XCTAssertEqual(result.status, 0, "\(args): \(result.stderr)")
        }
        let turns = (0..<Self.rowsPerCoder).map { "P\($0 % 5 + 1): Workload and training, turn \($0).\n" }.joined()
        try Data(turns.utf8).write(to: dir.appendingPathComponent("fg1.txt"))
        try run(["init"])
        try run(["import", "fg1.txt", "--group", "FG1", "--no-detect"])
        try run(["codebook", "add", "Workload"])
        for c in 0..<Self.coders {
            let rows = (1...Self.rowsPerCoder).map { String(format: "FG1-%04d,coder%d,Workload\n", $0, c) }.joined()
            try Data(("excerpt,coder,code\n" + rows).utf8).write(to: dir.appendingPathComponent("c\(c).csv"))
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Runs every coder's import at once; each one's exit status and standard error.
    func importAllAtOnce(busyTimeout: String?) throws -> [(status: Int32, stderr: String)] {
        var running: [(Process, Pipe)] = []
        for c in 0..<Self.coders {
            let process = Process()
            process.executableURL = focuscodeBinary
            process.arguments = ["codings", "import", "c\(c).csv"]
            process.currentDirectoryURL = dir
            var environment = ProcessInfo.processInfo.environment
            environment["FOCUSCODE_PROJECT"] = nil
            environment["FOCUSCODE_BUSY_TIMEOUT"] = busyTimeout
            process.environment = environment
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            running.append((process, errors))
        }
        for (process, _) in running { try process.run() }
        return running.map { process, errors in
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
    }

    func testConcurrentImportsWithTheDefaultWaitAllSucceed() throws {
        let results = try importAllAtOnce(busyTimeout: nil)
        XCTAssertEqual(results.map(\.status), Array(repeating: 0, count: Self.coders), results.map(\.stderr).joined())
        XCTAssertEqual(try ProjectInspection.count("codings", in: project), Self.coders * Self.rowsPerCoder)
        XCTAssertEqual(try ProjectInspection.integrity(project), "ok")
    }

    func testWithoutAWaitEachEitherSucceedsOrSaysBusyInOneLine() throws {
        let results = try importAllAtOnce(busyTimeout: "0")
        var succeeded = 0
        for result in results {
            if result.status == 0 {
                succeeded += 1
                continue
            }
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains("busy"), result.stderr)
            XCTAssertNotEqual(result.status, 0)
        }
        print("no wait: \(succeeded) of \(Self.coders) concurrent imports succeeded, the rest said busy")
        XCTAssertGreaterThan(succeeded, 0)
        // Every import that succeeded is there exactly once; every one that said busy wrote nothing.
        XCTAssertEqual(try ProjectInspection.count("codings", in: project), succeeded * Self.rowsPerCoder)
        XCTAssertEqual(try ProjectInspection.integrity(project), "ok")
    }
}

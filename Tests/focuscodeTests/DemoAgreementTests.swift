import FocusCodeKit
import FocusCodeTestSupport
import Foundation
import XCTest
@testable import focuscode

/// The demo's agreement step, called directly on a project with the fixture codings (the demo itself
/// has none to load until the coding commands land).
final class DemoAgreementTests: XCTestCase {
    func testDemoAgreementStepShowsThemesWithIntervalsAndTheBiggestDisagreements() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-demo-agreement-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let project = try FixtureData.importTranscripts(into: dir.appendingPathComponent("demo.sqlite").path)
        try FixtureData.insertCodebookAndCodings(into: project)
        let demo = try FocusCode.Demo.parse(["--project", project.path])
        let output = try captureStandardOutput(in: dir) { try demo.showAgreement(project) }
        XCTAssertTrue(output.contains("132 participant turns (moderator turns left out)"), output)
        XCTAssertTrue(output.contains("95% percentile bootstrap intervals from 1000 resamples over excerpts, seed 7"), output)
        // κ for Offender profiles is 4578/4842 ≈ 0.945 (see ProjectAgreementTests).
        let row = output.split(separator: "\n").first { $0.hasPrefix("code:Offender profiles ") }.map(String.init) ?? ""
        XCTAssertTrue(row.contains("  0.945 ["), row)
        XCTAssertTrue(output.contains("\npooled "), output)
        XCTAssertTrue(output.contains("  FG1-0057 ("), output)
        XCTAssertTrue(output.contains("  FG1-0065 ("), output)
        XCTAssertTrue(output.contains("  FG1-0016 ("), output)
        XCTAssertTrue(output.contains("      Impact of Covid-19/Isolation: applied by coder_a; not by coder_b"), output)
        // Same seed, same output.
        XCTAssertEqual(try captureStandardOutput(in: dir) { try demo.showAgreement(project) }, output)
    }

    /// Runs `body` with file descriptor 1 sent to a file, and returns what was written.
    func captureStandardOutput(in dir: URL, _ body: () throws -> Void) throws -> String {
        let file = dir.appendingPathComponent("stdout-\(UUID().uuidString).txt").path
        _ = FileManager.default.createFile(atPath: file, contents: nil)
        let fd = open(file, O_WRONLY)
        let saved = dup(1)
        dup2(fd, 1)
        defer {
            dup2(saved, 1)
            close(saved)
            close(fd)
        }
        try body()
        return try String(contentsOfFile: file, encoding: .utf8)
    }
}

import FocusCodeKit
import FocusCodeTestSupport
import Foundation
import XCTest
@testable import focuscode

/// The demo's report step, called directly: the demo itself has no codings to load until the coding commands land.
final class DemoReportsTests: XCTestCase {
    func testDemoReportStepPrintsTheTableAndWritesTheHTMLNextToTheProject() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-demo-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let project = try FixtureData.importTranscripts(into: dir.appendingPathComponent("demo.sqlite").path)
        try FixtureData.insertCodebookAndCodings(into: project)
        let demo = try FocusCode.Demo.parse(["--project", project.path])
        let output = try captureStandardOutput(in: dir) { try demo.showReports(project) }
        let html = dir.appendingPathComponent("report.html").path
        XCTAssertTrue(output.contains("Theme frequencies by group — the consensus coding\n"), output)
        XCTAssertTrue(output.contains("Role of policing                    21  25.9%        6 of 6  14  27.5%        2 of 2  35  26.5%        8 of 8"))
        XCTAssertTrue(output.hasSuffix("The HTML report (theme table, chart, heat map, co-occurrence, quotes) is at \(html)\n"), output)
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
    }

    /// Runs `body` with file descriptor 1 sent to a file, and returns what was written.
    func captureStandardOutput(in dir: URL, _ body: () throws -> Void) throws -> String {
        let file = dir.appendingPathComponent("stdout.txt").path
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

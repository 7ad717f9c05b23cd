import FocusCodeTestSupport
import Foundation
import XCTest

/// `focuscode demo`, run as a newcomer runs it: the whole workflow on the bundled fixtures.
final class DemoTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func demo(_ name: String) throws -> String {
        let r = try runBinary(["demo", "--project", dir.appendingPathComponent(name).path], in: dir,
                              environment: ["FOCUSCODE_PROJECT": nil, "COLUMNS": "160"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func line(_ output: String, startingWith prefix: String, containing part: String = "") -> String? {
        output.split(separator: "\n").map(String.init).first { $0.hasPrefix(prefix) && (part.isEmpty || $0.contains(part)) }
    }

    func testDemoRunsTheWholeWorkflowOnTheFixtures() throws {
        let out = try demo("demo.sqlite")
        // Import: both groups, eight participants, attributes; identifiers replaced.
        XCTAssertTrue(out.contains("Imported FG1.docx (docx) into FG1 (new group): 98 turns"), out)
        XCTAssertTrue(out.contains("Imported FG2.vtt (webvtt) into FG2 (new group): 72 turns"), out)
        XCTAssertTrue(out.contains("Imported attributes for 8 participants"), out)
        for p in ["P01", "P06", "P07", "P08", "Moderator"] { XCTAssertTrue(out.contains(p), p) }
        XCTAssertTrue(out.contains("FG1-0007  P06"), out)
        XCTAssertFalse(out.contains("Ruth") || out.contains("Gareth"), "speaker names never reach the output")
        // Codebook and both coders.
        XCTAssertTrue(out.contains("Imported coder_a.csv: 134 codings, 132 excerpts reviewed"), out)
        XCTAssertTrue(out.contains("Imported coder_b.csv: 131 codings, 132 excerpts reviewed"), out)
        XCTAssertNotNil(line(out, startingWith: "Offender profiles ", containing: "21       23         23"), out)
        // Agreement per theme: Offender profiles rolled up is 21 both, 2 coder_b only, 109 neither:
        // percent agreement 130/132 = 0.985, κ = 4578/4842 ≈ 0.945 (ProjectAgreementTests works it by hand).
        let agreement = line(out, startingWith: "code:Offender profiles ")
        XCTAssertTrue(agreement?.contains("0.985 [") ?? false, agreement ?? out)
        XCTAssertTrue(agreement?.contains("0.945 [") ?? false, agreement ?? out)
        XCTAssertTrue(out.contains("95% percentile bootstrap intervals from 1000 resamples over excerpts, seed 7"), out)
        XCTAssertTrue(out.contains("  FG1-0057 (P03, 4 codes)"), out)
        XCTAssertTrue(out.contains("      Impact of Covid-19/Isolation: applied by coder_a; not by coder_b"), out)
        // The theme table by group (union of the two coders), counted by hand in ThemeReportTests.
        let theme = line(out, startingWith: "Offender profiles ", containing: "%")
        XCTAssertEqual(theme.map { $0.split(separator: " ").suffix(15).joined(separator: " ") },
                       "14 17.3% 6 of 6 9 17.6% 2 of 2 23 17.4% 8 of 8")
        let html = dir.appendingPathComponent("report.html").path
        XCTAssertTrue(out.contains("is at \(html)"), out)
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
    }

    /// The bootstrap is seeded: a second demo prints the same agreement section.
    func testDemoAgreementIsReproducible() throws {
        func agreementSection(_ out: String) -> String {
            guard let start = out.range(of: "Inter-coder agreement"), let end = out.range(of: "More: focuscode agreement") else { return "" }
            return String(out[start.lowerBound..<end.lowerBound])
        }
        let first = agreementSection(try demo("one.sqlite"))
        XCTAssertFalse(first.isEmpty)
        XCTAssertEqual(agreementSection(try demo("two.sqlite")), first)
    }
}

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

    /// `demo --hub`: a throw-away PostgreSQL server, two blind coders, blindness shown with plain psql, then
    /// unblinding, a pull and the same agreement as the plain demo; the server is gone afterwards.
    func testDemoHubShowsBlindCodersThroughTheDatabaseThenAgreement() throws {
        let project = dir.appendingPathComponent("lead.sqlite")
        let r = try runBinary(["demo", "--hub", "--project", project.path], in: dir, environment: ["FOCUSCODE_PROJECT": nil, "COLUMNS": "160"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = r.stdout
        // Each coder pushes their passages and reviews: coder_a.csv has 134 codings on 132 reviewed turns.
        XCTAssertTrue(out.contains("coder_a: cloned 211 rows into coder_a.sqlite; coded 134 passages and reviewed 132 turns offline; hub push sent 266 rows."), out)
        XCTAssertTrue(out.contains("coder_b: cloned 211 rows into coder_b.sqlite; coded 131 passages and reviewed 132 turns offline; hub push sent 263 rows."), out)
        // Blind, by the database: coder_b's role sees none of coder_a's 134 + 132 rows; the supervisor pulls nothing.
        XCTAssertTrue(out.contains("as coder_a's role (study_coder_a): 266"), out)
        XCTAssertTrue(out.contains("as coder_b's role (study_coder_b): 0 "), out)
        XCTAssertNotNil(line(out, startingWith: "coder_a  FG1", containing: "blind"), out)
        XCTAssertTrue(out.contains("The supervisor's hub pull while blind: 0 rows; passages in lead.sqlite: 0."), out)
        // Unblinded: both coders' 134 + 131 passages and 132 + 132 reviews arrive, and agreement is the plain demo's.
        XCTAssertTrue(out.contains("Pulled 529 rows; passages in lead.sqlite: 265."), out)
        let agreement = line(out, startingWith: "code:Offender profiles ")
        XCTAssertTrue(agreement?.contains("0.945 [") ?? false, agreement ?? out)
        // The server's folder is removed; the three projects are kept.
        let data = try XCTUnwrap(out.range(of: #"data in (\S+) "#, options: .regularExpression).map { String(out[$0].dropFirst(8).dropLast()) })
        XCTAssertTrue(data.hasPrefix("/tmp/fc-pg-"), data)
        XCTAssertFalse(FileManager.default.fileExists(atPath: data), "the throw-away server's folder \(data) is removed")
        for file in ["lead.sqlite", "coder_a.sqlite", "coder_b.sqlite"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), file)
        }
        XCTAssertFalse(out.contains("Ruth") || out.contains("Gareth"), "speaker names never reach the output")
    }

    /// A coder's project already in the folder: refused before anything is made (no supervisor's project, no server).
    func testDemoHubRefusesAnExistingCoderProjectBeforeMakingAnything() throws {
        let existing = dir.appendingPathComponent("coder_b.sqlite")
        try Data("mine".utf8).write(to: existing)
        let r = try runBinary(["demo", "--hub", "--project", dir.appendingPathComponent("lead.sqlite").path], in: dir,
                              environment: ["FOCUSCODE_PROJECT": nil])
        XCTAssertEqual(r.status, 73, r.stdout + r.stderr)
        XCTAssertEqual(r.stderr, "focuscode: error: a file already exists at \(existing.path); choose another --project path or remove it first.\n")
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["coder_b.sqlite"])
        XCTAssertEqual(try Data(contentsOf: existing), Data("mine".utf8), "the coder's file is untouched")
    }

    /// Without PostgreSQL, `demo --hub` says how to install it, exits 66 and creates nothing.
    func testDemoHubWithoutPostgreSQLSaysHowToGetIt() throws {
        let project = dir.appendingPathComponent("lead.sqlite")
        let r = try runBinary(["demo", "--hub", "--project", project.path], in: dir,
                              environment: ["FOCUSCODE_PROJECT": nil, "FOCUSCODE_PG_BIN": dir.appendingPathComponent("no-postgres").path])
        XCTAssertEqual(r.status, 66, r.stdout + r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("PostgreSQL is not installed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("sudo apt-get install postgresql"), r.stderr)
        XCTAssertTrue(r.stderr.contains("FOCUSCODE_PG_BIN"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: project.path))
    }
}

import FocusCodeKit
import FocusCodeTestSupport
import Foundation
import XCTest

/// `focuscode report …` end to end through the built binary. The transcripts are imported with the CLI; the codebook
/// and codings are put in with the test-only loader (`FixtureData`) until the coding commands land.
final class ReportCLITests: XCTestCase {
    var dir: URL!
    var projectPath: String { dir.appendingPathComponent("focuscode.sqlite").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-report-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func run(_ args: [String]) throws -> CLITests.Result {
        try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": projectPath, "COLUMNS": "120"])
    }

    /// init, import both transcripts and the attributes with the CLI; then the codebook and codings.
    func makeFixtureProject(codings: Bool = true) throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        let transcripts = CLITests.fixtures.appendingPathComponent("transcripts")
        XCTAssertEqual(try run(["import", transcripts.appendingPathComponent("FG1.docx").path, "--group", "FG1", "--moderator", "Moderator"]).status, 0)
        XCTAssertEqual(try run(["import", transcripts.appendingPathComponent("FG2.vtt").path, "--group", "FG2", "--moderator", "Moderator"]).status, 0)
        XCTAssertEqual(try run(["participants", "import", CLITests.fixtures.appendingPathComponent("participants.csv").path]).status, 0)
        if codings { try FixtureData.insertCodebookAndCodings(into: try Project.open(at: projectPath)) }
    }

    func testThemeTableInEachFormatAndSelection() throws {
        try makeFixtureProject()
        let csv = try run(["report", "themes", "--coder", "coder_a", "--level", "1", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stdout, """
            level,code,name,FG1_excerpts,FG1_share,FG1_participants,FG1_participants_of,FG2_excerpts,FG2_share,FG2_participants,FG2_participants_of,all_excerpts,all_share,all_participants,all_participants_of
            1,Offender profiles,Offender profiles,13,0.1605,6,6,8,0.1569,2,2,21,0.1591,8,8
            1,Offenders' IT skills,Offenders' IT skills,9,0.1111,5,6,6,0.1176,2,2,15,0.1136,7,8
            1,Justification for offending,Justification for offending,11,0.1358,6,6,6,0.1176,2,2,17,0.1288,8,8
            1,Changes in the nature of offending,Changes in the nature of offending,14,0.1728,6,6,7,0.1373,2,2,21,0.1591,8,8
            1,Impact of Covid-19,Impact of Covid-19,12,0.1481,6,6,7,0.1373,2,2,19,0.1439,8,8
            1,Role of policing,Role of policing,22,0.2716,6,6,14,0.2745,2,2,36,0.2727,8,8

            """)
        let table = try run(["report", "themes", "--consensus", "--by", "group"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("Theme frequencies by group — the consensus coding\n"))
        XCTAssertTrue(table.stdout.contains("Role of policing                    21  25.9%        6 of 6  14  27.5%        2 of 2  35  26.5%        8 of 8"),
                      table.stdout)
        XCTAssertTrue(table.stdout.contains("Roll-up: a theme counts an excerpt once"))

        let md = try run(["report", "themes", "--union", "--include-moderator", "--no-roll-up", "--format", "md"])
        XCTAssertTrue(md.stdout.contains("| **Role of policing** | 2 | 2.0% | 2 of 7 | 2 | 2.8% | 1 of 3 | 4 | 2.4% | 3 of 9 |"), md.stdout)

        let json = try run(["report", "themes", "--union", "--by", "attribute:gender", "--level", "1", "--sort", "frequency", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((object["columns"] as! [[String: Any]]).map { $0["key"] as! String }, ["female", "male"])
        let rows = object["rows"] as! [[String: Any]]
        XCTAssertEqual(rows.map { ($0["code"] as! [String: Any])["name"] as! String }.first, "Role of policing")
        XCTAssertEqual((object["rules"] as! [String]).count, 9)

        let byCoder = try run(["report", "themes", "--by", "coder", "--level", "1", "--format", "csv"])
        XCTAssertEqual(byCoder.stdout.components(separatedBy: "\n")[1],
                       "1,Offender profiles,Offender profiles,21,0.1591,8,8,23,0.1742,8,8,21,0.1591,8,8")
    }

    func testUsageErrorsAndMissingData() throws {
        try makeFixtureProject()
        let missing = try run(["report", "themes"])
        XCTAssertEqual(missing.status, 64)
        XCTAssertEqual(missing.stderr, "focuscode: error: this project has 3 coders (coder_a, coder_b, consensus); say which coding to count "
            + "with --coder NAME, --consensus or --union.\n")
        XCTAssertEqual(try run(["report", "themes", "--coder", "coder_a", "--consensus"]).status, 64)
        XCTAssertEqual(try run(["report", "themes", "--union", "--by", "coder"]).status, 64)
        XCTAssertEqual(try run(["report", "themes", "--union", "--by", "shoe"]).status, 64)
        XCTAssertEqual(try run(["report", "themes", "--union", "--level", "0"]).status, 64)
        XCTAssertEqual(try run(["report", "themes", "--union", "--format", "xml"]).status, 64)
        XCTAssertEqual(try run(["report", "themes", "--union", "--by", "attribute:shoe_size"]).status, 64)
        XCTAssertEqual(try run(["report", "matrix", "--union", "--rows", "group", "--columns", "participant"]).status, 64)
        XCTAssertEqual(try run(["report", "quotes", "--union", "--limit", "0"]).status, 64)
        let unknown = try run(["report", "themes", "--coder", "coder_c"])
        XCTAssertEqual(unknown.status, 65)
        XCTAssertEqual(unknown.stderr, "focuscode: error: no coder 'coder_c' in this project; its coders are: coder_a, coder_b, consensus.\n")
        let ambiguous = try run(["report", "quotes", "Isolation", "--coder", "coder_a"])
        XCTAssertEqual(ambiguous.status, 65)
        XCTAssertTrue(ambiguous.stderr.contains("Offender profiles/Isolation; Impact of Covid-19/Isolation"))
        XCTAssertEqual(try run(["report", "html", "--union", "--output", dir.appendingPathComponent("no/such/dir/r.html").path]).status, 73)
        try FileManager.default.removeItem(atPath: projectPath)
        XCTAssertEqual(try run(["report", "themes"]).status, 66)
    }

    func testNoCodingsYet() throws {
        try makeFixtureProject(codings: false)
        let r = try run(["report", "themes"])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "focuscode: error: this project has no codebook yet; import or add codes first.\n")
    }

    func testCooccurrenceMatrixAndQuotes() throws {
        try makeFixtureProject()
        let cooccurrence = try run(["report", "cooccurrence", "--coder", "coder_a", "--level", "1", "--matrix", "--format", "csv"])
        XCTAssertEqual(cooccurrence.status, 0, cooccurrence.stderr)
        XCTAssertEqual(cooccurrence.stdout, """
            code,Offender profiles,Offenders' IT skills,Justification for offending,Changes in the nature of offending,Impact of Covid-19,Role of policing
            Offender profiles,21,0,1,1,0,3
            Offenders' IT skills,0,15,0,2,0,0
            Justification for offending,1,0,17,0,0,0
            Changes in the nature of offending,1,2,0,21,0,1
            Impact of Covid-19,0,0,0,0,19,4
            Role of policing,3,0,0,1,4,36

            """)
        let pairs = try run(["report", "cooccurrence", "--coder", "coder_a"])
        XCTAssertTrue(pairs.stdout.contains("Impact of Covid-19                                   Role of policing"), pairs.stdout)

        let matrix = try run(["report", "matrix", "--coder", "coder_a", "--rows", "code", "--columns", "participant", "--presence",
                              "--level", "1", "--format", "csv"])
        XCTAssertEqual(matrix.stdout.components(separatedBy: "\n")[0...2], [
            "code,P01,P02,P03,P04,P05,P06,P07,P08", "Offender profiles,1,1,1,1,1,1,1,1", "Offenders' IT skills,1,1,1,1,0,1,1,1",
        ])
        let transposed = try run(["report", "matrix", "--coder", "coder_a", "--rows", "group", "--columns", "code", "--level", "1", "--format", "csv"])
        XCTAssertEqual(transposed.stdout.components(separatedBy: "\n")[1], "FG1,13,9,11,14,12,22")

        let quotes = try run(["report", "quotes", "Impact of Covid-19", "--coder", "coder_a", "--limit", "5", "--format", "csv"])
        XCTAssertEqual(quotes.status, 0, quotes.stderr)
        let lines = try CSV.parse(quotes.stdout).dropFirst().map { $0.fields[0...5].joined(separator: " ") }
        XCTAssertEqual(lines, [
            "Impact of Covid-19 1 FG2-0045 P07 FG2 43", "Impact of Covid-19 2 FG1-0064 P03 FG1 39", "Impact of Covid-19 3 FG1-0066 P03 FG1 36",
            "Impact of Covid-19 4 FG1-0067 P05 FG1 35", "Impact of Covid-19 5 FG1-0073 P05 FG1 35",
        ])
        let text = try run(["report", "quotes", "--consensus", "--limit", "1"])
        XCTAssertEqual(text.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  1. ") }.count, 6)
    }

    func testHTMLReportIsOneSelfContainedFile() throws {
        try makeFixtureProject()
        let r = try run(["report", "html", "--consensus", "--output", "report.html"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Wrote report.html ("), r.stdout)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<svg"))
        XCTAssertTrue(html.contains("<table class=\"heat\">"))
        XCTAssertTrue(html.contains("<p class=\"subtitle\">Project focuscode.sqlite</p>"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<link"))
    }

    func testHelpShowsExamples() throws {
        let help = try run(["--help"])
        XCTAssertTrue(help.stdout.contains("  report "), help.stdout)
        for sub in ["themes", "cooccurrence", "matrix", "quotes", "html"] {
            let r = try run(["report", sub, "--help"])
            XCTAssertEqual(r.status, 0, sub)
            XCTAssertTrue(r.stdout.contains("focuscode report \(sub) "), sub)
        }
    }
}

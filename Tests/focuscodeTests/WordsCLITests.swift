import FocusCodeTestSupport
import Foundation
import XCTest

/// `focuscode words` and `focuscode kwic` end to end through the built binary, on the hand-counted group of WordsTests.
final class WordsCLITests: XCTestCase {
    var dir: URL!
    var projectPath: String { dir.appendingPathComponent("focuscode.sqlite").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-words-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("""
            Moderator: Welcome. Tell us about training, um, you know, anything.
            Ruth: Um, the training was, you know, poor. Training matters, I mean it.
            Dan: Uh-huh. I don't think [NAME-3] had training. The co-worker felt isolated.
            Ruth: Isolation is hard; isolated officers don't cope. Don't they?
            """.utf8).write(to: dir.appendingPathComponent("fg1.txt"))
        XCTAssertEqual(try run(["init"]).status, 0)
        let imported = try run(["import", "fg1.txt", "--group", "FG1", "--moderator", "Moderator", "--no-detect"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func run(_ args: [String]) throws -> BinaryResult {
        try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": projectPath, "COLUMNS": "120"])
    }

    func testWordsInEachFormat() throws {
        let csv = try run(["words", "--top", "3", "--format", "csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        XCTAssertEqual(csv.stdout, """
            rank,term,count,turns,share_of_turns
            1,training,3,2,0.667
            2,isolated,2,2,0.667
            3,co-worker,1,1,0.333

            """)
        let json = try run(["words", "--by", "speaker", "--top", "1", "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(rows.map { $0["speaker"] as? String }, ["P01", "P02"])
        XCTAssertEqual(rows.map { $0["term"] as? String }, ["training", "co-worker"])
        XCTAssertEqual(rows[0]["share_of_turns"] as? Double, 0.5)

        let table = try run(["words", "--top", "2"])
        XCTAssertTrue(table.stdout.hasPrefix("Words in the project, moderator turns left out — 3 turns\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("   1  training      3      2           0.667"), table.stdout)

        let bigrams = try run(["words", "--ngram", "2", "--format", "csv"])
        XCTAssertEqual(bigrams.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] },
                       ["co-worker felt", "felt isolated", "isolated officers", "training matters"])
    }

    func testStopwordsFileAndAllWords() throws {
        try Data("training\n".utf8).write(to: dir.appendingPathComponent("mine.txt"))
        let mine = try run(["words", "--stopwords", "mine.txt", "--top", "1", "--format", "csv"])
        XCTAssertEqual(mine.stdout, "rank,term,count,turns,share_of_turns\n1,isolated,2,2,0.667\n")
        let all = try run(["words", "--all-words", "--top", "1", "--format", "csv"])
        XCTAssertEqual(all.stdout, "rank,term,count,turns,share_of_turns\n1,don't,3,2,0.667\n")
    }

    func testKwic() throws {
        let kwic = try run(["kwic", "isolat*", "--group", "FG1", "--width", "10", "--format", "csv"])
        XCTAssertEqual(kwic.status, 0, kwic.stderr)
        XCTAssertEqual(kwic.stdout, """
            excerpt,speaker,left,keyword,right
            FG1-0003,P02,"…ker felt ",isolated,.
            FG1-0004,P01,,Isolation," is hard;…"
            FG1-0004,P01,"…is hard; ",isolated," officers…"

            """)
    }

    func testBadInputGetsOneLine() throws {
        let group = try run(["words", "--group", "FG9"])
        XCTAssertEqual(group.status, 65)
        XCTAssertEqual(group.stderr, "focuscode: error: no group 'FG9' in this project; 'focuscode groups' lists them.\n")
        let file = try run(["words", "--stopwords", "nope.txt"])
        XCTAssertEqual(file.status, 66)
        XCTAssertTrue(file.stderr.contains("nope.txt: no such file"), file.stderr)
        XCTAssertEqual(try run(["words", "--ngram", "9"]).status, 64)
        let pattern = try run(["kwic", "*"])
        XCTAssertEqual(pattern.status, 64)
        XCTAssertTrue(pattern.stderr.contains("the pattern is empty"), pattern.stderr)
        let coder = try run(["words", "--coder", "nobody"])
        XCTAssertEqual(coder.status, 65, coder.stderr)
        let none = try run(["words", "--speaker", "Moderator"])
        XCTAssertEqual(none.status, 65)
        XCTAssertTrue(none.stderr.contains("no turns by speaker Moderator"), none.stderr)
    }
}

extension WordsCLITests {
    func testHTMLReportWordChart() throws {
        XCTAssertEqual(try run(["codebook", "import", CLITests.fixtures.appendingPathComponent("codebook.yaml").path]).status, 0)
        XCTAssertEqual(try run(["code", "FG1-0002", "Role of policing/Training needs", "--coder", "alice"]).status, 0)
        let result = try run(["report", "html", "--coder", "alice", "--output", "r.html", "--words", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let html = try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<li><a href=\"#words\">Most frequent words</a></li>"))
        XCTAssertTrue(html.contains("<desc id=\"words-desc\">FG1: training 3, isolated 2.</desc>"), html)
        XCTAssertTrue(html.contains("<title>training: 3 times in 2 of 3 turns (66.7%)</title>"), html)
        let plain = try run(["report", "html", "--coder", "alice", "--output", "p.html"])
        XCTAssertEqual(plain.status, 0)
        XCTAssertFalse(try String(contentsOf: dir.appendingPathComponent("p.html"), encoding: .utf8).contains("id=\"words\""))
    }
}

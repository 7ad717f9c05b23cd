import Foundation
import XCTest
@testable import FocusCodeKit

/// Word counts and keyword in context on a four-turn group whose counts were worked out by hand (see `transcript`).
final class WordsTests: XCTestCase {
    /// By hand, stop words and fillers left out, moderator out:
    /// FG1-0002 Ruth: training, poor, training, matters ("um", "you know", "i mean", "the", "was", "it" out)
    /// FG1-0003 Dan: think, training, co-worker, felt, isolated ("uh-huh", "i", "don't", "had", "the" out; [NAME-3] never a word)
    /// FG1-0004 Ruth: isolation, hard, isolated, officers, cope
    static let transcript = """
        Moderator: Welcome. Tell us about training, um, you know, anything.
        Ruth: Um, the training was, you know, poor. Training matters, I mean it.
        Dan: Uh-huh. I don't think [NAME-3] had training. The co-worker felt isolated.
        Ruth: Isolation is hard; isolated officers don't cope. Don't they?
        """

    var dir: TempDir!
    var project: Project!

    override func setUpWithError() throws {
        dir = TempDir()
        project = try Project.create(at: dir.path("w.sqlite"))
        try project.importText(Self.transcript, group: "FG1", in: dir, moderators: ["Moderator"])
        try project.addCode(path: "Policing")
        try project.addCode(path: "Policing/Training")
        try project.addCode(path: "Covid")
        try project.applyCode("Policing/Training", to: "FG1-0002", coder: "alice")
        try project.applyCode("Covid", to: "FG1-0003", coder: "alice")
    }

    func testTokensKeepApostrophesAndHyphensAndSkipPlaceholders() {
        let tokens = WordTokenizer.tokens("Don’t [NAME-3] co-worker's uh-huh -- 42 [not a placeholder] end-")
        XCTAssertEqual(tokens.map(\.term), ["don't", "co-worker's", "uh-huh", "not", "a", "placeholder", "end"])
        XCTAssertEqual(tokens.map(\.afterBreak), [false, true, false, false, false, false, false])
    }

    func testCountsByHand() throws {
        let report = try project.wordFrequencies(options: WordFrequencyOptions(top: 4, excluded: try WordLists.english()))
        XCTAssertEqual(report.cells.map(\.turns), [3])
        XCTAssertEqual(report.rows.map(\.term), ["training", "isolated", "co-worker", "cope"])
        XCTAssertEqual(report.rows.map(\.count), [3, 2, 1, 1])
        XCTAssertEqual(report.rows.map(\.turns), [2, 2, 1, 1])
        XCTAssertEqual(report.rows[0].shareOfTurns, 2.0 / 3.0, accuracy: 1e-12)
        let full = try project.wordFrequencies(options: WordFrequencyOptions(top: 100, excluded: try WordLists.english()))
        XCTAssertEqual(Set(full.rows.map(\.term)), ["training", "isolated", "poor", "matters", "think", "co-worker", "felt", "isolation",
                                                    "hard", "officers", "cope"])
        XCTAssertEqual(full.rows.map(\.count).reduce(0, +), 14)
    }

    func testEveryWordCountedButNeverPlaceholders() throws {
        let report = try project.wordFrequencies(options: WordFrequencyOptions(top: 100))
        let count = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.term, $0.count) })
        XCTAssertEqual(count["don't"], 3)
        XCTAssertEqual(count["uh-huh"], 1)
        XCTAssertEqual(count["um"], 1)
        XCTAssertNil(count["name"])
        XCTAssertNil(count["3"])
        XCTAssertEqual(count["training"], 3)
        let withModerator = try project.wordFrequencies(WordScope(includeModerator: true), options: WordFrequencyOptions(top: 100))
        XCTAssertEqual(withModerator.rows.first { $0.term == "training" }?.count, 4)
    }

    func testBigramsStayInsideSentencesAndSkipLeftOutWords() throws {
        let report = try project.wordFrequencies(options: WordFrequencyOptions(ngram: 2, top: 100, excluded: try WordLists.english()))
        XCTAssertEqual(report.rows.map(\.term), ["co-worker felt", "felt isolated", "isolated officers", "training matters"])
        let all = try project.wordFrequencies(options: WordFrequencyOptions(ngram: 2, top: 100)).rows.map(\.term)
        XCTAssertTrue(all.contains("had training"))
        XCTAssertFalse(all.contains("think had"), "no bigram spans a placeholder")
        XCTAssertFalse(all.contains("poor training"), "no bigram spans a sentence end")
    }

    func testBreakdownsBySpeakerAndCode() throws {
        let lists = try WordLists.english()
        let bySpeaker = try project.wordFrequencies(options: WordFrequencyOptions(top: 1, by: .speaker, excluded: lists))
        // Speakers are stored by pseudonym: Ruth is P01, Dan P02.
        XCTAssertEqual(bySpeaker.cells.map(\.value), ["P01", "P02"])
        XCTAssertEqual(bySpeaker.cells.map(\.turns), [2, 1])
        XCTAssertEqual(bySpeaker.rows.map(\.term), ["training", "co-worker"])
        XCTAssertEqual(bySpeaker.rows[0].count, 2)
        XCTAssertEqual(bySpeaker.rows[0].shareOfTurns, 0.5)

        let byCode = try project.wordFrequencies(WordScope(coder: "alice"), options: WordFrequencyOptions(top: 1, by: .code, excluded: lists))
        XCTAssertEqual(byCode.cells.map(\.value), ["Policing", "Policing/Training", "Covid"])
        XCTAssertEqual(byCode.rows.map(\.term), ["training", "training", "co-worker"])

        let theme = try project.wordFrequencies(WordScope(code: "Policing", coder: "alice"), options: WordFrequencyOptions(top: 10, excluded: lists))
        XCTAssertEqual(theme.rows.map(\.term), ["training", "matters", "poor"])
        XCTAssertEqual(theme.rows.map(\.count), [2, 1, 1])
    }

    func testUserListAddsWordsAndPhrases() throws {
        var lists = try WordLists.english()
        lists.add(WordLists.parse("# mine\ntraining\nfelt isolated  # a phrase\n"))
        let report = try project.wordFrequencies(options: WordFrequencyOptions(top: 100, excluded: lists))
        let count = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.term, $0.count) })
        XCTAssertNil(count["training"])
        XCTAssertNil(count["felt"])
        XCTAssertEqual(count["isolated"], 1, "the one in 'felt isolated' is left out, the other stays")
    }

    func testKeywordInContext() throws {
        let lines = try project.keywordsInContext("isolat*", width: 10)
        XCTAssertEqual(lines.map(\.excerpt), ["FG1-0003", "FG1-0004", "FG1-0004"])
        XCTAssertEqual(lines.map(\.keyword), ["isolated", "Isolation", "isolated"])
        XCTAssertEqual(lines[0].left, "…ker felt ")
        XCTAssertEqual(lines[0].right, ".")
        XCTAssertEqual(lines[1].left, "")
        XCTAssertEqual(lines[1].right, " is hard;…")
        XCTAssertEqual(try project.keywordsInContext("training matters").map(\.excerpt), ["FG1-0002"])
        XCTAssertEqual(try project.keywordsInContext("poor training"), [], "a phrase does not span a sentence end")
        XCTAssertEqual(try project.keywordsInContext("training", scope: WordScope(includeModerator: true)).count, 4)
        XCTAssertThrowsError(try project.keywordsInContext("  ")) { XCTAssertEqual($0 as? TextAnalysisError, .emptyPattern) }
        XCTAssertThrowsError(try project.keywordsInContext("x", scope: WordScope(group: "FG9"))) {
            XCTAssertEqual($0 as? ProjectError, .unknownGroup("FG9"))
        }
    }

    func testGlob() {
        XCTAssertTrue(WordPattern.glob("isolat*", "isolation"))
        XCTAssertTrue(WordPattern.glob("*work*", "co-workers"))
        XCTAssertFalse(WordPattern.glob("isolat*", "insulated"))
        XCTAssertTrue(WordPattern.glob("i*d", "isolated"))
        XCTAssertFalse(WordPattern.glob("i*d", "isolate"))
    }
}

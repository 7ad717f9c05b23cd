import Foundation
import XCTest
@testable import FocusCodeKit

/// Reports over passages: theme tables count a turn once and can count passages; quotes show the passage, or the
/// turn with the passage marked; the HTML page sets the passage in bold.
final class PassageReportTests: XCTestCase {
    /// G1-0002 "Turn number 1 about the work." — alice: T/a 0:4 ("Turn"), T/a 14:19 ("about"), T 14:19 (the same span)
    /// G1-0003 "Turn number 2 about the work." — alice: T, whole turn
    /// G1-0004 "Good 😀 day here."             — alice: U 7:10 ("day": code points; the emoji is one)
    /// bob: T/a 0:4 on G1-0002 (alice's span too), T/a 5:11 ("number") on G1-0002.
    func makeProject(_ dir: TempDir) throws -> Project {
        let project = try Project.create(at: dir.path("passages.sqlite"))
        try project.importText("Moderator: Welcome.\nP1: Turn number 1 about the work.\nP2: Turn number 2 about the work.\nP1: Good 😀 day here.\n",
                               group: "G1", in: dir, moderators: ["Moderator"])
        try AgreementFixtureLoader.insertCodes(project, paths: ["T", "T/a", "U"])
        try project.applyCode("T/a", to: "G1-0002", coder: "alice", span: Span(start: 0, end: 4))
        try project.applyCode("T/a", to: "G1-0002", coder: "alice", span: Span(start: 14, end: 19))
        try project.applyCode("T", to: "G1-0002", coder: "alice", span: Span(start: 14, end: 19))
        try project.applyCode("T", to: "G1-0003", coder: "alice")
        try project.applyCode("U", to: "G1-0004", coder: "alice", span: Span(start: 7, end: 10))
        try project.applyCode("T/a", to: "G1-0002", coder: "bob", span: Span(start: 0, end: 4))
        try project.applyCode("T/a", to: "G1-0002", coder: "bob", span: Span(start: 5, end: 11))
        return project
    }

    func counts(_ report: ThemeReport) -> [String: [Int?]] {
        Dictionary(uniqueKeysWithValues: report.rows.map { ($0.code.path, [$0.total?.excerpts, $0.total?.passages, $0.total?.participants]) })
    }

    func testThemeTablesCountTurnsOnceAndPassagesOnRequest() throws {
        let dir = TempDir()
        let project = try makeProject(dir)
        let turns = try project.themeReport(ReportOptions(selection: .coder("alice")))
        XCTAssertFalse(turns.countPassages)
        XCTAssertEqual(counts(turns), ["T": [2, nil, 2], "T/a": [1, nil, 1], "U": [1, nil, 1]], "a turn counts once however many passages")

        let alice = try project.themeReport(ReportOptions(selection: .coder("alice"), countPassages: true))
        XCTAssertTrue(alice.countPassages)
        // T rolled up: 0:4 and 14:19 of G1-0002 (14:19 coded with T and T/a is one passage) and the whole of G1-0003.
        XCTAssertEqual(counts(alice), ["T": [2, 3, 2], "T/a": [1, 2, 1], "U": [1, 1, 1]])
        XCTAssertEqual(alice.rows.first { $0.code.path == "T" }?.cells.map(\.passages), [3], "the group column")
        XCTAssertTrue(alice.rules.contains(ReportBuilder.passageRule))

        let own = try project.themeReport(ReportOptions(selection: .coder("alice"), rollUp: false, countPassages: true))
        XCTAssertEqual(counts(own)["T"], [2, 2, 2], "without roll-up: 14:19 and the whole of G1-0003")

        // The union counts a span two coders coded once: T/a has 0:4, 14:19 and bob's 5:11.
        let union = try project.themeReport(ReportOptions(selection: .union, countPassages: true))
        XCTAssertEqual(counts(union)["T/a"], [1, 3, 1])
        XCTAssertEqual(counts(union)["T"], [2, 4, 2])

        let byCoder = try project.themeReport(ReportOptions(countPassages: true), by: .coder)
        XCTAssertEqual(byCoder.rows.first { $0.code.path == "T/a" }?.cells.map(\.passages), [2, 2])

        let csv = CSVReportRenderer().render(alice)
        XCTAssertTrue(csv.hasPrefix("level,code,name,G1_excerpts,G1_passages,G1_share,G1_participants,G1_participants_of,all_excerpts,all_passages,"), csv)
        XCTAssertTrue(csv.contains("\n1,T,T,2,3,0.6667,2,2,2,3,0.6667,2,2\n"), csv)
        XCTAssertFalse(CSVReportRenderer().render(turns).contains("passages"), "the default CSV columns are unchanged")
    }

    func testQuotesShowThePassageOrTheTurnWithThePassageMarked() throws {
        let dir = TempDir()
        let project = try makeProject(dir)
        let options = ReportOptions(selection: .coder("alice"))
        let passage = try project.quotesReport(options, code: "T", limit: 5)
        XCTAssertEqual(passage.context, .passage)
        let quotes = try XCTUnwrap(passage.lists.first?.quotes)
        XCTAssertEqual(quotes.map(\.excerpt).sorted(), ["G1-0002", "G1-0003"])
        let two = try XCTUnwrap(quotes.first { $0.excerpt == "G1-0002" })
        XCTAssertEqual(two.text, "Turn … about")
        XCTAssertEqual(two.passages, [Span(start: 0, end: 4), Span(start: 14, end: 19)])
        let three = try XCTUnwrap(quotes.first { $0.excerpt == "G1-0003" })
        XCTAssertEqual(three.text, "Turn number 2 about the work.", "a turn coded whole is quoted whole")
        XCTAssertEqual(three.passages, [])
        let day = try XCTUnwrap(project.quotesReport(options, code: "U").lists.first?.quotes.first)
        XCTAssertEqual(day.text, "day", "spans are code points: the emoji before it is one")

        let turn = try project.quotesReport(options, code: "T", limit: 5, context: .turn)
        let marked = try XCTUnwrap(turn.lists.first?.quotes.first { $0.excerpt == "G1-0002" })
        XCTAssertEqual(marked.text, "Turn number 1 about the work.")
        XCTAssertEqual(marked.pieces(.turn).map(\.text), ["Turn", " number 1 ", "about", " the work."])
        XCTAssertEqual(marked.pieces(.turn).map(\.marked), [true, false, true, false])
        XCTAssertTrue(TerminalReportRenderer(maxWidth: 120).render(turn).contains("     «Turn» number 1 «about» the work.\n"))
        XCTAssertTrue(MarkdownReportRenderer().render(turn).contains("> **Turn** number 1 **about** the work.\n"))
        let csv = CSVReportRenderer().render(passage)
        XCTAssertTrue(csv.hasPrefix("code,rank,excerpt,participant,group,words,other_codes,text,passages\n"), csv)
        XCTAssertTrue(csv.contains(",Turn … about,0:4;14:19\n"), csv)
        let emojiTurn = try XCTUnwrap(project.quotesReport(options, code: "U", context: .turn).lists.first?.quotes.first)
        XCTAssertEqual(emojiTurn.pieces(.turn).map(\.text), ["Good 😀 ", "day", " here."])
    }

    func testTheHTMLPageSetsThePassageInBoldInsideItsTurn() throws {
        let dir = TempDir()
        let project = try makeProject(dir)
        let html = HTMLReportRenderer().render(try project.htmlReport(ReportOptions(selection: .coder("alice")), quotesPerTheme: 3))
        XCTAssertTrue(html.contains("<p><strong>Turn</strong> number 1 <strong>about</strong> the work.</p>"), html)
        XCTAssertTrue(html.contains("<p>Turn number 2 about the work.</p>"), "a turn coded whole has no bold")
        XCTAssertTrue(html.contains("<p>Good 😀 <strong>day</strong> here.</p>"))
    }
}

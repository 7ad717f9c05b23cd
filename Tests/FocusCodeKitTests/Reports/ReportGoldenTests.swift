import FocusCodeTestSupport
import Foundation
import XCTest
@testable import FocusCodeKit

/// Every report in every format, compared whole with the files in `Golden/` (FOCUSCODE_UPDATE_GOLDEN=1 rewrites them).
final class ReportGoldenTests: XCTestCase {
    var project: Project { ReportFixture.project }
    let consensus = ReportOptions(selection: .consensus)

    func testThemeTableInEveryFormat() throws {
        let report = try project.themeReport(consensus)
        Golden.check(TerminalReportRenderer(maxWidth: 120).render(report), "themes-consensus-by-group.txt")
        Golden.check(CSVReportRenderer().render(report), "themes-consensus-by-group.csv")
        Golden.check(MarkdownReportRenderer().render(report), "themes-consensus-by-group.md")
        Golden.check(JSONReportRenderer().render(report), "themes-consensus-by-group.json")
    }

    func testBreakdownsInTheTerminal() throws {
        let terminal = TerminalReportRenderer(maxWidth: 120)
        let themes = ReportOptions(selection: .coder("coder_a"), level: 1, sort: .frequency)
        Golden.check(terminal.render(try project.themeReport(themes, by: .attribute("gender"))), "themes-coder_a-by-gender-level1.txt")
        Golden.check(terminal.render(try project.themeReport(ReportOptions(level: 1), by: .coder)), "themes-by-coder-level1.txt")
        Golden.check(terminal.render(try project.themeReport(ReportOptions(selection: .union, includeModerator: true, rollUp: false))),
                     "themes-union-moderators-no-roll-up.txt")
        Golden.check(MarkdownReportRenderer().render(try project.themeReport(ReportOptions(selection: .consensus, level: 1), by: .participant)),
                     "themes-consensus-by-participant-level1.md")
    }

    func testCooccurrenceMatrixAndQuotes() throws {
        let terminal = TerminalReportRenderer(maxWidth: 120)
        let cooccurrence = try project.cooccurrenceReport(consensus)
        Golden.check(terminal.render(cooccurrence, shape: .pairs), "cooccurrence-consensus-pairs.txt")
        let themes = try project.cooccurrenceReport(ReportOptions(selection: .consensus, level: 1))
        Golden.check(terminal.render(themes, shape: .matrix), "cooccurrence-consensus-themes-matrix.txt")
        Golden.check(CSVReportRenderer().render(themes, shape: .matrix), "cooccurrence-consensus-themes-matrix.csv")
        Golden.check(MarkdownReportRenderer().render(themes, shape: .pairs), "cooccurrence-consensus-themes-pairs.md")
        Golden.check(JSONReportRenderer().render(themes, shape: .matrix), "cooccurrence-consensus-themes.json")

        let presence = try project.codeMatrix(consensus, dimension: .participant, presence: true)
        Golden.check(terminal.render(presence), "matrix-consensus-participant-presence.txt")
        Golden.check(CSVReportRenderer().render(presence), "matrix-consensus-participant-presence.csv")
        let counts = try project.codeMatrix(ReportOptions(selection: .consensus, level: 1), dimension: .group, presence: false, codesAsColumns: true)
        Golden.check(MarkdownReportRenderer().render(counts), "matrix-consensus-group-by-theme.md")
        Golden.check(JSONReportRenderer().render(counts), "matrix-consensus-group-by-theme.json")

        let quotes = try project.quotesReport(consensus, code: "Impact of Covid-19", limit: 3)
        Golden.check(terminal.render(quotes), "quotes-consensus-covid.txt")
        Golden.check(CSVReportRenderer().render(quotes), "quotes-consensus-covid.csv")
        Golden.check(MarkdownReportRenderer().render(quotes), "quotes-consensus-covid.md")
        Golden.check(JSONReportRenderer().render(quotes), "quotes-consensus-covid.json")
    }

    func testHTMLPage() throws {
        let model = try project.htmlReport(consensus, quotesPerTheme: 2, subtitle: "Fictional fixture data (FG1, FG2)")
        Golden.check(HTMLReportRenderer().render(model), "report-consensus.html")
    }
}

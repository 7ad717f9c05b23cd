import FocusCodeTestSupport
import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// Escaping, self-containment and the renderers' smaller rules.
final class ReportRenderingTests: XCTestCase {
    /// A project whose code names, colour and excerpt text try to break out of HTML, CSV and Markdown.
    func makeHostileProject(_ dir: TempDir) throws -> Project {
        let p = try Project.create(at: dir.path("p.sqlite"))
        try p.importText("Moderator: Hi.\nRuth: I said <script>alert(1)</script> & \"left\" it | *there*.\nDan: Fine.\n",
                         group: "G1", in: dir, moderators: ["Moderator"])
        try FixtureData.insert(codebook: [.init(name: "Risk <&\"> 'x'", colour: "red;}</style><script>", subthemes: ["A|B_*"])], into: p)
        try FixtureData.insert(coder: "c", codings: ["G1-0002": ["Risk <&\"> 'x'/A|B_*"], "G1-0003": []], into: p)
        return p
    }

    func testHTMLEscapesCodeNamesTextAndColours() throws {
        let dir = TempDir()
        let p = try makeHostileProject(dir)
        let html = HTMLReportRenderer().render(try p.htmlReport(ReportOptions(), subtitle: "<b>subtitle</b>"))
        XCTAssertTrue(html.contains("Risk &lt;&amp;&quot;&gt; &#39;x&#39;"))
        XCTAssertFalse(html.contains("Risk <&"))
        XCTAssertTrue(html.contains("I said &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;left&quot; it | *there*."))
        XCTAssertTrue(html.contains("&lt;b&gt;subtitle&lt;/b&gt;"))
        // No script, no colour from the codebook that is not #RGB/#RRGGBB, nothing fetched from the network.
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.contains("red;"))
        XCTAssertFalse(html.contains("<link"))
        XCTAssertFalse(html.contains("src="))
        let urls = html.components(separatedBy: "http").dropFirst().map { String($0.prefix(30)) }
        XCTAssertEqual(urls, ["://www.w3.org/2000/svg\" class="], "the only URL is the SVG namespace")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        XCTAssertTrue(html.hasSuffix("</body>\n</html>\n"))
    }

    func testMarkdownAndCSVEscapeHostileNames() throws {
        let dir = TempDir()
        let p = try makeHostileProject(dir)
        let report = try p.themeReport(ReportOptions())
        let md = MarkdownReportRenderer().render(report)
        XCTAssertTrue(md.contains("| **Risk &lt;&amp;\"&gt; 'x'** |"), md)
        XCTAssertTrue(md.contains("| &emsp;A\\|B\\_\\* |"), md)
        let csv = CSVReportRenderer().render(report)
        XCTAssertEqual(csv.components(separatedBy: "\n")[2], "2,\"Risk <&\"\"> 'x'/A|B_*\",A|B_*,1,0.5000,1,2,1,0.5000,1,2")
        let quotes = MarkdownReportRenderer().render(try p.quotesReport(ReportOptions()))
        XCTAssertTrue(quotes.contains("> I said &lt;script&gt;alert(1)&lt;/script&gt; &amp; \"left\" it \\| \\*there\\*."), quotes)
    }

    func testHTMLEscapeFunction() {
        XCTAssertEqual(HTML.escape("<&\"'>"), "&lt;&amp;&quot;&#39;&gt;")
        XCTAssertEqual(HTML.escape("a\u{1}b\nc"), "a\u{FFFD}b\nc")
        XCTAssertEqual(HTML.safeColour("#4477aa"), "#4477AA")
        XCTAssertEqual(HTML.safeColour("#abc"), "#ABC")
        XCTAssertNil(HTML.safeColour("#4477aag"))
        XCTAssertNil(HTML.safeColour("blue"))
        XCTAssertNil(HTML.safeColour(nil))
    }

    func testHTMLUsesCodebookColoursAndTextLabels() throws {
        let html = HTMLReportRenderer().render(try ReportFixture.project.htmlReport(ReportOptions(selection: .consensus)))
        for colour in ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377"] {
            XCTAssertTrue(html.contains("fill=\"\(colour)\""), colour)
        }
        // Each bar has its group's name as text beside it, not only a shade.
        XCTAssertEqual(html.components(separatedBy: "<text class=\"group\"").count - 1, 12)
        XCTAssertTrue(html.contains("<desc id=\"chart-desc\">Offender profiles: FG1 13 (16.0%), FG2 8 (15.7%);"))
    }

    func testTerminalBandsLineUpWithTheirColumns() {
        let table = Table(columns: [Column("name"), Column("a_n", "n", band: "A long band"), Column("a_p", "%", band: "A long band"),
                                    Column("b_n", "n", band: "B")],
                          rows: [["x", 1, .text("5.0%"), 2]], caption: "Cap", notes: ["Note one."])
        XCTAssertEqual(TerminalTableRenderer().render(table), """
            Cap

                  A long band  B
            name  n  %         n
            ────  ─  ────────  ─
            x     1  5.0%      2

            Note one.

            """)
    }

    func testBitset() {
        var a = ExcerptBitset(capacity: 200)
        for i in [0, 63, 64, 130, 199] { a.insert(i) }
        a.insert(500)
        XCTAssertEqual(a.elements, [0, 63, 64, 130, 199])
        var b = ExcerptBitset(capacity: 200)
        for i in [63, 130, 150] { b.insert(i) }
        XCTAssertEqual(a.intersectionCount(b), 2)
        var u = a
        u.formUnion(b)
        XCTAssertEqual(u.count, 6)
        XCTAssertTrue(u.contains(150))
        XCTAssertFalse(u.contains(151))
        XCTAssertFalse(u.contains(-1))
    }
}

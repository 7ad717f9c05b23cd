import Foundation

// The HTML report: one self-contained page (inline CSS and SVG, no scripts, no network), readable on screen
// and on paper. A small string builder rather than a templating or DSL package: the page needs inline SVG
// (which Plot has no elements for) and exact escaping rules, both easy to test here; and it keeps clean builds
// free of another dependency.

/// Escaping for HTML text and attribute values.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'`, which is right both in text and in quoted attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and line breaks are not allowed in HTML text.
                if scalar.value < 0x20, scalar != "\n", scalar != "\t", scalar != "\r" { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// A colour usable in CSS: `#RGB` or `#RRGGBB` from the codebook, else nil (so no codebook text reaches CSS).
    public static func safeColour(_ colour: String?) -> String? {
        guard let colour, colour.hasPrefix("#"), [4, 7].contains(colour.count),
              colour.dropFirst().allSatisfy({ $0.isHexDigit }) else { return nil }
        return colour.uppercased()
    }
}

/// Renders `HTMLReportModel` as one HTML page.
public struct HTMLReportRenderer {
    public init() {}

    /// Colours for codes without one in the codebook (Paul Tol's muted scheme; readable and colour-blind safe).
    static let fallbackPalette = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]

    public func render(_ model: HTMLReportModel) -> String {
        var page = Page()
        let themes = model.themes
        page.line("<!DOCTYPE html>")
        page.line("<html lang=\"en\">")
        page.line("<head>")
        page.line("<meta charset=\"utf-8\">")
        page.line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        page.line("<meta name=\"generator\" content=\"FocusCode\">")
        page.line("<title>\(HTML.escape(model.title))</title>")
        page.line("<style>\n\(Self.css)</style>")
        page.line("</head>")
        page.line("<body>")
        page.line("<header>")
        page.line("<h1>\(HTML.escape(model.title))</h1>")
        if let subtitle = model.subtitle { page.line("<p class=\"subtitle\">\(HTML.escape(subtitle))</p>") }
        page.line("<p class=\"coding\"><strong>Coding counted:</strong> \(HTML.escape(themes.selection.text)).</p>")
        page.line("<nav aria-label=\"Contents\"><ol>")
        for (id, title) in Self.sections + (model.words == nil ? [] : [("words", "Most frequent words")]) { page.line("<li><a href=\"#\(id)\">\(HTML.escape(title))</a></li>") }
        page.line("</ol></nav>")
        page.line("</header>")
        page.line("<main>")
        themeTable(themes, into: &page)
        barChart(themes, into: &page)
        heatMap(model.byParticipant, into: &page)
        cooccurrence(model.cooccurrence, into: &page)
        quotes(model.quotes, colours: colourMap(themes), into: &page)
        if let words = model.words { wordChart(words, into: &page) }
        page.line("</main>")
        page.line("<footer><p>Made with FocusCode. Every count is of excerpts (speaker turns); the rules under each section say exactly what is counted.</p></footer>")
        page.line("</body>")
        page.line("</html>")
        return page.text
    }

    static let sections = [("themes", "Themes and subthemes by group"), ("chart", "Themes by group (chart)"),
                           ("participants", "Codes by participant"), ("cooccurrence", "Co-occurrence of themes"), ("quotes", "Quotes")]

    // MARK: Sections

    private func themeTable(_ report: ThemeReport, into page: inout Page) {
        let bands = report.columns + (report.total.map { [$0] } ?? [])
        let colours = colourMap(report)
        page.line("<section id=\"themes\">")
        page.line("<h2>Themes and subthemes by group</h2>")
        page.line("<div class=\"scroll\"><table class=\"themes\">")
        page.line("<caption>\(HTML.escape(report.title))</caption>")
        page.line("<thead>")
        page.line("<tr><th scope=\"col\" rowspan=\"2\" class=\"name\">Theme / subtheme</th>"
            + bands.map { "<th scope=\"colgroup\" colspan=\"3\" class=\"band\">\(HTML.escape($0.title))<br><span class=\"denominator\">\($0.excerpts) excerpts · \($0.participants) participants</span></th>" }.joined()
            + "</tr>")
        page.line("<tr>" + bands.map { _ in "<th scope=\"col\" class=\"num first\">n</th><th scope=\"col\" class=\"num\">%</th><th scope=\"col\" class=\"num\">participants</th>" }.joined() + "</tr>")
        page.line("</thead>")
        page.line("<tbody>")
        for row in report.rows {
            let cells = row.cells + (row.total.map { [$0] } ?? [])
            let kind = row.code.level == 1 ? "theme" : "sub level\(min(row.code.level, 4))"
            var html = "<tr class=\"\(kind)\"><th scope=\"row\" class=\"name\">"
            if row.code.level == 1 { html += swatch(colours[row.code.path]) }
            html += HTML.escape(row.code.name) + (row.code.retired ? " <span class=\"retired\">(retired)</span>" : "") + "</th>"
            for (cell, band) in zip(cells, bands) {
                html += "<td class=\"num first\">\(cell.excerpts)</td><td class=\"num\">\(ReportTables.percent(cell.share))</td>"
                    + "<td class=\"num\">\(cell.participants) of \(band.participants)</td>"
            }
            page.line(html + "</tr>")
        }
        page.line("</tbody>")
        page.line("</table></div>")
        rules(report.rules, title: "How this table counts", into: &page)
        page.line("</section>")
    }

    /// Grouped horizontal bars: for each theme one bar per group, its length the group's share, labelled in text.
    private func barChart(_ report: ThemeReport, into page: inout Page) {
        let themes = report.rows.filter { $0.code.level == 1 }
        let groups = report.columns
        let colours = colourMap(report)
        page.line("<section id=\"chart\">")
        page.line("<h2>Themes by group</h2>")
        guard !themes.isEmpty, !groups.isEmpty else {
            page.line("<p>No themes or groups to chart.</p></section>")
            return
        }
        let maxShare = themes.flatMap { $0.cells.compactMap(\.share) }.max() ?? 0
        // A round top for the axis: the next multiple of 5 % (10 % above 50 %).
        let step = maxShare > 0.5 ? 0.1 : 0.05
        let top = max(step, (maxShare / step).rounded(.up) * step)
        let labelWidth = 250.0, groupWidth = 58.0, plotWidth = 540.0, valueWidth = 110.0
        let barHeight = 18.0, barGap = 4.0, themeGap = 16.0, axisHeight = 46.0, topPad = 10.0
        let plotX = labelWidth + groupWidth
        let width = plotX + plotWidth + valueWidth
        let blockHeight = Double(groups.count) * (barHeight + barGap) - barGap
        let height = topPad + Double(themes.count) * (blockHeight + themeGap) - themeGap + axisHeight
        let title = "Share of participant excerpts coded with each theme, by group"
        page.line("<figure>")
        page.line("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">")
        page.line("<title id=\"chart-title\">\(HTML.escape(title))</title>")
        let summary = themes.map { row in
            "\(row.code.name): " + zip(row.cells, groups).map { "\($1.title) \($0.excerpts) (\(ReportTables.percent($0.share)))" }.joined(separator: ", ")
        }.joined(separator: "; ")
        page.line("<desc id=\"chart-desc\">\(HTML.escape(summary)).</desc>")
        // Grid lines and axis labels.
        let ticks = Int((top / step).rounded())
        let plotBottom = height - axisHeight + 4
        for t in 0...ticks {
            let x = plotX + plotWidth * Double(t) / Double(ticks)
            page.line("<line class=\"grid\" x1=\"\(f(x))\" y1=\"\(f(topPad - 4))\" x2=\"\(f(x))\" y2=\"\(f(plotBottom))\"/>")
            page.line("<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(plotBottom + 14))\" text-anchor=\"middle\">\(Int((Double(t) * step * 100).rounded()))%</text>")
        }
        page.line("<text class=\"axis\" x=\"\(f(plotX + plotWidth / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">share of the group's participant excerpts</text>")
        for (i, row) in themes.enumerated() {
            let y0 = topPad + Double(i) * (blockHeight + themeGap)
            let colour = colours[row.code.path] ?? "#777777"
            page.line("<g class=\"theme\">")
            page.line("<text class=\"label\" x=\"\(f(labelWidth - 8))\" y=\"\(f(y0 + blockHeight / 2 + 4))\" text-anchor=\"end\">\(HTML.escape(row.code.name))</text>")
            for (j, (cell, group)) in zip(row.cells, groups).enumerated() {
                let y = y0 + Double(j) * (barHeight + barGap)
                let length = top > 0 ? plotWidth * (cell.share ?? 0) / top : 0
                // Groups differ by shade as well as by their text label, so colour is never the only cue.
                let opacity = groups.count == 1 ? 1.0 : 1.0 - 0.55 * Double(j) / Double(groups.count - 1)
                let tip = "\(row.code.name), \(group.title): \(cell.excerpts) of \(group.excerpts) excerpts (\(ReportTables.percent(cell.share))), \(cell.participants) of \(group.participants) participants"
                page.line("<text class=\"group\" x=\"\(f(labelWidth + 4))\" y=\"\(f(y + barHeight - 5))\">\(HTML.escape(group.title))</text>")
                page.line("<rect x=\"\(f(plotX))\" y=\"\(f(y))\" width=\"\(f(max(length, 0)))\" height=\"\(f(barHeight))\" fill=\"\(colour)\" fill-opacity=\"\(f(opacity, 2))\" stroke=\"\(colour)\"><title>\(HTML.escape(tip))</title></rect>")
                page.line("<text class=\"value\" x=\"\(f(plotX + length + 6))\" y=\"\(f(y + barHeight - 5))\">\(cell.excerpts) · \(ReportTables.percent(cell.share))</text>")
            }
            page.line("</g>")
        }
        page.line("</svg>")
        page.line("<figcaption>\(HTML.escape(title)). Each bar is labelled with its group; the figures are excerpts coded and their share of the group's participant excerpts (roll-up as in the table).</figcaption>")
        page.line("</figure>")
        page.line("</section>")
    }

    /// The top words of each group as horizontal bars of their share of turns, the count beside each bar.
    private func wordChart(_ report: WordFrequencyReport, into page: inout Page) {
        page.line("<section id=\"words\">")
        page.line("<h2>Most frequent words</h2>")
        guard !report.rows.isEmpty else {
            page.line("<p>No words to chart.</p></section>")
            return
        }
        let cells = report.cells
        let maxShare = report.rows.map(\.shareOfTurns).max() ?? 1
        let labelWidth = 190.0, plotWidth = 420.0, valueWidth = 120.0, barHeight = 16.0, barGap = 4.0, headHeight = 24.0, blockGap = 14.0
        let width = labelWidth + plotWidth + valueWidth
        let blocks = cells.map { cell in report.rows.filter { $0.by == cell.value } }
        let height = blocks.map { headHeight + Double($0.count) * (barHeight + barGap) }.reduce(0, +) + blockGap * Double(max(0, blocks.count - 1))
        let title = "Most frequent words in participant turns, by group: share of the group's turns using each word"
        page.line("<figure>")
        page.line("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-labelledby=\"words-title words-desc\">")
        page.line("<title id=\"words-title\">\(HTML.escape(title))</title>")
        let summary = zip(cells, blocks).map { cell, rows in
            "\(cell.value ?? "all"): " + rows.map { "\($0.term) \($0.count)" }.joined(separator: ", ")
        }.joined(separator: "; ")
        page.line("<desc id=\"words-desc\">\(HTML.escape(summary)).</desc>")
        var y = 0.0
        for (cell, rows) in zip(cells, blocks) {
            page.line("<text class=\"label\" x=\"0\" y=\"\(f(y + 16))\">\(HTML.escape(cell.value ?? "All groups")) (\(cell.turns) turns)</text>")
            y += headHeight
            for row in rows {
                let length = maxShare > 0 ? plotWidth * row.shareOfTurns / maxShare : 0
                let tip = "\(row.term): \(row.count) times in \(row.turns) of \(cell.turns) turns (\(ReportTables.percent(row.shareOfTurns)))"
                page.line("<text class=\"group\" x=\"\(f(labelWidth - 8))\" y=\"\(f(y + barHeight - 4))\" text-anchor=\"end\">\(HTML.escape(row.term))</text>")
                page.line("<rect x=\"\(f(labelWidth))\" y=\"\(f(y))\" width=\"\(f(max(length, 0)))\" height=\"\(f(barHeight))\" fill=\"#4477AA\"><title>\(HTML.escape(tip))</title></rect>")
                page.line("<text class=\"value\" x=\"\(f(labelWidth + length + 6))\" y=\"\(f(y + barHeight - 4))\">\(row.count) · \(ReportTables.percent(row.shareOfTurns))</text>")
                y += barHeight + barGap
            }
            y += blockGap
        }
        page.line("</svg>")
        page.line("<figcaption>\(HTML.escape(title)). Figures: occurrences · share of turns. Stop words and fillers are left out, placeholders never count; moderator turns are \(report.scope.includeModerator ? "included" : "left out").</figcaption>")
        page.line("</figure>")
        page.line("</section>")
    }

    /// Codes × participants as a table whose cells are shaded by count; every cell also shows its number.
    private func heatMap(_ report: ThemeReport, into page: inout Page) {
        let colours = colourMap(report)
        let maxCount = report.rows.flatMap { $0.cells.map(\.excerpts) }.max() ?? 0
        page.line("<section id=\"participants\">")
        page.line("<h2>Codes by participant</h2>")
        page.line("<div class=\"scroll\"><table class=\"heat\">")
        page.line("<caption>Excerpts coded, by participant — \(HTML.escape(report.selection.text))</caption>")
        page.line("<thead><tr><th scope=\"col\" class=\"name\">Theme / subtheme</th>"
            + report.columns.map { "<th scope=\"col\" class=\"num\">\(HTML.escape($0.title))<br><span class=\"denominator\">n = \($0.excerpts)</span></th>" }.joined()
            + "</tr></thead>")
        page.line("<tbody>")
        for row in report.rows {
            let kind = row.code.level == 1 ? "theme" : "sub level\(min(row.code.level, 4))"
            var html = "<tr class=\"\(kind)\"><th scope=\"row\" class=\"name\">"
            if row.code.level == 1 { html += swatch(colours[row.code.path]) }
            html += HTML.escape(row.code.name) + "</th>"
            for (cell, column) in zip(row.cells, report.columns) {
                html += heatCell(cell.excerpts, max: maxCount, colour: colours[row.code.path] ?? "#777777",
                                 label: "\(row.code.path), \(column.title): \(cell.excerpts) excerpts")
            }
            page.line(html + "</tr>")
        }
        page.line("</tbody>")
        page.line("</table></div>")
        rules(["Each cell: the participant's excerpts coded with the code (n under each pseudonym: their excerpts in all); "
               + "darker means more. Shading is scaled to the largest cell (\(maxCount))."]
              + report.rules.filter { !$0.hasPrefix("%") && !$0.hasPrefix("Participants:") },
              title: "How this map counts", into: &page)
        page.line("</section>")
    }

    private func cooccurrence(_ report: CooccurrenceReport, into page: inout Page) {
        var offDiagonal: [Int] = []
        for (i, row) in report.counts.enumerated() {
            for (j, value) in row.enumerated() where i != j { if let value { offDiagonal.append(value) } }
        }
        let maxCount = offDiagonal.max() ?? 0
        page.line("<section id=\"cooccurrence\">")
        page.line("<h2>Co-occurrence of themes</h2>")
        page.line("<div class=\"scroll\"><table class=\"heat cooc\">")
        page.line("<caption>\(HTML.escape(report.title))</caption>")
        page.line("<thead><tr><th scope=\"col\" class=\"name\">Theme</th>"
            + report.codes.map { "<th scope=\"col\" class=\"num\">\(HTML.escape($0.name))</th>" }.joined() + "</tr></thead>")
        page.line("<tbody>")
        for (i, code) in report.codes.enumerated() {
            var html = "<tr><th scope=\"row\" class=\"name\">\(HTML.escape(code.name))</th>"
            for (j, value) in report.counts[i].enumerated() {
                if i == j {
                    html += "<td class=\"num diagonal\" title=\"\(HTML.escape("\(code.path): \(value ?? 0) excerpts in all"))\">\(value ?? 0)</td>"
                } else if let value {
                    html += heatCell(value, max: maxCount, colour: "#4B5F8A",
                                     label: "\(code.path) and \(report.codes[j].path): \(value) excerpts")
                } else {
                    html += "<td class=\"num na\">–</td>"
                }
            }
            page.line(html + "</tr>")
        }
        page.line("</tbody>")
        page.line("</table></div>")
        if !report.pairs.isEmpty {
            page.line("<p>Most frequent pairs: " + report.pairs.prefix(5).map {
                "\(HTML.escape($0.first)) with \(HTML.escape($0.second)) (\($0.excerpts))"
            }.joined(separator: "; ") + ".</p>")
        }
        rules(["The diagonal (grey) is the excerpts coded with the theme; other cells are excerpts coded with both themes."] + report.rules,
              title: "How this table counts", into: &page)
        page.line("</section>")
    }

    private func quotes(_ report: QuotesReport, colours: [String: String], into page: inout Page) {
        page.line("<section id=\"quotes\">")
        page.line("<h2>Quotes</h2>")
        for list in report.lists {
            page.line("<article class=\"quotes\">")
            page.line("<h3>\(swatch(colours[list.code.path]))\(HTML.escape(list.code.path))</h3>")
            let top = list.available > list.quotes.count ? "; the top \(list.quotes.count)" : ""
            page.line("<p class=\"count\">\(list.available) excerpt\(list.available == 1 ? "" : "s")\(top).</p>")
            for quote in list.quotes {
                // The turn, the coded passage in bold inside it.
                let text = quote.pieces(report.context).map { piece in
                    let escaped = piece.text.split(separator: "\n", omittingEmptySubsequences: false).map { HTML.escape(String($0)) }
                        .joined(separator: "<br>")
                    return piece.marked ? "<strong>\(escaped)</strong>" : escaped
                }.joined()
                let who = [quote.participant, quote.group, quote.excerpt].compactMap { $0 }.map(HTML.escape).joined(separator: ", ")
                page.line("<figure class=\"quote\"><blockquote><p>\(text)</p></blockquote><figcaption>— \(who)</figcaption></figure>")
            }
            page.line("</article>")
        }
        rules(report.rules, title: "How quotes are chosen", into: &page)
        page.line("</section>")
    }

    // MARK: Pieces

    private func rules(_ rules: [String], title: String, into page: inout Page) {
        page.line("<details class=\"rules\" open><summary>\(HTML.escape(title))</summary><ul>")
        for rule in rules { page.line("<li>\(HTML.escape(rule))</li>") }
        page.line("</ul></details>")
    }

    private func swatch(_ colour: String?) -> String {
        guard let colour else { return "" }
        return "<span class=\"swatch\" style=\"background:\(colour)\" aria-hidden=\"true\"></span>"
    }

    /// A count cell shaded by `value / max` of `colour`, with a text colour that stays readable.
    private func heatCell(_ value: Int, max: Int, colour: String, label: String) -> String {
        let alpha = max > 0 ? Double(value) / Double(max) * 0.85 : 0
        guard value > 0 else { return "<td class=\"num zero\" title=\"\(HTML.escape(label))\">0</td>" }
        let rgb = Self.rgb(colour)
        // Luminance of the colour laid over white at this alpha decides black or white text.
        let blended = rgb.map { 255 - (255 - $0) * alpha }
        let luminance = (0.2126 * blended[0] + 0.7152 * blended[1] + 0.0722 * blended[2]) / 255
        let ink = luminance < 0.5 ? "#FFFFFF" : "#111111"
        return "<td class=\"num\" style=\"background:rgba(\(Int(rgb[0])),\(Int(rgb[1])),\(Int(rgb[2])),\(f(alpha, 2)));color:\(ink)\" title=\"\(HTML.escape(label))\">\(value)</td>"
    }

    static func rgb(_ colour: String) -> [Double] {
        var hex = String(colour.dropFirst())
        if hex.count == 3 { hex = hex.map { "\($0)\($0)" }.joined() }
        let value = Int(hex, radix: 16) ?? 0x777777
        return [Double((value >> 16) & 0xFF), Double((value >> 8) & 0xFF), Double(value & 0xFF)]
    }

    /// Theme path → a safe colour: the codebook's, else one from the fallback palette by theme order.
    private func colourMap(_ report: ThemeReport) -> [String: String] {
        var map: [String: String] = [:]
        var themeIndex = -1
        var themeColour = "#777777"
        for row in report.rows {
            if row.code.level == 1 {
                themeIndex += 1
                themeColour = HTML.safeColour(row.code.colour) ?? Self.fallbackPalette[themeIndex % Self.fallbackPalette.count]
            }
            map[row.code.path] = HTML.safeColour(row.code.colour) ?? themeColour
        }
        return map
    }

    private func f(_ x: Double, _ digits: Int = 1) -> String {
        let s = String(format: "%.\(digits)f", x)
        // "12.0" → "12" keeps the SVG short; "-0" never appears for our non-negative geometry.
        if s.contains(".") {
            var t = s
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
            return t
        }
        return s
    }

    private struct Page {
        var text = ""
        mutating func line(_ s: String) { text += s + "\n" }
    }

    static let css = """
        :root { color-scheme: light; --ink: #1A1A1A; --muted: #5A5A5A; --rule: #D0D0D0; --band: #F3F4F6; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
               max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; background: #FFFFFF; }
        h1 { font-size: 1.7em; margin: 0 0 4px; }
        h2 { font-size: 1.3em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
        h3 { font-size: 1.05em; margin: 22px 0 6px; }
        .subtitle, .count, figcaption, .denominator, footer { color: var(--muted); }
        .coding { margin: 6px 0 10px; }
        nav ol { margin: 6px 0 0; padding-left: 22px; columns: 2; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 8px 0; }
        caption { text-align: left; font-weight: 600; padding: 4px 0 8px; }
        th, td { padding: 3px 8px; border-bottom: 1px solid var(--rule); vertical-align: baseline; }
        thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
        th.band { text-align: center; background: var(--band); border-left: 1px solid var(--rule); }
        .denominator { font-size: 0.8em; font-weight: 400; }
        .num { text-align: right; white-space: nowrap; }
        .first { border-left: 1px solid var(--rule); }
        th.name { text-align: left; font-weight: 400; }
        tr.theme th.name { font-weight: 700; }
        tr.theme td { font-weight: 600; background: #FAFAFA; }
        tr.level2 th.name { padding-left: 30px; }
        tr.level3 th.name { padding-left: 50px; }
        tr.level4 th.name { padding-left: 70px; }
        .retired { color: var(--muted); font-weight: 400; }
        .swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.45em; border: 1px solid rgba(0,0,0,0.35);
                  vertical-align: -0.05em; }
        table.heat td { min-width: 3.2em; text-align: center; }
        table.heat td.zero { color: #B0B0B0; }
        table.heat td.diagonal { background: #E4E4E4; font-weight: 700; }
        table.heat td.na { color: #B0B0B0; }
        table.cooc thead th { vertical-align: bottom; max-width: 9em; white-space: normal; text-align: center; font-size: 0.85em; }
        figure { margin: 12px 0; }
        svg.chart { max-width: 100%; height: auto; font-family: inherit; }
        svg .label { font-size: 13px; font-weight: 600; fill: var(--ink); }
        svg .group, svg .value { font-size: 12px; fill: var(--ink); }
        svg .tick, svg .axis { font-size: 11px; fill: var(--muted); }
        svg .grid { stroke: #E2E2E2; stroke-width: 1; }
        details.rules { margin: 10px 0 0; font-size: 0.9em; color: #333333; }
        details.rules summary { font-weight: 600; cursor: pointer; }
        details.rules ul { margin: 4px 0 0; padding-left: 20px; }
        article.quotes { break-inside: avoid-page; }
        figure.quote { margin: 8px 0 12px; }
        blockquote { margin: 0; padding: 6px 14px; border-left: 4px solid var(--rule); background: #FAFAFA; }
        blockquote p { margin: 0; }
        figure.quote figcaption { padding: 2px 18px; font-size: 0.9em; }
        footer { margin-top: 40px; font-size: 0.85em; border-top: 1px solid var(--rule); padding-top: 8px; }
        @media print {
          @page { margin: 14mm; }
          body { font-size: 9.5pt; max-width: none; padding: 0; }
          th, td { padding: 2px 5px; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          nav { display: none; }
          h2 { break-after: avoid-page; }
          section { break-before: auto; }
          tr, figure, details { break-inside: avoid-page; }
          .scroll { overflow: visible; }
          details.rules summary { list-style: none; }
        }

        """
}

import Foundation

/// The formats of `focuscode report` (the HTML page is `HTMLReportRenderer`, written to a file).
public enum ReportFormat: String, Sendable, CaseIterable {
    case table, csv, json, md
}

/// How the co-occurrence report is laid out: the list of pairs, or the square matrix.
public enum CooccurrenceShape: String, Sendable, CaseIterable {
    case pairs, matrix
}

/// Renders report models in one format. Renderers lay out; they never compute.
public protocol ReportRenderer {
    func render(_ report: ThemeReport) -> String
    func render(_ report: CooccurrenceReport, shape: CooccurrenceShape) -> String
    func render(_ report: CodeMatrixReport) -> String
    func render(_ report: QuotesReport) -> String
}

extension ReportFormat {
    /// The renderer for this format.
    public func renderer(maxWidth: Int = 120) -> any ReportRenderer {
        switch self {
        case .table: return TerminalReportRenderer(maxWidth: maxWidth)
        case .csv: return CSVReportRenderer()
        case .json: return JSONReportRenderer()
        case .md: return MarkdownReportRenderer()
        }
    }
}

/// Aligned tables with the caption above and the counting rules below.
public struct TerminalReportRenderer: ReportRenderer {
    public var maxWidth: Int
    public init(maxWidth: Int = 120) { self.maxWidth = maxWidth }

    private var table: TerminalTableRenderer { TerminalTableRenderer(maxWidth: maxWidth) }

    public func render(_ report: ThemeReport) -> String { table.render(ReportTables.themes(report, layout: .display)) }

    public func render(_ report: CooccurrenceReport, shape: CooccurrenceShape) -> String {
        table.render(shape == .pairs ? ReportTables.cooccurrencePairs(report) : ReportTables.cooccurrenceMatrix(report, layout: .display))
    }

    public func render(_ report: CodeMatrixReport) -> String { table.render(ReportTables.matrix(report, layout: .display)) }

    /// Quotes as text blocks: the terminal table would cut them short.
    public func render(_ report: QuotesReport) -> String {
        var out = report.title + "\n"
        for list in report.lists {
            out += "\n\(list.code.path) — \(list.available) excerpt\(list.available == 1 ? "" : "s")"
                + (list.available > list.quotes.count ? ", the top \(list.quotes.count)" : "") + "\n"
            if list.quotes.isEmpty { out += "  (none)\n" }
            for (i, quote) in list.quotes.enumerated() {
                let who = [quote.participant, quote.group, quote.excerpt].compactMap { $0 }.joined(separator: " · ")
                let also = quote.otherCodes.isEmpty ? "" : "; also coded \(quote.otherCodes.joined(separator: ", "))"
                out += "  \(i + 1). \(who) (\(quote.words) words\(also))\n"
                let text = quote.pieces(report.context).map { $0.marked ? "«\($0.text)»" : $0.text }.joined()
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) { out += "     \(line)\n" }
            }
        }
        return out + "\n" + report.rules.joined(separator: "\n") + "\n"
    }
}

/// RFC 4180 CSV of the data layout: paths, integers, shares as fractions; no caption or rules.
public struct CSVReportRenderer: ReportRenderer {
    public init() {}
    private let csv = CSVTableRenderer()
    public func render(_ report: ThemeReport) -> String { csv.render(ReportTables.themes(report, layout: .data)) }
    public func render(_ report: CooccurrenceReport, shape: CooccurrenceShape) -> String {
        csv.render(shape == .pairs ? ReportTables.cooccurrencePairs(report) : ReportTables.cooccurrenceMatrix(report, layout: .data))
    }
    public func render(_ report: CodeMatrixReport) -> String { csv.render(ReportTables.matrix(report, layout: .data)) }
    public func render(_ report: QuotesReport) -> String { csv.render(ReportTables.quotes(report)) }
}

/// The whole model as JSON (sorted keys, so the output is stable): numbers, denominators and rules.
public struct JSONReportRenderer: ReportRenderer {
    public init() {}
    private func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The models hold only strings, integers, finite doubles and optionals: encoding cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
    }
    public func render(_ report: ThemeReport) -> String { encode(report) }
    public func render(_ report: CooccurrenceReport, shape: CooccurrenceShape) -> String { encode(report) }
    public func render(_ report: CodeMatrixReport) -> String { encode(report) }
    public func render(_ report: QuotesReport) -> String { encode(report) }
}

/// Markdown for papers and wikis: a caption, a pipe table, the rules as notes.
public struct MarkdownReportRenderer: ReportRenderer {
    public init() {}
    public func render(_ report: ThemeReport) -> String { MarkdownTableRenderer().render(ReportTables.themes(report, layout: .display)) }
    public func render(_ report: CooccurrenceReport, shape: CooccurrenceShape) -> String {
        MarkdownTableRenderer().render(shape == .pairs ? ReportTables.cooccurrencePairs(report)
                                                       : ReportTables.cooccurrenceMatrix(report, layout: .display))
    }
    public func render(_ report: CodeMatrixReport) -> String { MarkdownTableRenderer().render(ReportTables.matrix(report, layout: .display)) }

    public func render(_ report: QuotesReport) -> String {
        var out = "**\(Markdown.escape(report.title))**\n"
        for list in report.lists {
            out += "\n### \(Markdown.escape(list.code.path))\n\n"
            out += "\(list.available) excerpt\(list.available == 1 ? "" : "s")"
                + (list.available > list.quotes.count ? "; the top \(list.quotes.count):" : ".") + "\n"
            for quote in list.quotes {
                out += "\n"
                // Bold runs are closed at line ends, so a passage over a line break stays bold on both lines.
                var lines: [String] = [""]
                for piece in quote.pieces(report.context) {
                    for (n, part) in piece.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                        if n > 0 { lines.append("") }
                        let escaped = Markdown.escape(String(part))
                        lines[lines.count - 1] += piece.marked && !part.isEmpty ? "**\(escaped)**" : escaped
                    }
                }
                for line in lines { out += "> \(line)\n" }
                let who = [quote.participant, quote.group, quote.excerpt].compactMap { $0 }.map(Markdown.escape).joined(separator: ", ")
                out += ">\n> — \(who)\n"
            }
        }
        return out + "\n" + report.rules.map { "* \(Markdown.escape($0))" }.joined(separator: "\n") + "\n"
    }
}

/// A pipe table (GitHub / pandoc): caption in bold above, notes as a list below. Columns with a band are titled
/// "band title"; leading spaces of a cell (indentation) become em spaces so they survive.
public struct MarkdownTableRenderer: TableRenderer {
    public init() {}
    public func render(_ table: Table) -> String {
        var out = ""
        if let caption = table.caption { out += "**\(Markdown.escape(caption))**\n\n" }
        let titles = table.columns.map { c in Markdown.escape(c.band.map { "\($0) \(c.title)" } ?? c.title) }
        out += "| " + titles.joined(separator: " | ") + " |\n"
        let right = table.columns.indices.map { i -> Bool in
            if let alignment = table.columns[i].alignment { return alignment == .right }
            return !table.rows.isEmpty && table.rows.allSatisfy { row in
                switch row[i] { case .int, .double, .null: return true; default: return false }
            }
        }
        out += "|" + right.map { $0 ? "---:|" : "---|" }.joined() + "\n"
        for (r, row) in table.rows.enumerated() {
            let cells = row.enumerated().map { i, c in cell(c, strong: i == 0 && table.headingRows.contains(r)) }
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        if !table.notes.isEmpty { out += "\n" + table.notes.map { "* \(Markdown.escape($0))" }.joined(separator: "\n") + "\n" }
        return out
    }

    private func cell(_ cell: Cell, strong: Bool) -> String {
        let text = cell.plain
        let body = text.drop { $0 == " " }
        let indent = (text.count - body.count) / 2
        let escaped = Markdown.escape(String(body)).replacingOccurrences(of: "\n", with: "<br>")
        return String(repeating: "&emsp;", count: indent) + (strong && !escaped.isEmpty ? "**\(escaped)**" : escaped)
    }
}

/// Markdown escaping for text from the project (code names, quotes).
public enum Markdown {
    /// Backslash-escapes the characters Markdown would read as syntax; `&`, `<`, `>` become entities.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\", "|", "*", "_", "`", "[", "]", "#": out += "\\\(ch)"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }
}

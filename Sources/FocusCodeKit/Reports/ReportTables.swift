import Foundation

/// Lays report models out as `Table`s for the terminal, CSV and Markdown renderers. Layout only: every
/// number comes from the model; the only formatting is of numbers into text (a share as "16.0%").
public enum ReportTables {
    /// The two layouts of a table: for people (indented names, "16.0%", "5 of 6") or for data (paths, fractions, integers).
    public enum Layout: Sendable {
        case display, data
    }

    /// "16.0%", or "–" when undefined.
    public static func percent(_ share: Double?) -> String {
        share.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
    }

    /// A code's name indented two spaces per level below the themes.
    static func indented(_ code: ReportCode) -> String {
        String(repeating: "  ", count: max(0, code.level - 1)) + code.name + (code.retired ? " (retired)" : "")
    }

    // MARK: Theme table

    public static func themes(_ report: ThemeReport, layout: Layout) -> Table {
        let bands = report.columns + (report.total.map { [$0] } ?? [])
        // In a column per participant, "participants" could only read "1 of 1" or "0 of 1": people see it in the total only.
        let showParticipants = bands.indices.map { report.breakdown != "participant" || $0 >= report.columns.count }
        var columns: [Column]
        switch layout {
        case .display:
            columns = [Column("code", "Theme / subtheme")]
            for (band, show) in zip(bands, showParticipants) {
                columns.append(Column("\(band.key)_excerpts", "n", band: band.title))
                if report.countPassages { columns.append(Column("\(band.key)_passages", "passages", band: band.title)) }
                columns.append(Column("\(band.key)_share", "%", band: band.title, alignment: .right))
                if show { columns.append(Column("\(band.key)_participants", "participants", band: band.title, alignment: .right)) }
            }
        case .data:
            columns = [Column("level"), Column("code"), Column("name")]
            for band in bands {
                columns.append(Column("\(band.key)_excerpts"))
                if report.countPassages { columns.append(Column("\(band.key)_passages")) }
                columns += [Column("\(band.key)_share"), Column("\(band.key)_participants"), Column("\(band.key)_participants_of")]
            }
        }
        let rows: [[Cell]] = report.rows.map { row in
            let cells = row.cells + (row.total.map { [$0] } ?? [])
            switch layout {
            case .display:
                return [.text(indented(row.code))] + cells.indices.flatMap { i -> [Cell] in
                    [.int(cells[i].excerpts)] + (report.countPassages ? [Cell(cells[i].passages)] : []) + [.text(percent(cells[i].share))]
                        + (showParticipants[i] ? [.text("\(cells[i].participants) of \(bands[i].participants)")] : [])
                }
            case .data:
                return [.int(row.code.level), .text(row.code.path), .text(row.code.name)] + zip(cells, bands).flatMap { cell, band -> [Cell] in
                    [.int(cell.excerpts)] + (report.countPassages ? [Cell(cell.passages)] : [])
                        + [cell.share.map { .double($0, digits: 4) } ?? .null, .int(cell.participants), .int(band.participants)]
                }
            }
        }
        return Table(columns: columns, rows: rows, caption: report.title, notes: report.rules,
                     headingRows: headings(report.rows.map(\.code)))
    }

    /// Theme rows that have subthemes shown under them.
    static func headings(_ codes: [ReportCode]) -> Set<Int> {
        Set(codes.indices.filter { $0 + 1 < codes.count && codes[$0 + 1].level > codes[$0].level })
    }

    // MARK: Co-occurrence

    /// The pairs with shared excerpts, most first.
    public static func cooccurrencePairs(_ report: CooccurrenceReport) -> Table {
        Table(columns: [Column("code_a", "code A"), Column("code_b", "code B"), Column("excerpts")],
              rows: report.pairs.map { [.text($0.first), .text($0.second), .int($0.excerpts)] },
              caption: report.title, notes: report.rules)
    }

    /// The full square matrix. For people the columns are numbered like the rows.
    public static func cooccurrenceMatrix(_ report: CooccurrenceReport, layout: Layout) -> Table {
        let columns: [Column]
        let rows: [[Cell]]
        switch layout {
        case .display:
            columns = [Column("number", "#"), Column("code")] + report.codes.indices.map { Column(report.codes[$0].path, "\($0 + 1)") }
            rows = report.codes.indices.map { i in
                [.int(i + 1), .text(indented(report.codes[i]))] + report.counts[i].map { $0.map(Cell.int) ?? .text("–") }
            }
        case .data:
            columns = [Column("code")] + report.codes.map { Column($0.path) }
            rows = report.codes.indices.map { i in [.text(report.codes[i].path)] + report.counts[i].map { $0.map(Cell.int) ?? .null } }
        }
        // "–" cells are text, so say how the number columns align.
        return Table(columns: columns.enumerated().map { i, c in
            var c = c
            if layout == .display, i >= 2 { c.alignment = .right }
            return c
        }, rows: rows, caption: report.title, notes: report.rules)
    }

    // MARK: Matrix

    public static func matrix(_ report: CodeMatrixReport, layout: Layout) -> Table {
        if report.codesAsColumns {
            let columns = [Column(report.dimension)] + report.codes.map { Column($0.path, layout == .display ? $0.name : nil) }
            let rows: [[Cell]] = report.columns.indices.map { j in
                [.text(report.columns[j].title)] + report.codes.indices.map { .int(report.values[$0][j]) }
            }
            return Table(columns: columns, rows: rows, caption: report.title, notes: report.rules)
        }
        let first = layout == .display ? Column("code", "Theme / subtheme") : Column("code")
        let columns = [first] + report.columns.map { Column($0.key, $0.title) }
        let rows: [[Cell]] = report.codes.indices.map { i in
            [.text(layout == .display ? indented(report.codes[i]) : report.codes[i].path)] + report.values[i].map { .int($0) }
        }
        return Table(columns: columns, rows: rows, caption: report.title, notes: report.rules, headingRows: headings(report.codes))
    }

    // MARK: Quotes

    /// One row per quote (CSV and Markdown lay quotes out as text blocks instead).
    public static func quotes(_ report: QuotesReport) -> Table {
        var rows: [[Cell]] = []
        for list in report.lists {
            for (i, quote) in list.quotes.enumerated() {
                rows.append([.text(list.code.path), .int(i + 1), .text(quote.excerpt), Cell(quote.participant), .text(quote.group),
                             .int(quote.words), .text(quote.otherCodes.joined(separator: "; ")), .text(quote.text),
                             .text(quote.passages.map(\.description).joined(separator: ";"))])
            }
        }
        return Table(columns: [Column("code"), Column("rank"), Column("excerpt"), Column("participant"), Column("group"),
                               Column("words"), Column("other_codes"), Column("text", wide: true), Column("passages")],
                     rows: rows, caption: report.title, notes: report.rules)
    }
}

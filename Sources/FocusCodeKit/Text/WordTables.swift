import Foundation

/// Word listings as tables for the terminal, CSV and JSON renderers.
public enum WordTables {
    public static func frequencies(_ report: WordFrequencyReport) -> Table {
        var columns: [Column] = []
        let by = report.options.by
        if by != .none { columns.append(Column(by.rawValue)) }
        columns += [Column("rank"), Column("term"), Column("count"), Column("turns"), Column("share_of_turns", "share of turns")]
        let rows: [[Cell]] = report.rows.map { row in
            (by != .none ? [Cell(row.by)] : []) + [.int(row.rank), .text(row.term), .int(row.count), .int(row.turns), .double(row.shareOfTurns, digits: 3)]
        }
        let unit = report.options.ngram == 1 ? "Words" : "\(report.options.ngram)-word phrases"
        let total = report.cells.map(\.turns).reduce(0, +)
        var caption = "\(unit) \(report.scope.summary) — \(report.options.by == .code ? "turns per code" : "\(total) turns")"
        if by != .none { caption += ", top \(report.options.top) per \(by.rawValue)" }
        var notes = ["count: occurrences; turns: turns containing the term; share of turns: turns ÷ turns in scope"
                     + (by == .none ? "" : " for that \(by.rawValue)") + "."]
        if report.options.excluded.words.isEmpty && report.options.excluded.phrases.isEmpty {
            notes.append("Every word counted (stop words and fillers included); placeholders such as [NAME-3] never count.")
        } else {
            notes.append("Stop words and fillers left out (\(report.options.excluded.words.count) words, \(report.options.excluded.phrases.count) phrases); placeholders such as [NAME-3] never count.")
        }
        if by != .none {
            notes.append("Turns in scope: " + report.cells.map { "\($0.value ?? "-") \($0.turns)" }.joined(separator: ", ") + ".")
        }
        return Table(columns: columns, rows: rows, caption: caption, notes: notes)
    }

    public static func keywordsInContext(_ lines: [KeywordInContextLine]) -> Table {
        Table(columns: [Column("excerpt"), Column("speaker"), Column("left", alignment: .right), Column("keyword"), Column("right")],
              rows: lines.map { [.text($0.excerpt), Cell($0.speaker), .text($0.left), .text($0.keyword), .text($0.right)] })
    }
}

import Foundation

extension Listings {
    /// The codebook tree with excerpt counts per coder (rolled up: a code counts excerpts coded with it or a subcode).
    /// `indented` shows names indented by depth (for a terminal); otherwise the `code` column holds the full path.
    public static func codebook(_ tree: CodeTree, counts: CodebookCounts, indented: Bool) -> Table {
        var columns = [Column("code"), Column("id"), Column("status")]
        columns += counts.coders.map { Column("coder:" + $0, $0) }
        columns.append(Column("any_coder", "any coder"))
        let rows: [[Cell]] = tree.codes.map { code in
            var status: [String] = []
            if code.retiredFlag { status.append("retired") } else if code.isRetired { status.append("retired (parent)") }
            if code.exclusiveChildren { status.append("exclusive") }
            let name = indented ? String(repeating: "  ", count: code.depth) + code.name : code.path
            var row: [Cell] = [.text(name), .text(indented ? String(code.uid.prefix(8)) : code.uid), .text(status.joined(separator: ", "))]
            row += counts.coders.map { .int(counts.perCoder[code.rowId]?[$0] ?? 0) }
            row.append(.int(counts.anyCoder[code.rowId] ?? 0))
            return row
        }
        let caption = "\(tree.codes.count) codes. Counts are excerpts coded with the code or any of its subcodes (each excerpt once), per coder."
        return Table(columns: columns, rows: rows, caption: caption)
    }

    /// One code's definition, field by field.
    public static func code(_ code: Code) -> Table {
        let fields: [(String, String?)] = [
            ("path", code.path), ("id", code.uid), ("description", code.description), ("inclusion", code.inclusion),
            ("exclusion", code.exclusion), ("example", code.example), ("colour", code.colour),
            ("exclusive_children", code.exclusiveChildren ? "yes" : "no"), ("retired", code.isRetired ? "yes" : "no"),
        ]
        return Table(columns: [Column("field"), Column("value", wide: true)], rows: fields.map { [.text($0.0), Cell($0.1)] })
    }

    /// Codings, one row per passage: excerpt, coder, code (empty for reviewed-with-none), span (empty for the whole turn),
    /// note, the passage's stable ID and the passage's text (empty for the whole turn).
    public static func codings(_ records: [CodingRecord]) -> Table {
        Table(columns: [Column("excerpt"), Column("coder"), Column("code"), Column("span"), Column("note", wide: true),
                        Column("passage"), Column("text", wide: true)],
              rows: records.map {
                  [.text($0.excerpt), .text($0.coder), .text($0.code ?? "(reviewed, none)"),
                   Cell($0.span?.description ?? ($0.code == nil ? nil : "whole turn")), Cell($0.note), Cell($0.passage), Cell($0.text)]
              })
    }

    /// Autocode matches: the excerpt, its speaker, whether the coder has the code there already, and the matching passage.
    public static func autocode(_ matches: [AutocodeMatch], open: String = "**", close: String = "**") -> Table {
        Table(columns: [Column("excerpt"), Column("speaker"), Column("already_coded", "already coded"), Column("snippet", wide: true)],
              rows: matches.map {
                  [.text($0.excerpt.ref), Cell($0.excerpt.speaker), .bool($0.alreadyCoded),
                   .text($0.snippet.replacingOccurrences(of: SearchHit.highlightStart, with: open)
                       .replacingOccurrences(of: SearchHit.highlightEnd, with: close))]
              })
    }
}

import Foundation

/// How anonymisation results read: import notes, previews, the summary and the review list.
public enum AnonymisationReport {
    /// One line under an import's summary.
    public static func importLine(_ d: DocumentRedactions, detect: Bool, key: Bool) -> String {
        guard detect else { return "  anonymisation: off (--no-detect); text stored as read" }
        let kinds = d.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }
        var line = "  anonymised: \(d.total) replacement\(d.total == 1 ? "" : "s")" + (kinds.isEmpty ? "" : " (\(kinds.joined(separator: ", ")))")
        if !d.candidates.isEmpty {
            line += "; \(d.candidates.count) candidate\(d.candidates.count == 1 ? "" : "s") for review ('focuscode anonymise review')"
        }
        if !key { line += "\n  no key file (--key): there is no way back from these placeholders" }
        return line
    }

    public static func summary(_ counts: [RedactionCount]) -> Table {
        Table(columns: [Column("group"), Column("document"), Column("kind"), Column("count")],
              rows: counts.map { [.text($0.group), .text($0.document), .text($0.kind), .int($0.count)] },
              caption: "Identifiers replaced, per document and type (counts only; the originals are not in the project)")
    }

    public static func review(_ items: [ReviewItem]) -> Table {
        Table(columns: [Column("candidate"), Column("reason"), Column("count"), Column("first_excerpt", "first excerpt"),
                        Column("context", wide: true)],
              rows: items.map { item in
                  [.text(item.text), .text(item.reason == .detected ? "detected \(item.kind?.rawValue ?? "")" : item.reason.rawValue),
                   .int(item.count), .text(item.firstRef), .text(item.context)]
              },
              caption: "Candidates to decide on: 'focuscode anonymise redact REF TEXT --as TYPE' or 'focuscode anonymise keep REF TEXT'")
    }

    /// The turns a preview would store (all of them), one table.
    public static func previewTurns(_ files: [ImportPreview], changedOnly: Bool) -> Table {
        var rows: [[Cell]] = []
        for file in files {
            for turn in file.turns where !changedOnly || turn.changed {
                rows.append([.text(turn.ref), Cell(turn.pseudonym), Cell(turn.label), .bool(turn.changed), .text(turn.text)])
            }
        }
        return Table(columns: [Column("excerpt"), Column("speaker"), Column("label"), Column("changed"), Column("text", wide: true)], rows: rows)
    }

    public static func previewReplacements(_ redactions: [DocumentRedactions]) -> Table {
        Table(columns: [Column("file"), Column("placeholder"), Column("kind"), Column("original"), Column("count")],
              rows: redactions.flatMap { d in
                  d.items.map { [.text(d.fileName), .text($0.placeholder), .text($0.kind.rawValue), .text($0.original), .int($0.count)] }
              })
    }

    public static func previewCandidates(_ redactions: [DocumentRedactions]) -> Table {
        Table(columns: [Column("file"), Column("candidate"), Column("reason"), Column("count"), Column("line"), Column("context", wide: true)],
              rows: redactions.flatMap { d in
                  d.candidates.map { [.text(d.fileName), .text($0.text), .text($0.reason.rawValue), .int($0.count), .int($0.line), .text($0.context)] }
              })
    }

    /// A whole preview: the changed turns, the replacements and the review list (table), or all three as one JSON object.
    public static func preview(_ files: [ImportPreview], _ redactions: [DocumentRedactions], format: OutputFormat, width: Int) -> String {
        if format == .json {
            let json = JSONTableRenderer()
            return "{\n\"turns\": " + json.render(previewTurns(files, changedOnly: false))
                + ",\n\"replacements\": " + json.render(previewReplacements(redactions))
                + ",\n\"review\": " + json.render(previewCandidates(redactions)) + "}\n"
        }
        let table = TerminalTableRenderer(maxWidth: width)
        var out = ""
        for file in files {
            if file.alreadyImported {
                out += "\(file.file): already imported (same content); nothing to preview.\n"
            } else {
                let changed = file.turns.filter(\.changed).count
                out += "Preview of \(file.file) into \(file.group): \(file.turns.count) turns, \(changed) with replacements (nothing written)\n"
            }
        }
        out += "\nTurns with replacements\n" + table.render(previewTurns(files, changedOnly: true))
        out += "\nReplacements\n" + table.render(previewReplacements(redactions))
        out += "\nReview list (left in the text unless you decide otherwise)\n" + table.render(previewCandidates(redactions))
        return out
    }
}

import Foundation

/// How an import summary reads for people and as a table.
public enum ImportReport {
    /// A few lines for the terminal.
    public static func text(_ s: ImportSummary) -> String {
        if s.alreadyImported {
            return "\(s.file): already imported into \(s.group) (same content); nothing to do."
        }
        let verb = s.dryRun ? "Would import" : "Imported"
        var lines = ["\(verb) \(s.file) (\(s.format.rawValue)) into \(s.group)\(s.groupIsNew ? " (new group)" : ""): "
            + "\(s.turns) turns, \(s.words) words, excerpts \(s.firstRef ?? "–") … \(s.lastRef ?? "–")"]
        if s.skippedEmptyTurns > 0 { lines.append("  skipped \(s.skippedEmptyTurns) empty turn(s)") }
        for speaker in s.speakers {
            let who = speaker.label.map { "\($0) → \(speaker.pseudonym)" } ?? speaker.pseudonym
            let tags = [speaker.isModerator ? "moderator" : nil, speaker.isNew ? "new" : nil].compactMap { $0 }
            lines.append("  \(who)\(tags.isEmpty ? "" : " (\(tags.joined(separator: ", ")))"): \(speaker.turns) turns")
        }
        if s.dryRun { lines.append("  (dry run: nothing was written)") }
        return lines.joined(separator: "\n")
    }

    /// One row per file, for `--format csv|json`.
    public static func table(_ summaries: [ImportSummary]) -> Table {
        Table(columns: [Column("file"), Column("format"), Column("group"), Column("status"), Column("turns"), Column("words"),
                        Column("first_excerpt"), Column("last_excerpt"), Column("speakers")],
              rows: summaries.map { s in
                  [.text(s.file), .text(s.format.rawValue), .text(s.group),
                   .text(s.alreadyImported ? "already_imported" : (s.dryRun ? "dry_run" : "imported")),
                   .int(s.turns), .int(s.words), Cell(s.firstRef), Cell(s.lastRef),
                   .text(s.speakers.map(\.pseudonym).joined(separator: " "))]
              })
    }
}

import Foundation

/// Tables for the browsing commands (`groups`, `documents`, `participants`, `excerpts`, `search`).
public enum Listings {
    public static func groups(_ groups: [GroupSummary]) -> Table {
        Table(columns: [Column("group"), Column("documents"), Column("participants"), Column("turns"), Column("words"),
                        Column("held_on", "held on"), Column("site")],
              rows: groups.map { [.text($0.name), .int($0.documents), .int($0.participants), .int($0.turns), .int($0.words),
                                  Cell($0.heldOn), Cell($0.site)] })
    }

    public static func memos(_ memos: [MemoRecord]) -> Table {
        Table(columns: [Column("id"), Column("on"), Column("target"), Column("author"), Column("text"),
                        Column("created_at", "created at"), Column("updated_at", "updated at")],
              rows: memos.map { [.int(Int($0.id)), .text($0.kind), Cell($0.target), Cell($0.author), .text($0.text),
                                 .text($0.createdAt), .text($0.updatedAt)] })
    }

    public static func documents(_ documents: [DocumentSummary]) -> Table {
        Table(columns: [Column("id"), Column("group"), Column("file"), Column("format"), Column("turns"), Column("words"),
                        Column("imported_at", "imported at"), Column("sha256")],
              rows: documents.map { [.int(Int($0.id)), .text($0.group), .text($0.fileName), .text($0.format), .int($0.turns),
                                     .int($0.words), .text($0.importedAt), .text(String($0.contentHash.prefix(12)))] })
    }

    /// One column per attribute name found on any participant (sorted), after the fixed ones.
    public static func participants(_ participants: [ParticipantSummary]) -> Table {
        let names = Set(participants.flatMap { $0.attributes.keys }).sorted()
        let columns = [Column("participant"), Column("moderator"), Column("groups"), Column("turns"), Column("words")]
            + names.map { Column($0) }
        let rows: [[Cell]] = participants.map { p in
            [.text(p.pseudonym), .bool(p.isModerator), .text(p.groups.joined(separator: " ")), .int(p.turns), .int(p.words)]
                + names.map { Cell(p.attributes[$0]) }
        }
        return Table(columns: columns, rows: rows)
    }

    public static func excerpts(_ excerpts: [ExcerptView]) -> Table {
        Table(columns: [Column("excerpt"), Column("speaker"), Column("start"), Column("end"), Column("words"), Column("text", wide: true)],
              rows: excerpts.map { [.text($0.ref), Cell($0.speaker), Cell($0.startMs.map(formatTime)), Cell($0.endMs.map(formatTime)),
                                    .int($0.words), .text($0.text)] })
    }

    /// Search hits; the snippet's highlight marks are turned into `open`/`close` (e.g. ANSI bold, or `**`).
    public static func search(_ hits: [SearchHit], open: String = "**", close: String = "**") -> Table {
        Table(columns: [Column("excerpt"), Column("speaker"), Column("rank"), Column("snippet", wide: true)],
              rows: hits.map {
                  [.text($0.excerpt.ref), Cell($0.excerpt.speaker), .double($0.rank, digits: 3),
                   .text($0.snippet.replacingOccurrences(of: SearchHit.highlightStart, with: open)
                       .replacingOccurrences(of: SearchHit.highlightEnd, with: close))]
              })
    }
}

/// Formats milliseconds as `hh:mm:ss.mmm`, the form WebVTT uses and every reader accepts.
public func formatTime(_ ms: Int) -> String {
    let seconds = ms / 1000
    return String(format: "%02d:%02d:%02d.%03d", seconds / 3600, (seconds / 60) % 60, seconds % 60, ms % 1000)
}

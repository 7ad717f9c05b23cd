import Foundation
import GRDB

/// A focus group with its counts.
public struct GroupSummary: Codable, Sendable, Equatable {
    public var name: String
    public var documents: Int
    public var participants: Int
    public var turns: Int
    public var words: Int
    public var heldOn: String?
    public var site: String?
}

/// An imported document with its counts.
public struct DocumentSummary: Codable, Sendable, Equatable {
    public var id: Int64
    public var group: String
    public var fileName: String
    public var format: String
    public var turns: Int
    public var words: Int
    public var importedAt: String
    public var contentHash: String
}

/// A participant (known only by pseudonym) with counts and attributes.
public struct ParticipantSummary: Codable, Sendable, Equatable {
    public var pseudonym: String
    public var isModerator: Bool
    public var groups: [String]
    public var turns: Int
    public var words: Int
    public var attributes: [String: String]
}

/// One excerpt (speaker turn) as listings show it.
public struct ExcerptView: Codable, Sendable, Equatable {
    public var ref: String
    public var group: String
    public var speaker: String?
    public var isModerator: Bool
    public var startMs: Int?
    public var endMs: Int?
    public var words: Int
    public var text: String
}

/// One full-text search hit: the excerpt, its rank (lower is better, bm25) and a highlighted snippet.
public struct SearchHit: Codable, Sendable, Equatable {
    public var excerpt: ExcerptView
    public var rank: Double
    /// The matching passage; matched terms are wrapped in `SearchHit.highlightStart`/`highlightEnd`.
    public var snippet: String
    public static let highlightStart = "\u{2}"
    public static let highlightEnd = "\u{3}"
}

/// Filters for listing excerpts.
public struct ExcerptFilter: Sendable {
    public var group: String?
    public var speaker: String?
    public var limit: Int?
    public var offset: Int
    /// Coded with this code or any of its subcodes (a path or ID); by `coder` if given, else by anyone.
    public var code: String?
    /// With `code`: whose codings count. Alone: excerpts this coder applied any code to.
    public var coder: String?
    /// Not reviewed by `coder` (or, without a coder, by nobody).
    public var uncoded: Bool
    public init(group: String? = nil, speaker: String? = nil, limit: Int? = nil, offset: Int = 0,
                code: String? = nil, coder: String? = nil, uncoded: Bool = false) {
        self.group = group
        self.speaker = speaker
        self.limit = limit
        self.offset = offset
        self.code = code
        self.coder = coder
        self.uncoded = uncoded
    }
}

extension Project {
    /// Adds a document's excerpts to the full-text index. Every code path that inserts excerpts
    /// calls this once, after its inserts, inside the same transaction (there is no insert
    /// trigger: one bulk statement is far faster than a trigger per row).
    static func indexExcerpts(_ db: Database, ids: ClosedRange<Int64>) throws {
        try db.execute(sql: "INSERT INTO excerpts_fts(rowid, text) SELECT id, text FROM excerpts WHERE id BETWEEN ? AND ?",
                       arguments: [ids.lowerBound, ids.upperBound])
    }

    /// All groups in project order, with document, participant, turn and word counts.
    public func groups() throws -> [GroupSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT g.name, g.held_on, g.site,
                  (SELECT count(*) FROM documents d WHERE d.group_id = g.id) AS documents,
                  (SELECT count(DISTINCT e.participant_id) FROM excerpts e JOIN participants p ON p.id = e.participant_id
                     WHERE e.group_id = g.id AND p.is_moderator = 0) AS participants,
                  (SELECT ifnull(sum(turn_count), 0) FROM documents d WHERE d.group_id = g.id) AS turns,
                  (SELECT ifnull(sum(word_count), 0) FROM documents d WHERE d.group_id = g.id) AS words
                FROM groups g ORDER BY g.position
                """).map {
                GroupSummary(name: $0["name"], documents: $0["documents"], participants: $0["participants"],
                             turns: $0["turns"], words: $0["words"], heldOn: $0["held_on"], site: $0["site"])
            }
        }
    }

    /// All documents, by group and order of import.
    public func documents() throws -> [DocumentSummary] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT d.id, g.name AS grp, d.file_name, d.format, d.turn_count, d.word_count, d.imported_at, d.content_hash
                FROM documents d JOIN groups g ON g.id = d.group_id ORDER BY g.position, d.position
                """).map {
                DocumentSummary(id: $0["id"], group: $0["grp"], fileName: $0["file_name"], format: $0["format"],
                                turns: $0["turn_count"], words: $0["word_count"], importedAt: $0["imported_at"],
                                contentHash: $0["content_hash"])
            }
        }
    }

    /// All participants (moderators too), in order of pseudonym, with their groups, counts and attributes.
    public func participants() throws -> [ParticipantSummary] {
        try read { db in
            let attributes = try Row.fetchAll(db, sql: "SELECT participant_id, name, value FROM participant_attributes")
            var byParticipant: [Int64: [String: String]] = [:]
            for row in attributes { byParticipant[row["participant_id"], default: [:]][row["name"]] = row["value"] }
            return try Row.fetchAll(db, sql: """
                SELECT p.id, p.pseudonym, p.is_moderator,
                  (SELECT group_concat(name, ',') FROM (SELECT DISTINCT g.name, g.position FROM excerpts e JOIN groups g ON g.id = e.group_id
                     WHERE e.participant_id = p.id ORDER BY g.position)) AS grps,
                  (SELECT count(*) FROM excerpts e WHERE e.participant_id = p.id) AS turns,
                  (SELECT ifnull(sum(word_count), 0) FROM excerpts e WHERE e.participant_id = p.id) AS words
                FROM participants p ORDER BY p.is_moderator, p.pseudonym
                """).map { row in
                let groups: String? = row["grps"]
                return ParticipantSummary(pseudonym: row["pseudonym"], isModerator: row["is_moderator"],
                                          groups: groups.map { $0.split(separator: ",").map(String.init) } ?? [],
                                          turns: row["turns"], words: row["words"],
                                          attributes: byParticipant[row["id"]] ?? [:])
            }
        }
    }

    /// Excerpts in transcript order, filtered by group and speaker.
    public func excerpts(_ filter: ExcerptFilter = ExcerptFilter()) throws -> [ExcerptView] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let group = filter.group {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM groups WHERE name = ?", arguments: [group]) != nil else {
                    throw ProjectError.unknownGroup(group)
                }
                conditions.append("g.name = ?")
                _ = arguments.append(contentsOf: [group])
            }
            if let speaker = filter.speaker {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM participants WHERE pseudonym = ?", arguments: [speaker]) != nil else {
                    throw ProjectError.unknownParticipant(speaker)
                }
                conditions.append("p.pseudonym = ?")
                _ = arguments.append(contentsOf: [speaker])
            }
            conditions += try codingConditions(db, filter)
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let limit = filter.limit.map { "LIMIT \($0) OFFSET \(filter.offset)" } ?? (filter.offset > 0 ? "LIMIT -1 OFFSET \(filter.offset)" : "")
            return try Row.fetchAll(db, sql: "\(Self.excerptSelect) \(whereClause) ORDER BY g.position, e.seq \(limit)",
                                    arguments: arguments).map(Self.excerptView)
        }
    }

    /// One excerpt with up to `context` turns before and after it in the same group.
    public func excerpt(_ ref: String, context: Int = 0) throws -> (before: [ExcerptView], excerpt: ExcerptView, after: [ExcerptView]) {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "\(Self.excerptSelect) WHERE e.ref = ?", arguments: [ref]),
                  let groupId: Int64 = try Int64.fetchOne(db, sql: "SELECT group_id FROM excerpts WHERE ref = ?", arguments: [ref]),
                  let seq: Int = try Int.fetchOne(db, sql: "SELECT seq FROM excerpts WHERE ref = ?", arguments: [ref]) else {
                throw ProjectError.unknownExcerpt(ref)
            }
            let before = try Row.fetchAll(db, sql: "\(Self.excerptSelect) WHERE e.group_id = ? AND e.seq < ? ORDER BY e.seq DESC LIMIT ?",
                                          arguments: [groupId, seq, context]).map(Self.excerptView).reversed()
            let after = try Row.fetchAll(db, sql: "\(Self.excerptSelect) WHERE e.group_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?",
                                         arguments: [groupId, seq, context]).map(Self.excerptView)
            return (Array(before), Self.excerptView(row), after)
        }
    }

    /// Full-text search (FTS5 query syntax: words, "phrases", AND/OR/NOT, prefix*), best matches first.
    ///
    /// Ranking scores every matching row (bm25), so it is done on the index alone; excerpt
    /// details and snippets are fetched afterwards for the few rows returned.
    public func search(_ query: String, group: String? = nil, limit: Int = 20) throws -> [SearchHit] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ProjectError.invalidQuery(query: query, reason: "the query is empty") }
        do {
            return try read { db in
                var ranked: [(id: Int64, rank: Double)]
                if let group {
                    guard let groupId = try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [group]) else {
                        throw ProjectError.unknownGroup(group)
                    }
                    ranked = try Row.fetchAll(db, sql: """
                        SELECT f.rowid AS id, f.rank AS rank FROM excerpts_fts f JOIN excerpts e ON e.id = f.rowid
                        WHERE excerpts_fts MATCH ? AND e.group_id = ? ORDER BY f.rank LIMIT ?
                        """, arguments: [trimmed, groupId, limit]).map { ($0["id"], $0["rank"]) }
                } else {
                    ranked = try Row.fetchAll(db, sql: "SELECT rowid AS id, rank FROM excerpts_fts WHERE excerpts_fts MATCH ? ORDER BY rank LIMIT ?",
                                              arguments: [trimmed, limit]).map { ($0["id"], $0["rank"]) }
                }
                guard !ranked.isEmpty else { return [] }
                let ids = ranked.map { String($0.id) }.joined(separator: ",")
                var snippets: [Int64: String] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT rowid AS id, snippet(excerpts_fts, 0, char(2), char(3), '…', 16) AS snip
                    FROM excerpts_fts WHERE excerpts_fts MATCH ? AND rowid IN (\(ids))
                    """, arguments: [trimmed]) {
                    snippets[row["id"]] = row["snip"]
                }
                var views: [Int64: ExcerptView] = [:]
                for row in try Row.fetchAll(db, sql: "\(Self.excerptSelect) WHERE e.id IN (\(ids))") {
                    views[row["id"]] = Self.excerptView(row)
                }
                return ranked.compactMap { hit in
                    views[hit.id].map { SearchHit(excerpt: $0, rank: hit.rank, snippet: snippets[hit.id] ?? $0.text) }
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            throw ProjectError.invalidQuery(query: query, reason: error.message ?? "syntax error")
        }
    }

    static let excerptColumns = """
        e.id, e.ref, g.name AS grp, p.pseudonym, ifnull(p.is_moderator, 0) AS is_moderator, e.start_ms, e.end_ms, e.word_count, e.text
        """
    static let excerptSelect = """
        SELECT \(excerptColumns) FROM excerpts e JOIN groups g ON g.id = e.group_id LEFT JOIN participants p ON p.id = e.participant_id
        """

    static func excerptView(_ row: Row) -> ExcerptView {
        ExcerptView(ref: row["ref"], group: row["grp"], speaker: row["pseudonym"], isModerator: row["is_moderator"],
                    startMs: row["start_ms"], endMs: row["end_ms"], words: row["word_count"], text: row["text"])
    }
}

import Foundation
import GRDB

/// A character span inside an excerpt: Unicode code points, end exclusive.
public struct Span: Sendable, Equatable, Codable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// Parses `START:END`, e.g. `12:80`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let s = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let e = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        self.init(start: s, end: e)
    }

    public var description: String { "\(start):\(end)" }
}

/// What applying a code did.
public enum CodingOutcome: Sendable, Equatable {
    /// The passage is new.
    case applied
    /// The coder had coded this passage (same span, or the whole turn) with the code already; its note changed.
    case updated
    /// The coder had coded this passage with the code already, with the same note.
    case unchanged
}

/// Which part of a turn a coding covers: the whole turn, characters START:END, or a passage of text found in it.
public enum PassageSelector: Sendable, Equatable {
    case wholeTurn
    case span(Span)
    /// The text as written in the turn; `occurrence` (1-based) chooses among several matches.
    case text(String, occurrence: Int?)
}

/// Where one coder stands on one excerpt: never looked, looked and applied nothing, or applied codes.
public enum ReviewState: Sendable, Equatable {
    case notReviewed
    case reviewedNone
    case coded([String])
}

/// One coding, or (with `code` nil) one excerpt reviewed with no code: a row of the codings CSV.
public struct CodingRecord: Sendable, Equatable, Codable {
    public var excerpt: String
    public var group: String
    public var coder: String
    /// The code's path, or `nil` for "reviewed, none applied".
    public var code: String?
    public var codeId: String?
    public var span: Span?
    public var note: String?
    /// The passage's stable ID (`nil` on a reviewed-with-none row).
    public var passage: String? = nil
    /// The coded passage's text when it is a span of the turn (never stored twice: read from the turn).
    public var text: String? = nil
}

/// Which codings to list or export.
public struct CodingFilter: Sendable {
    public var coder: String?
    public var group: String?
    public var excerpt: String?
    /// A code path or ID; a code includes its subcodes.
    public var code: String?
    public init(coder: String? = nil, group: String? = nil, excerpt: String? = nil, code: String? = nil) {
        self.coder = coder
        self.group = group
        self.excerpt = excerpt
        self.code = code
    }
}

/// The reserved coder for reconciled codings.
public let consensusCoder = "consensus"

extension Project {
    /// Codes a passage of an excerpt (the whole turn unless `span`) as `coder` (created on first use) and marks the
    /// excerpt reviewed, in one transaction. A coder may code many passages of one turn with one code, overlapping
    /// allowed; coding the same passage again only updates its note. In a mutually exclusive branch another applied
    /// sibling is refused, or removed with `replace`.
    @discardableResult
    public func applyCode(_ codeReference: String, to excerpt: String, coder: String, span: Span? = nil, note: String? = nil,
                          replace: Bool = false) throws -> CodingOutcome {
        try applyCode(codeReference, to: excerpt, coder: coder, passage: span.map(PassageSelector.span) ?? .wholeTurn, note: note,
                      replace: replace).outcome
    }

    /// Codes a passage chosen by `passage` (see `applyCode(_:to:coder:span:note:replace:)`); returns what it did and the
    /// span it resolved to (`nil` for the whole turn).
    @discardableResult
    public func applyCode(_ codeReference: String, to excerpt: String, coder: String, passage: PassageSelector, note: String? = nil,
                          replace: Bool = false) throws -> (outcome: CodingOutcome, span: Span?) {
        try Self.validateCoderName(coder)
        return try write { db in
            let tree = try CodeTree.load(db)
            let code = try tree.resolve(codeReference)
            if code.isRetired { throw CodebookError.retired(code.path) }
            let excerptId = try Self.excerptId(db, excerpt)
            let span = try Self.resolvePassage(db, passage, excerptId: excerptId, excerpt: excerpt)
            let coderId = try Self.coderId(db, coder, create: true)!
            let outcome = try Self.apply(db, tree: tree, code: code, excerptId: excerptId, excerpt: excerpt, coderId: coderId,
                                         span: span, note: note, replace: replace)
            try AuditLog.record(db, actor: coder, action: "coding.apply", objectKind: "excerpt", objectRef: excerpt,
                                detail: "code=\(code.uid) coder=\(coder)" + (span.map { " span=\($0.description)" } ?? "")
                                    + (note == nil ? "" : " note=yes"))
            return (outcome, span)
        }
    }

    /// The span a selector stands for in one excerpt, checked against the turn; `nil` for the whole turn.
    public func resolvePassage(_ passage: PassageSelector, in excerpt: String) throws -> Span? {
        try read { db in try Self.resolvePassage(db, passage, excerptId: try Self.excerptId(db, excerpt), excerpt: excerpt) }
    }

    /// Removes codes that `coder` applied to an excerpt: every passage of the code, or only the passage `span`
    /// (`PassageSelector.wholeTurn` removes only the whole-turn coding). The review stays: the coder has looked at it.
    /// Returns how many passages were removed.
    @discardableResult
    public func removeCode(_ codeReference: String, from excerpt: String, coder: String, passage: PassageSelector? = nil) throws -> Int {
        try write { db in
            let code = try CodeTree.load(db).resolve(codeReference)
            let excerptId = try Self.excerptId(db, excerpt)
            guard let coderId = try Self.coderId(db, coder, create: false) else {
                throw CodingError.notApplied(excerpt: excerpt, code: code.path, coder: coder)
            }
            var sql = "DELETE FROM codings WHERE excerpt_id = ? AND code_id = ? AND coder_id = ?"
            var arguments: StatementArguments = [excerptId, code.rowId, coderId]
            var described = ""
            var chosenSpan: String?   // "" for the whole turn
            if let passage {
                let span = try Self.resolvePassage(db, passage, excerptId: excerptId, excerpt: excerpt)
                sql += " AND span_start IS ? AND span_end IS ?"
                arguments += [span?.start, span?.end]
                described = " span=" + (span?.description ?? "whole")
                chosenSpan = span?.description ?? ""
            }
            try db.execute(sql: sql, arguments: arguments)
            let removed = db.changesCount
            if removed == 0 {
                if let chosenSpan {
                    throw CodingError.passageNotCoded(excerpt: excerpt, code: code.path, coder: coder, span: chosenSpan)
                }
                throw CodingError.notApplied(excerpt: excerpt, code: code.path, coder: coder)
            }
            try AuditLog.record(db, actor: coder, action: "coding.remove", objectKind: "excerpt", objectRef: excerpt,
                                detail: "code=\(code.uid) coder=\(coder) passages=\(removed)" + described)
            return removed
        }
    }

    /// Removes one passage by its stable ID (as listed by `codings`). The review stays.
    public func removePassage(_ uid: String, coder: String) throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT c.id, e.ref, k.name AS coder, c.code_id FROM codings c JOIN excerpts e ON e.id = c.excerpt_id
                JOIN coders k ON k.id = c.coder_id WHERE c.uid = ?
                """, arguments: [uid.lowercased()]) else { throw CodingError.unknownPassage(uid) }
            let owner: String = row["coder"]
            guard owner.lowercased() == coder.lowercased() else { throw CodingError.unknownPassage(uid) }
            try db.execute(sql: "DELETE FROM codings WHERE id = ?", arguments: [row["id"] as Int64])
            let tree = try CodeTree.load(db)
            try AuditLog.record(db, actor: coder, action: "coding.remove", objectKind: "excerpt", objectRef: row["ref"],
                                detail: "code=\(tree.code(rowId: row["code_id"])?.uid ?? "?") coder=\(coder) passage=\(uid.lowercased())")
        }
    }

    /// Marks an excerpt reviewed by `coder` with no code applied. If the coder has codes on it, this is refused
    /// unless `replace`, which removes them. Returns false when it was already reviewed with no code.
    @discardableResult
    public func markReviewedNone(_ excerpt: String, coder: String, replace: Bool = false) throws -> Bool {
        try Self.validateCoderName(coder)
        return try write { db in
            let excerptId = try Self.excerptId(db, excerpt)
            let coderId = try Self.coderId(db, coder, create: true)!
            let tree = try CodeTree.load(db)
            let applied = try Int64.fetchAll(db, sql: "SELECT DISTINCT code_id FROM codings WHERE excerpt_id = ? AND coder_id = ?",
                                             arguments: [excerptId, coderId])
            if !applied.isEmpty {
                guard replace else {
                    throw CodingError.hasCodes(excerpt: excerpt, coder: coder, codes: applied.compactMap { tree.code(rowId: $0)?.path }.sorted())
                }
                try db.execute(sql: "DELETE FROM codings WHERE excerpt_id = ? AND coder_id = ?", arguments: [excerptId, coderId])
            }
            try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)",
                           arguments: [excerptId, coderId, Clock.nowString()])
            let changed = db.changesCount > 0 || !applied.isEmpty
            if changed {
                try AuditLog.record(db, actor: coder, action: "coding.none", objectKind: "excerpt", objectRef: excerpt,
                                    detail: "coder=\(coder) removed=\(applied.count)")
            }
            return changed
        }
    }

    /// Whether `coder` has looked at an excerpt, and which codes they applied.
    public func reviewState(_ excerpt: String, coder: String) throws -> ReviewState {
        try read { db in
            let excerptId = try Self.excerptId(db, excerpt)
            guard let coderId = try Self.coderId(db, coder, create: false) else { return .notReviewed }
            return try Self.reviewState(db, tree: CodeTree.load(db), excerptId: excerptId, coderId: coderId)
        }
    }

    /// The coders who have coded or reviewed anything, by name.
    public func coders() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM coders ORDER BY name") }
    }

    /// Codings in the export order (group, excerpt, coder, code path), with one code-less row for each excerpt a coder
    /// reviewed without applying a code. `body` is called once per row so that large exports stream.
    public func forEachCoding(_ filter: CodingFilter = CodingFilter(), _ body: (CodingRecord) throws -> Void) throws {
        try read { db in
            let tree = try CodeTree.load(db)
            var conditions: [String] = []
            let arguments: StatementArguments = []
            if let coder = filter.coder {
                guard let id = try Self.coderId(db, coder, create: false) else { throw CodingError.unknownCoder(coder) }
                conditions.append("x.coder_id = \(id)")
            }
            if let group = filter.group {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [group]) else {
                    throw ProjectError.unknownGroup(group)
                }
                conditions.append("e.group_id = \(id)")
            }
            if let excerpt = filter.excerpt {
                conditions.append("e.id = \(try Self.excerptId(db, excerpt))")
            }
            var codeSet: Set<Int64>?
            if let code = filter.code {
                let root = try tree.resolve(code)
                codeSet = Set(tree.subtree(of: root.rowId).map(\.rowId))
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let sql = """
                SELECT e.ref, g.name AS grp, k.name AS coder, x.code_id, x.span_start, x.span_end, x.note, x.uid,
                       CASE WHEN x.span_start IS NULL THEN NULL ELSE substr(e.text, x.span_start + 1, x.span_end - x.span_start) END AS passage
                FROM (SELECT excerpt_id, coder_id, code_id, span_start, span_end, note, uid FROM codings
                      UNION ALL
                      SELECT r.excerpt_id, r.coder_id, NULL, NULL, NULL, NULL, NULL FROM reviews r
                      WHERE NOT EXISTS (SELECT 1 FROM codings c WHERE c.excerpt_id = r.excerpt_id AND c.coder_id = r.coder_id)) x
                JOIN excerpts e ON e.id = x.excerpt_id
                JOIN groups g ON g.id = e.group_id
                JOIN coders k ON k.id = x.coder_id
                \(whereClause)
                ORDER BY g.position, e.seq, k.name
                """
            // Rows arrive ordered by excerpt and coder; within one (excerpt, coder) they are sorted here by code path,
            // then the whole turn before its passages, then by where a passage starts and ends.
            var run: [CodingRecord] = []
            func flush() throws {
                run.sort { a, b in
                    if a.code != b.code { return (a.code ?? "") < (b.code ?? "") }
                    return (a.span?.start ?? -1, a.span?.end ?? -1) < (b.span?.start ?? -1, b.span?.end ?? -1)
                }
                for record in run { try body(record) }
                run.removeAll(keepingCapacity: true)
            }
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let codeRowId: Int64? = row["code_id"]
                if let codeSet, codeRowId.map({ !codeSet.contains($0) }) ?? true { continue }
                let code = codeRowId.flatMap { tree.code(rowId: $0) }
                let start: Int? = row["span_start"], end: Int? = row["span_end"]
                let record = CodingRecord(excerpt: row["ref"], group: row["grp"], coder: row["coder"], code: code?.path, codeId: code?.uid,
                                          span: start.flatMap { s in end.map { Span(start: s, end: $0) } }, note: row["note"],
                                          passage: row["uid"], text: row["passage"])
                if let last = run.last, last.excerpt != record.excerpt || last.coder != record.coder { try flush() }
                run.append(record)
            }
            try flush()
        }
    }

    /// How many passages the project holds (every coder's; "reviewed, no code" marks are not passages).
    public func passageCount() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM codings") ?? 0 }
    }

    /// All codings matching a filter, in export order (see `forEachCoding`).
    public func codings(_ filter: CodingFilter = CodingFilter()) throws -> [CodingRecord] {
        var records: [CodingRecord] = []
        try forEachCoding(filter) { records.append($0) }
        return records
    }

    // MARK: - Shared steps (inside a transaction)

    static func apply(_ db: Database, tree: CodeTree, code: Code, excerptId: Int64, excerpt: String, coderId: Int64,
                      span: Span?, note: String?, replace: Bool) throws -> CodingOutcome {
        if let parent = tree.parent(of: code), parent.exclusiveChildren {
            let siblings = tree.children(of: parent.rowId).map(\.rowId).filter { $0 != code.rowId }
            if !siblings.isEmpty {
                let list = siblings.map(String.init).joined(separator: ",")
                let applied = try Int64.fetchAll(db, sql: "SELECT code_id FROM codings WHERE excerpt_id = ? AND coder_id = ? AND code_id IN (\(list))",
                                                 arguments: [excerptId, coderId])
                if let other = applied.first {
                    guard replace else {
                        throw CodingError.exclusiveConflict(excerpt: excerpt, code: code.path, existing: tree.code(rowId: other)?.path ?? "?",
                                                            branch: parent.path)
                    }
                    try db.execute(sql: "DELETE FROM codings WHERE excerpt_id = ? AND coder_id = ? AND code_id IN (\(list))",
                                   arguments: [excerptId, coderId])
                }
            }
        }
        let now = Clock.nowString()
        try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)",
                       arguments: [excerptId, coderId, now])
        // The same passage (same span, or the whole turn) coded again with the same code only updates its note.
        if let existing = try Row.fetchOne(db, sql: """
            SELECT id, note FROM codings WHERE excerpt_id = ? AND code_id = ? AND coder_id = ? AND span_start IS ? AND span_end IS ?
            """, arguments: [excerptId, code.rowId, coderId, span?.start, span?.end]) {
            let oldNote: String? = existing["note"]
            // No note leaves the old one; an empty note clears it.
            let newNote = note.map { $0.isEmpty ? nil : $0 } ?? oldNote
            if newNote == oldNote { return .unchanged }
            try db.execute(sql: "UPDATE codings SET note = ? WHERE id = ?", arguments: [newNote, existing["id"] as Int64])
            return .updated
        }
        try insertPassage(db, excerptId: excerptId, codeId: code.rowId, coderId: coderId, span: span,
                          note: note.flatMap { $0.isEmpty ? nil : $0 }, createdAt: now)
        return .applied
    }

    /// Inserts one passage with a new stable ID (`uid` when it comes from elsewhere, e.g. an exchange file).
    /// With `ignoreDuplicate`, an exact duplicate (same excerpt, code, coder and span) is skipped and false returned.
    @discardableResult
    static func insertPassage(_ db: Database, excerptId: Int64, codeId: Int64, coderId: Int64, span: Span?, note: String?,
                              createdAt: String, uid: String? = nil, ignoreDuplicate: Bool = false) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT \(ignoreDuplicate ? "OR IGNORE " : "")INTO codings(uid, excerpt_id, code_id, coder_id, span_start, span_end, note, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [uid ?? newPassageUID(), excerptId, codeId, coderId, span?.start, span?.end, note, createdAt])
        return db.changesCount > 0
    }

    /// A new stable passage ID: a lower-case, time-ordered UUID (see `OrderedUID`).
    static func newPassageUID() -> String { OrderedUID.next() }

    /// The span a selector stands for, checked against the turn (code points, end exclusive); `nil` for the whole turn.
    static func resolvePassage(_ db: Database, _ passage: PassageSelector, excerptId: Int64, excerpt: String) throws -> Span? {
        switch passage {
        case .wholeTurn:
            return nil
        case .span(let span):
            try validateSpan(db, span, excerptId: excerptId, excerpt: excerpt)
            return span
        case .text(let needle, let occurrence):
            let text = try String.fetchOne(db, sql: "SELECT text FROM excerpts WHERE id = ?", arguments: [excerptId]) ?? ""
            let found = occurrences(of: needle, in: text)
            if found.isEmpty { throw CodingError.passageNotFound(excerpt: excerpt, text: needle) }
            if let occurrence {
                guard occurrence >= 1, occurrence <= found.count else {
                    throw CodingError.occurrenceMissing(excerpt: excerpt, text: needle, occurrence: occurrence, count: found.count)
                }
                return found[occurrence - 1]
            }
            if found.count > 1 { throw CodingError.passageAmbiguous(excerpt: excerpt, text: needle, count: found.count) }
            return found[0]
        }
    }

    /// Where `needle` occurs in `text`, as code-point spans, left to right and not overlapping; matched exactly
    /// (scalar by scalar, so a combining mark or an astral character counts as written).
    static func occurrences(of needle: String, in text: String) -> [Span] {
        let n = Array(needle.unicodeScalars), t = Array(text.unicodeScalars)
        guard !n.isEmpty, n.count <= t.count else { return [] }
        var spans: [Span] = []
        var i = 0
        while i + n.count <= t.count {
            if t[i] == n[0], t[i..<(i + n.count)].elementsEqual(n) {
                spans.append(Span(start: i, end: i + n.count))
                i += n.count
            } else {
                i += 1
            }
        }
        return spans
    }

    static func reviewState(_ db: Database, tree: CodeTree, excerptId: Int64, coderId: Int64) throws -> ReviewState {
        let reviewed = try Bool.fetchOne(db, sql: "SELECT 1 FROM reviews WHERE excerpt_id = ? AND coder_id = ?", arguments: [excerptId, coderId]) ?? false
        let codes = try Int64.fetchAll(db, sql: "SELECT DISTINCT code_id FROM codings WHERE excerpt_id = ? AND coder_id = ?", arguments: [excerptId, coderId])
        if !codes.isEmpty { return .coded(codes.compactMap { tree.code(rowId: $0)?.path }.sorted()) }
        return reviewed ? .reviewedNone : .notReviewed
    }

    static func excerptId(_ db: Database, _ ref: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM excerpts WHERE ref = ?", arguments: [ref]) else {
            throw ProjectError.unknownExcerpt(ref)
        }
        return id
    }

    static func validateSpan(_ db: Database, _ span: Span, excerptId: Int64, excerpt: String) throws {
        let length = try Int.fetchOne(db, sql: "SELECT length(text) FROM excerpts WHERE id = ?", arguments: [excerptId]) ?? 0
        if let problem = spanProblem(span, length: length) {
            throw CodingError.badSpan(excerpt: excerpt, span: span.description, reason: problem)
        }
    }

    static func spanProblem(_ span: Span, length: Int) -> String? {
        if span.start < 0 { return "the start cannot be negative" }
        if span.end <= span.start { return "the end must be after the start" }
        if span.end > length { return "the excerpt has \(length) characters" }
        return nil
    }

    /// The coder's row id, matched ignoring case; created (with a UUID) when `create` and new.
    static func coderId(_ db: Database, _ name: String, create: Bool) throws -> Int64? {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ? COLLATE NOCASE", arguments: [name]) { return id }
        guard create else { return nil }
        try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES (?, ?, ?)",
                       arguments: [name, UUID().uuidString.lowercased(), Clock.nowString()])
        return db.lastInsertedRowID
    }

    /// Coder names appear in CSV files and reports: kept to one plain line; `consensus` is reserved.
    public static func validateCoderName(_ name: String, allowConsensus: Bool = false) throws {
        if name.isEmpty { throw CodingError.invalidCoderName(name, reason: "the name is empty") }
        if name != name.trimmingCharacters(in: .whitespaces) {
            throw CodingError.invalidCoderName(name, reason: "a name cannot start or end with spaces")
        }
        if name.count > 64 { throw CodingError.invalidCoderName(name, reason: "a name can have at most 64 characters") }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw CodingError.invalidCoderName(name, reason: "a name cannot contain line breaks or control characters")
        }
        if !allowConsensus, name.lowercased() == consensusCoder { throw CodingError.reservedCoder(name) }
    }
}

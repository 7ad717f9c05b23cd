import Foundation
import GRDB

/// What a memo is attached to: the project, a group, a participant, a turn or a code.
public enum MemoTarget: Sendable, Equatable {
    case project
    case group(String)
    case participant(String)
    case excerpt(String)
    /// A code by path, name or ID, as elsewhere.
    case code(String)

    public var kind: String {
        switch self {
        case .project: return "project"
        case .group: return "group"
        case .participant: return "participant"
        case .excerpt: return "excerpt"
        case .code: return "code"
        }
    }
}

/// A memo as listed: its target named the way the CLI names it (excerpt ID, group, pseudonym, code path).
public struct MemoRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var kind: String
    public var target: String?
    public var author: String?
    public var text: String
    public var createdAt: String
    public var updatedAt: String
}

/// Memos: free text on the project, a group, a participant, a turn or a code (PRODUCT.md §2).
/// Each change is one transaction with an audit entry that names the memo and its target, never its text.
extension Project {
    /// The longest memo accepted, in characters: a page of notes is a few thousand.
    public static let maximumMemoLength = 100_000

    /// Adds a memo. In a coder's project of a team hub, a memo without an author is that coder's (so that it stays
    /// theirs, and blind, on the hub), and a memo by anyone else is refused here rather than at the next push.
    @discardableResult
    public func addMemo(_ text: String, on target: MemoTarget, author: String? = nil) throws -> MemoRecord {
        let body = try Self.checkedMemo(text)
        if let author { try Self.validateCoderName(author) }
        return try write { db in
            let clone = try Self.cloneCoder(db)
            if let clone, let author, author.lowercased() != clone.lowercased() {
                throw ProjectError.invalidMemo("""
                    this project is \(clone)'s copy from a team hub, so a memo written here is \(clone)'s and the hub \
                    would refuse one by \(author); leave out --author and FOCUSCODE_CODER, or write it in \(author)'s own copy
                    """)
            }
            let author = author ?? clone
            let (kind, targetId) = try Self.memoTarget(db, target)
            let now = Clock.nowString()
            try db.execute(sql: """
                INSERT INTO memos(uid, target_kind, target_id, author, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [OrderedUID.next(), kind, targetId, author, body, now, now])
            let id = db.lastInsertedRowID
            try AuditLog.record(db, actor: author, action: "memo.add", objectKind: "memo", objectRef: String(id),
                                detail: "on=\(Self.describe(target))")
            return try Self.memo(db, id: id)
        }
    }

    /// Memos on one target (nil: every memo), oldest first; `author` keeps only that author's.
    public func memos(on target: MemoTarget? = nil, author: String? = nil) throws -> [MemoRecord] {
        try read { db in
            var sql = "SELECT id FROM memos"
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let target {
                let (kind, targetId) = try Self.memoTarget(db, target)
                conditions.append("target_kind = ? AND target_id IS ?")
                arguments += [kind, targetId]
            }
            if let author {
                conditions.append("author = ? COLLATE NOCASE")
                arguments += [author]
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            let tree = try CodeTree.load(db)
            return try Int64.fetchAll(db, sql: sql + " ORDER BY created_at, id", arguments: arguments).map { try Self.memo(db, id: $0, tree: tree) }
        }
    }

    /// Replaces a memo's text; `author`, when given, must be the memo's author (a coder edits their own memos).
    @discardableResult
    public func editMemo(_ id: Int64, text: String, author: String? = nil) throws -> MemoRecord {
        let body = try Self.checkedMemo(text)
        return try write { db in
            let memo = try Self.memo(db, id: id)
            try Self.checkAuthor(memo, author)
            let clone = try Self.checkCloneOwns(db, memo)
            try db.execute(sql: "UPDATE memos SET text = ?, updated_at = ? WHERE id = ?", arguments: [body, Clock.nowString(), id])
            try AuditLog.record(db, actor: author ?? clone, action: "memo.edit", objectKind: "memo", objectRef: String(id), detail: nil)
            return try Self.memo(db, id: id)
        }
    }

    public func removeMemo(_ id: Int64, author: String? = nil) throws {
        try write { db in
            let memo = try Self.memo(db, id: id)
            try Self.checkAuthor(memo, author)
            let clone = try Self.checkCloneOwns(db, memo)
            try db.execute(sql: "DELETE FROM memos WHERE id = ?", arguments: [id])
            try AuditLog.record(db, actor: author ?? clone, action: "memo.remove", objectKind: "memo", objectRef: String(id), detail: nil)
        }
    }

    static func checkedMemo(_ text: String) throws -> String {
        let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty { throw ProjectError.invalidMemo("the memo is empty; write its text in quotes") }
        if body.count > maximumMemoLength {
            throw ProjectError.invalidMemo("the memo has \(body.count) characters, more than \(maximumMemoLength); split it")
        }
        return body
    }

    /// The coder whose copy from a team hub this project is (nil: not a coder's copy).
    static func cloneCoder(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM hub_link WHERE key = 'coder'")
    }

    /// In a coder's copy from a team hub, only that coder's memos change: the hub refuses any other change from a
    /// coder, and a memo pulled from the supervisor or another coder cannot be put back once changed here. Returns
    /// that coder (nil: not a coder's copy).
    @discardableResult
    static func checkCloneOwns(_ db: Database, _ memo: MemoRecord) throws -> String? {
        guard let clone = try cloneCoder(db) else { return nil }
        guard memo.author?.lowercased() != clone.lowercased() else { return clone }
        let owner = memo.author.map { "\($0)'s" } ?? "the project's (no author)"
        throw ProjectError.invalidMemo("""
            memo \(memo.id) is \(owner); in \(clone)'s copy from a team hub only \(clone)'s own memos can be changed, \
            because the hub takes no other change from \(clone)
            """)
    }

    static func checkAuthor(_ memo: MemoRecord, _ author: String?) throws {
        guard let author, let owner = memo.author, owner.lowercased() != author.lowercased() else { return }
        throw ProjectError.invalidMemo("memo \(memo.id) is \(owner)'s; only its author changes it")
    }

    static func memoTarget(_ db: Database, _ target: MemoTarget) throws -> (String, Int64?) {
        switch target {
        case .project:
            return ("project", nil)
        case .group(let name):
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [name]) else { throw ProjectError.unknownGroup(name) }
            return ("group", id)
        case .participant(let pseudonym):
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM participants WHERE pseudonym = ?", arguments: [pseudonym]) else {
                throw ProjectError.unknownParticipant(pseudonym)
            }
            return ("participant", id)
        case .excerpt(let ref):
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM excerpts WHERE ref = ?", arguments: [ref]) else { throw ProjectError.unknownExcerpt(ref) }
            return ("excerpt", id)
        case .code(let reference):
            return ("code", try CodeTree.load(db).resolve(reference).rowId)
        }
    }

    static func describe(_ target: MemoTarget) -> String {
        switch target {
        case .project: return "project"
        case .group(let s), .participant(let s), .excerpt(let s), .code(let s): return "\(target.kind):\(s)"
        }
    }

    static func memo(_ db: Database, id: Int64, tree: CodeTree? = nil) throws -> MemoRecord {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT m.id, m.target_kind, m.target_id, m.author, m.text, m.created_at, m.updated_at,
                   CASE m.target_kind WHEN 'group' THEN g.name WHEN 'participant' THEN p.pseudonym WHEN 'excerpt' THEN e.ref END AS target
            FROM memos m
            LEFT JOIN groups g ON m.target_kind = 'group' AND g.id = m.target_id
            LEFT JOIN participants p ON m.target_kind = 'participant' AND p.id = m.target_id
            LEFT JOIN excerpts e ON m.target_kind = 'excerpt' AND e.id = m.target_id
            WHERE m.id = ?
            """, arguments: [id]) else { throw ProjectError.unknownMemo(id) }
        let kind: String = row["target_kind"]
        var target: String? = row["target"]
        if kind == "code", let codeId: Int64 = row["target_id"] {
            target = try (tree ?? CodeTree.load(db)).code(rowId: codeId)?.path
        }
        return MemoRecord(id: id, kind: kind, target: target, author: row["author"], text: row["text"],
                          createdAt: row["created_at"], updatedAt: row["updated_at"])
    }
}

import Foundation
import GRDB

// The content of each kind of sync row, as canonical JSON. Rows name each other by stable key
// (group name, document content hash, pseudonym, excerpt ref, code uid), never by row id.

struct HubGroup: Codable { var name: String; var heldOn: String?; var site: String?; var notes: String?; var position: Int }
struct HubDocument: Codable {
    var group: String; var fileName: String; var format: String; var position: Int; var turnCount: Int; var wordCount: Int; var importedAt: String
}
struct HubParticipant: Codable { var pseudonym: String; var moderator: Bool; var attributes: [String: String] }
struct HubExcerpt: Codable {
    var group: String; var document: String; var participant: String?; var seq: Int; var startMs: Int?; var endMs: Int?; var text: String; var wordCount: Int
}
struct HubCode: Codable {
    var parent: String?; var name: String; var description: String?; var inclusion: String?; var exclusion: String?; var example: String?
    var colour: String?; var exclusive: Bool; var retired: Bool; var position: Int
}
struct HubPassage: Codable { var excerpt: String; var code: String; var spanStart: Int?; var spanEnd: Int?; var note: String?; var createdAt: String }
struct HubReview: Codable { var excerpt: String; var reviewedAt: String }
/// A code's tombstone when the code was merged into another: coders' passages follow it there.
struct HubCodeMerge: Codable { var mergedInto: String }
/// A memo names its target by stable key: a group name, a pseudonym, an excerpt ref or a code uid (none for the project).
struct HubMemo: Codable {
    var targetKind: String; var target: String?; var author: String?; var text: String; var createdAt: String; var updatedAt: String
}

enum HubJSON {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
    static func encode<T: Encodable>(_ value: T) -> String { String(decoding: try! encoder.encode(value), as: UTF8.self) }
    static func decode<T: Decodable>(_ type: T.Type, _ row: SyncRow) throws -> T {
        do { return try JSONDecoder().decode(type, from: Data(row.payload.utf8)) } catch {
            throw HubError.server(address: "hub", message: "the \(row.kind.rawValue) row \(row.uid) has content this focuscode cannot read")
        }
    }
}

/// Which hub a local project is linked to, and as whom (stored in `hub_link`; never a password).
public struct HubLink: Sendable, Equatable {
    /// The hub's address without any password.
    public var url: String
    public var hubId: String
    /// The database role this project syncs as.
    public var role: String
    /// The coder this project belongs to, or `nil` for the supervisor's project.
    public var coder: String?
    /// The hub version up to which this project has pulled.
    public var cursor: Int64

    public init(url: String, hubId: String, role: String, coder: String?, cursor: Int64) {
        self.url = url
        self.hubId = hubId
        self.role = role
        self.coder = coder
        self.cursor = cursor
    }
    public var isSupervisor: Bool { coder == nil }
}

extension Project {
    /// The hub this project is linked to, if any.
    public func hubLink() throws -> HubLink? {
        try read { db in
            let values = Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM hub_link").map { ($0["key"] as String, $0["value"] as String) },
                                    uniquingKeysWith: { a, _ in a })
            guard let url = values["url"], let hubId = values["hub_id"], let role = values["role"] else { return nil }
            return HubLink(url: url, hubId: hubId, role: role, coder: values["coder"], cursor: values["cursor"].flatMap(Int64.init) ?? 0)
        }
    }

    /// Links this project to a hub (or updates its link) in one transaction.
    public func setHubLink(_ link: HubLink, actor: String? = nil) throws {
        try write { db in try Self.setHubLink(db, link, actor: actor) }
    }

    static func setHubLink(_ db: Database, _ link: HubLink, actor: String? = nil) throws {
        try db.execute(sql: "DELETE FROM hub_link")
        var pairs = [("url", link.url), ("hub_id", link.hubId), ("role", link.role), ("cursor", String(link.cursor))]
        if let coder = link.coder { pairs.append(("coder", coder)) }
        for (k, v) in pairs { try db.execute(sql: "INSERT INTO hub_link(key, value) VALUES (?, ?)", arguments: [k, v]) }
    }

    /// Moves the pull cursor on (never back).
    public func setHubCursor(_ cursor: Int64) throws {
        try write { db in
            try db.execute(sql: "UPDATE hub_link SET value = ? WHERE key = 'cursor' AND CAST(value AS INTEGER) < ?", arguments: [String(cursor), cursor])
        }
    }
}

/// The local project as a sync row store (SQLite). `tracked` are the kinds whose local changes it reports
/// (a coder's project: passages, reviews and the codebook; the supervisor's: transcripts and codebook).
public struct LocalRowStore: SyncRowStore {
    public let project: Project
    public let tracked: Set<SyncKind>

    public init(project: Project, tracked: Set<SyncKind>) {
        self.project = project
        self.tracked = tracked
    }

    /// Every row of these kinds as the project holds it now.
    public func currentRows(_ kinds: Set<SyncKind>) throws -> [SyncRow] {
        try project.read { db in try Self.currentRows(db, kinds) }
    }

    static func currentRows(_ db: Database, _ kinds: Set<SyncKind>) throws -> [SyncRow] {
        var out: [SyncRow] = []
        if kinds.contains(.group) {
            for r in try Row.fetchAll(db, sql: "SELECT name, held_on, site, notes, position FROM groups ORDER BY position, id") {
                let g = HubGroup(name: r["name"], heldOn: r["held_on"], site: r["site"], notes: r["notes"], position: r["position"])
                out.append(SyncRow(kind: .group, uid: g.name, coder: nil, excerpt: nil, group: g.name, payload: HubJSON.encode(g)))
            }
        }
        if kinds.contains(.document) {
            for r in try Row.fetchAll(db, sql: """
                SELECT d.content_hash, g.name, d.file_name, d.format, d.position, d.turn_count, d.word_count, d.imported_at
                FROM documents d JOIN groups g ON g.id = d.group_id ORDER BY d.id
                """) {
                let d = HubDocument(group: r["name"], fileName: r["file_name"], format: r["format"], position: r["position"], turnCount: r["turn_count"],
                                    wordCount: r["word_count"], importedAt: r["imported_at"])
                out.append(SyncRow(kind: .document, uid: r["content_hash"], coder: nil, excerpt: nil, group: d.group, payload: HubJSON.encode(d)))
            }
        }
        if kinds.contains(.participant) {
            var attributes: [Int64: [String: String]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT participant_id, name, value FROM participant_attributes") {
                attributes[r["participant_id"], default: [:]][r["name"]] = r["value"]
            }
            for r in try Row.fetchAll(db, sql: "SELECT id, pseudonym, is_moderator FROM participants ORDER BY id") {
                let p = HubParticipant(pseudonym: r["pseudonym"], moderator: r["is_moderator"], attributes: attributes[r["id"]] ?? [:])
                out.append(SyncRow(kind: .participant, uid: p.pseudonym, coder: nil, excerpt: nil, group: nil, payload: HubJSON.encode(p)))
            }
        }
        if kinds.contains(.excerpt) {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT e.ref, g.name, d.content_hash, p.pseudonym, e.seq, e.start_ms, e.end_ms, e.text, e.word_count
                FROM excerpts e JOIN groups g ON g.id = e.group_id JOIN documents d ON d.id = e.document_id
                LEFT JOIN participants p ON p.id = e.participant_id ORDER BY e.id
                """)
            while let r = try rows.next() {
                let e = HubExcerpt(group: r["name"], document: r["content_hash"], participant: r["pseudonym"], seq: r["seq"], startMs: r["start_ms"],
                                   endMs: r["end_ms"], text: r["text"], wordCount: r["word_count"])
                out.append(SyncRow(kind: .excerpt, uid: r["ref"], coder: nil, excerpt: r["ref"], group: e.group, payload: HubJSON.encode(e)))
            }
        }
        if kinds.contains(.code) {
            for r in try Row.fetchAll(db, sql: """
                SELECT c.uid, p.uid AS parent, c.name, c.description, c.inclusion, c.exclusion, c.example, c.colour, c.exclusive_children, c.retired, c.position
                FROM codes c LEFT JOIN codes p ON p.id = c.parent_id ORDER BY c.id
                """) {
                let c = HubCode(parent: r["parent"], name: r["name"], description: r["description"], inclusion: r["inclusion"], exclusion: r["exclusion"],
                                example: r["example"], colour: r["colour"], exclusive: r["exclusive_children"], retired: r["retired"], position: r["position"])
                out.append(SyncRow(kind: .code, uid: r["uid"], coder: nil, excerpt: nil, group: nil, payload: HubJSON.encode(c)))
            }
        }
        if kinds.contains(.passage) {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.uid, e.ref, g.name AS grp, k.uid AS code, lower(r.name) AS coder, c.span_start, c.span_end, c.note, c.created_at
                FROM codings c JOIN excerpts e ON e.id = c.excerpt_id JOIN groups g ON g.id = e.group_id
                JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id ORDER BY c.id
                """)
            while let r = try rows.next() {
                let p = HubPassage(excerpt: r["ref"], code: r["code"], spanStart: r["span_start"], spanEnd: r["span_end"], note: r["note"], createdAt: r["created_at"])
                out.append(SyncRow(kind: .passage, uid: r["uid"], coder: r["coder"], excerpt: p.excerpt, group: r["grp"], payload: HubJSON.encode(p)))
            }
        }
        if kinds.contains(.review) {
            let rows = try Row.fetchCursor(db, sql: """
                SELECT e.ref, g.name AS grp, lower(r.name) AS coder, v.reviewed_at FROM reviews v JOIN excerpts e ON e.id = v.excerpt_id
                JOIN groups g ON g.id = e.group_id JOIN coders r ON r.id = v.coder_id ORDER BY e.id, r.id
                """)
            while let r = try rows.next() {
                let ref: String = r["ref"], coder: String = r["coder"]
                let v = HubReview(excerpt: ref, reviewedAt: r["reviewed_at"])
                out.append(SyncRow(kind: .review, uid: "\(ref)/\(coder)", coder: coder, excerpt: ref, group: r["grp"], payload: HubJSON.encode(v)))
            }
        }
        if kinds.contains(.memo) {
            for r in try Row.fetchAll(db, sql: """
                SELECT m.uid, m.target_kind, m.author, m.text, m.created_at, m.updated_at,
                  CASE m.target_kind WHEN 'group' THEN g.name WHEN 'participant' THEN p.pseudonym WHEN 'excerpt' THEN e.ref WHEN 'code' THEN k.uid END AS target,
                  CASE m.target_kind WHEN 'group' THEN g.name WHEN 'excerpt' THEN eg.name END AS grp
                FROM memos m
                LEFT JOIN groups g ON m.target_kind = 'group' AND g.id = m.target_id
                LEFT JOIN participants p ON m.target_kind = 'participant' AND p.id = m.target_id
                LEFT JOIN excerpts e ON m.target_kind = 'excerpt' AND e.id = m.target_id
                LEFT JOIN groups eg ON eg.id = e.group_id
                LEFT JOIN codes k ON m.target_kind = 'code' AND k.id = m.target_id
                WHERE m.uid IS NOT NULL ORDER BY m.id
                """) {
                let kind: String = r["target_kind"], target: String? = r["target"]
                // A memo whose target has gone (its turn or group was removed) is not sent.
                if kind != "project" && target == nil { continue }
                let m = HubMemo(targetKind: kind, target: target, author: r["author"], text: r["text"], createdAt: r["created_at"], updatedAt: r["updated_at"])
                out.append(SyncRow(kind: .memo, uid: r["uid"], coder: m.author?.lowercased(), excerpt: kind == "excerpt" ? target : nil,
                                   group: r["grp"], payload: HubJSON.encode(m)))
            }
        }
        return out
    }

    static func synced(_ db: Database, _ kinds: Set<SyncKind>) throws -> [SyncKey: (version: Int64, hash: String, coder: String?)] {
        var out: [SyncKey: (version: Int64, hash: String, coder: String?)] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT kind, uid, version, hash, coder FROM hub_rows") {
            guard let kind = SyncKind(rawValue: r["kind"]), kinds.contains(kind) else { continue }
            out[SyncKey(kind: kind, uid: r["uid"])] = (r["version"], r["hash"], r["coder"])
        }
        return out
    }

    /// The tracked rows whose content differs from what was last synced (new, changed, or deleted as tombstones),
    /// each with the hub version it was last synced at as its base.
    public func changes(since cursor: Int64 = 0) async throws -> (rows: [SyncRow], cursor: Int64) {
        let rows = try project.read { db -> [SyncRow] in
            let synced = try Self.synced(db, tracked)
            var out: [SyncRow] = []
            var present = Set<SyncKey>()
            for var row in try Self.currentRows(db, tracked) {
                present.insert(row.key)
                let last = synced[row.key]
                guard last?.hash != row.hash else { continue }
                row.base = last?.version ?? 0
                row.baseHash = last?.hash
                out.append(row)
            }
            // A deletion is sent as the row's coder had it (a coder may delete only their own rows on the hub).
            let merges = try Self.codeMerges(db)
            for (key, last) in synced where !present.contains(key) && last.hash != "deleted" {
                let coder = last.coder ?? (key.kind == .review ? key.uid.split(separator: "/").last.map(String.init) : nil)
                let payload = key.kind == .code ? merges[key.uid].map { HubJSON.encode(HubCodeMerge(mergedInto: $0)) } ?? "" : ""
                out.append(SyncRow(kind: key.kind, uid: key.uid, coder: coder, excerpt: nil, group: nil, payload: payload, deleted: true,
                                   base: last.version, baseHash: last.hash))
            }
            return out
        }
        return (rows, cursor)
    }

    public func apply(_ rows: [SyncRow], mode: SyncApplyMode) async throws -> SyncApplyResult {
        try applyNow(rows, mode: mode)
    }

    /// Applies rows from the hub in one local transaction (see `SyncRowStore.apply`); `.overwrite` takes the
    /// hub's version of a conflicting row.
    public func applyNow(_ rows: [SyncRow], mode: SyncApplyMode, cursor: Int64? = nil) throws -> SyncApplyResult {
        try project.write { db in
            let kinds = Set(rows.map(\.kind))
            let synced = try Self.synced(db, kinds)
            var current: [SyncKey: String] = [:]
            for row in try Self.currentRows(db, kinds) { current[row.key] = row.hash }
            var states: [SyncKey: SyncState] = [:]
            for row in rows {
                let last = synced[row.key]
                let hash = current[row.key] ?? "deleted"
                if current[row.key] == nil && last == nil { continue }
                states[row.key] = SyncState(hash: hash, version: row.version, changedSinceBase: hash != last?.hash)
            }
            let plan = SyncPlan.make(rows, states: states, overwrite: mode == .overwrite)
            if mode == .allOrNothing, !plan.conflicts.isEmpty { throw HubError.conflicts(plan.conflicts.map(\.description)) }
            let cache = IdCache()
            for row in plan.writes {
                try Self.write(db, row, cache: cache)
            }
            for row in plan.writes + plan.same { try Self.recordSynced(db, row, version: row.version) }
            if let cursor {
                try db.execute(sql: "UPDATE hub_link SET value = ? WHERE key = 'cursor' AND CAST(value AS INTEGER) < ?", arguments: [String(cursor), cursor])
            }
            if !plan.writes.isEmpty {
                try AuditLog.record(db, action: "hub.pull", objectKind: "project", objectRef: nil,
                                    detail: "rows=\(plan.writes.count) conflicts=\(plan.conflicts.count)")
            }
            return SyncApplyResult(applied: plan.writes + plan.same, written: plan.writes.count, conflicts: plan.conflicts)
        }
    }

    /// Remembers rows as synced at their hub versions (after a push the hub accepted).
    public func recordSynced(_ rows: [SyncRow]) throws {
        try project.write { db in
            for row in rows { try Self.recordSynced(db, row, version: row.version) }
            if !rows.isEmpty {
                try AuditLog.record(db, action: "hub.push", objectKind: "project", objectRef: nil, detail: "rows=\(rows.count)")
            }
        }
    }

    static func recordSynced(_ db: Database, _ row: SyncRow, version: Int64) throws {
        try db.execute(sql: """
            INSERT INTO hub_rows(kind, uid, version, hash, coder) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(kind, uid) DO UPDATE SET version = excluded.version, hash = excluded.hash, coder = coalesce(excluded.coder, hub_rows.coder)
            """, arguments: [row.kind.rawValue, row.uid, version, row.hash, row.coder])
    }

    /// Which code each merged-away code went into (`code_merges`).
    static func codeMerges(_ db: Database) throws -> [String: String] {
        Dictionary(try Row.fetchAll(db, sql: "SELECT source_uid, target_uid FROM code_merges").map { ($0["source_uid"] as String, $0["target_uid"] as String) },
                   uniquingKeysWith: { a, _ in a })
    }

    /// The code a passage names, or the code it was merged into (following merges of merges) when it is gone here;
    /// `redirected` says which.
    static func passageCode(_ db: Database, _ uid: String, cache: IdCache) throws -> (id: Int64, redirected: Bool) {
        var current = uid
        for hop in 0..<32 {
            if let id = try cache.optionalId(db, "codes", "SELECT id FROM codes WHERE uid = ?", current) { return (id, hop > 0) }
            guard let next = try String.fetchOne(db, sql: "SELECT target_uid FROM code_merges WHERE source_uid = ?", arguments: [current]) else { break }
            current = next
        }
        throw HubError.server(address: "hub", message: "a row names the code \(uid), which is not in this project")
    }

    static func id(_ db: Database, _ sql: String, _ key: String, _ what: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: [key]) else {
            throw HubError.server(address: "hub", message: "a row names the \(what) \(key), which is not in this project")
        }
        return id
    }

    /// Row ids by stable key, looked up once per apply (a clone applies every row of the hub).
    final class IdCache {
        var ids: [String: [String: Int64]] = [:]
        func id(_ db: Database, _ table: String, _ sql: String, _ key: String, _ what: String) throws -> Int64 {
            if let id = ids[table]?[key] { return id }
            let id = try LocalRowStore.id(db, sql, key, what)
            ids[table, default: [:]][key] = id
            return id
        }
        func optionalId(_ db: Database, _ table: String, _ sql: String, _ key: String) throws -> Int64? {
            if let id = ids[table]?[key] { return id }
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: [key]) else { return nil }
            ids[table, default: [:]][key] = id
            return id
        }
        func coder(_ db: Database, _ name: String) throws -> Int64 {
            let key = name.lowercased()
            if let id = ids["coders"]?[key] { return id }
            guard let id = try Project.coderId(db, name, create: true) else {
                throw HubError.server(address: "hub", message: "a row names the coder \(name), who cannot be added to this project")
            }
            ids["coders", default: [:]][key] = id
            return id
        }
    }

    /// Writes one row from the hub into the project (insert or update by its stable key; a tombstone deletes).
    static func write(_ db: Database, _ row: SyncRow, cache: IdCache) throws {
        let now = Clock.nowString()
        if row.deleted {
            switch row.kind {
            case .group: try db.execute(sql: "DELETE FROM groups WHERE name = ?", arguments: [row.uid])
            case .document: try db.execute(sql: "DELETE FROM documents WHERE content_hash = ?", arguments: [row.uid])
            case .participant:
                try db.execute(sql: "UPDATE excerpts SET participant_id = NULL WHERE participant_id = (SELECT id FROM participants WHERE pseudonym = ?)", arguments: [row.uid])
                try db.execute(sql: "DELETE FROM participants WHERE pseudonym = ?", arguments: [row.uid])
            case .excerpt: try db.execute(sql: "DELETE FROM excerpts WHERE ref = ?", arguments: [row.uid])
            case .code:
                let tree = try CodeTree.load(db)
                if let into = (try? JSONDecoder().decode(HubCodeMerge.self, from: Data(row.payload.utf8)))?.mergedInto,
                   let source = tree.code(uid: row.uid), let target = tree.code(uid: into) {
                    // Merged on the hub: this project's passages follow it (and are pushed again with the new code).
                    _ = try Project.mergeRows(db, source: source, into: target, tree: tree)
                    cache.ids["codes"] = nil
                } else {
                    try db.execute(sql: "UPDATE codes SET retired = 1 WHERE uid = ?", arguments: [row.uid])
                }
            case .passage: try db.execute(sql: "DELETE FROM codings WHERE uid = ?", arguments: [row.uid])
            case .memo: try db.execute(sql: "DELETE FROM memos WHERE uid = ?", arguments: [row.uid])
            case .review:
                let parts = row.uid.split(separator: "/", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    try db.execute(sql: """
                        DELETE FROM reviews WHERE excerpt_id = (SELECT id FROM excerpts WHERE ref = ?) AND coder_id = (SELECT id FROM coders WHERE name = ? COLLATE NOCASE)
                        """, arguments: [parts[0], parts[1]])
                }
            }
            return
        }
        switch row.kind {
        case .group:
            let g = try HubJSON.decode(HubGroup.self, row)
            try db.execute(sql: """
                INSERT INTO groups(name, held_on, site, notes, position, created_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET held_on = excluded.held_on, site = excluded.site, notes = excluded.notes, position = excluded.position
                """, arguments: [g.name, g.heldOn, g.site, g.notes, g.position, now])
        case .document:
            let d = try HubJSON.decode(HubDocument.self, row)
            let group = try id(db, "SELECT id FROM groups WHERE name = ?", d.group, "group")
            try db.execute(sql: """
                INSERT INTO documents(group_id, file_name, format, content_hash, position, turn_count, word_count, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(content_hash) DO UPDATE SET group_id = excluded.group_id, file_name = excluded.file_name, format = excluded.format,
                  position = excluded.position, turn_count = excluded.turn_count, word_count = excluded.word_count, imported_at = excluded.imported_at
                """, arguments: [group, d.fileName, d.format, row.uid, d.position, d.turnCount, d.wordCount, d.importedAt])
        case .participant:
            let p = try HubJSON.decode(HubParticipant.self, row)
            try db.execute(sql: """
                INSERT INTO participants(pseudonym, is_moderator, created_at) VALUES (?, ?, ?)
                ON CONFLICT(pseudonym) DO UPDATE SET is_moderator = excluded.is_moderator
                """, arguments: [p.pseudonym, p.moderator, now])
            let pid = try id(db, "SELECT id FROM participants WHERE pseudonym = ?", p.pseudonym, "participant")
            try db.execute(sql: "DELETE FROM participant_attributes WHERE participant_id = ?", arguments: [pid])
            for (name, value) in p.attributes.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO participant_attributes(participant_id, name, value) VALUES (?, ?, ?)", arguments: [pid, name, value])
            }
        case .excerpt:
            let e = try HubJSON.decode(HubExcerpt.self, row)
            let group = try cache.id(db, "groups", "SELECT id FROM groups WHERE name = ?", e.group, "group")
            let document = try cache.id(db, "documents", "SELECT id FROM documents WHERE content_hash = ?", e.document, "document")
            let participant = try e.participant.map { try cache.id(db, "participants", "SELECT id FROM participants WHERE pseudonym = ?", $0, "participant") }
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM excerpts WHERE ref = ?", arguments: [row.uid]) {
                try db.execute(sql: """
                    UPDATE excerpts SET group_id = ?, document_id = ?, participant_id = ?, seq = ?, start_ms = ?, end_ms = ?, text = ?, word_count = ? WHERE id = ?
                    """, arguments: [group, document, participant, e.seq, e.startMs, e.endMs, e.text, e.wordCount, existing])
            } else {
                try db.execute(sql: """
                    INSERT INTO excerpts(ref, group_id, document_id, participant_id, seq, start_ms, end_ms, text, word_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row.uid, group, document, participant, e.seq, e.startMs, e.endMs, e.text, e.wordCount])
                try db.execute(sql: "INSERT INTO excerpts_fts(rowid, text) VALUES (?, ?)", arguments: [db.lastInsertedRowID, e.text])
            }
        case .code:
            let c = try HubJSON.decode(HubCode.self, row)
            let parent = try c.parent.map { try id(db, "SELECT id FROM codes WHERE uid = ?", $0, "code") }
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM codes WHERE uid = ?", arguments: [row.uid]) {
                try db.execute(sql: """
                    UPDATE codes SET parent_id = ?, name = ?, description = ?, inclusion = ?, exclusion = ?, example = ?, colour = ?,
                      exclusive_children = ?, retired = ?, position = ? WHERE id = ?
                    """, arguments: [parent, c.name, c.description, c.inclusion, c.exclusion, c.example, c.colour, c.exclusive, c.retired, c.position, existing])
            } else {
                try db.execute(sql: """
                    INSERT INTO codes(uid, parent_id, name, description, inclusion, exclusion, example, colour, exclusive_children, retired, position, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row.uid, parent, c.name, c.description, c.inclusion, c.exclusion, c.example, c.colour, c.exclusive, c.retired, c.position, now])
            }
        case .passage:
            let p = try HubJSON.decode(HubPassage.self, row)
            let excerpt = try cache.id(db, "excerpts", "SELECT id FROM excerpts WHERE ref = ?", p.excerpt, "excerpt")
            let (code, redirected) = try passageCode(db, p.code, cache: cache)
            guard let coderName = row.coder else { return }
            let coder = try cache.coder(db, coderName)
            if redirected, try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM codings WHERE excerpt_id = ? AND code_id = ? AND coder_id = ? AND span_start IS ? AND span_end IS ? AND uid <> ?)
                """, arguments: [excerpt, code, coder, p.spanStart, p.spanEnd, row.uid]) == true {
                return   // the merge made it one passage with another here
            }
            if let existing = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM codings WHERE uid = ?"), arguments: [row.uid]) {
                try db.cachedStatement(sql: """
                    UPDATE codings SET excerpt_id = ?, code_id = ?, coder_id = ?, span_start = ?, span_end = ?, note = ?, created_at = ? WHERE id = ?
                    """).execute(arguments: [excerpt, code, coder, p.spanStart, p.spanEnd, p.note, p.createdAt, existing])
            } else {
                try Project.insertPassage(db, excerptId: excerpt, codeId: code, coderId: coder, span: p.spanStart.flatMap { s in p.spanEnd.map { Span(start: s, end: $0) } },
                                          note: p.note, createdAt: p.createdAt, uid: row.uid)
            }
        case .review:
            let v = try HubJSON.decode(HubReview.self, row)
            let excerpt = try cache.id(db, "excerpts", "SELECT id FROM excerpts WHERE ref = ?", v.excerpt, "excerpt")
            guard let coderName = row.coder else { return }
            let coder = try cache.coder(db, coderName)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)")
                .execute(arguments: [excerpt, coder, v.reviewedAt])
        case .memo:
            let m = try HubJSON.decode(HubMemo.self, row)
            let target: Int64?
            switch (m.targetKind, m.target) {
            case ("project", _): target = nil
            case ("group", let name?): target = try cache.id(db, "groups", "SELECT id FROM groups WHERE name = ?", name, "group")
            case ("participant", let p?): target = try cache.id(db, "participants", "SELECT id FROM participants WHERE pseudonym = ?", p, "participant")
            case ("excerpt", let ref?): target = try cache.id(db, "excerpts", "SELECT id FROM excerpts WHERE ref = ?", ref, "excerpt")
            case ("code", let uid?): target = try cache.id(db, "codes", "SELECT id FROM codes WHERE uid = ?", uid, "code")
            default: throw HubError.server(address: "hub", message: "the memo row \(row.uid) has a target this focuscode cannot read")
            }
            try db.execute(sql: """
                INSERT INTO memos(uid, target_kind, target_id, author, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(uid) DO UPDATE SET target_kind = excluded.target_kind, target_id = excluded.target_id, author = excluded.author,
                  text = excluded.text, created_at = excluded.created_at, updated_at = excluded.updated_at
                """, arguments: [row.uid, m.targetKind, target, m.author, m.text, m.createdAt, m.updatedAt])
        }
    }
}

/// How a store treats conflicts when applying rows.
public enum SyncApplyMode: Sendable, Equatable {
    /// Any conflict writes nothing (a push).
    case allOrNothing
    /// Conflicting rows are skipped and listed (a pull).
    case skipConflicts
    /// The incoming version wins (`--prefer`).
    case overwrite
}

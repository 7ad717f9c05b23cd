import Foundation
import GRDB

extension Project {
    /// The coder a team copy is for, or `nil` for an ordinary project.
    public func teamCopyCoder() throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'team_copy_coder'") }
    }
}

/// Which side wins when a copy and the project disagree.
public enum MergePreference: String, Sendable, CaseIterable {
    /// Keep the project's version.
    case project
    /// Take the copy's version.
    case copy
}

/// One blind copy written by `Team.split`.
public struct TeamCopy: Sendable, Equatable {
    public var coder: String
    public var path: String
}

/// What a merge did.
public struct TeamMergeReport: Sendable, Equatable, Codable {
    public struct CopyResult: Sendable, Equatable, Codable {
        public var path: String
        public var coder: String?
        public var codesAdded = 0
        public var codesUpdated = 0
        public var codersAdded = 0
        public var codingsAdded = 0
        public var codingsUpdated = 0
        public var codingsUnchanged = 0
        public var reviewsAdded = 0
        public var excerptsUpdated = 0
        public var memosAdded = 0
    }
    public var copies: [CopyResult] = []
    /// Each conflict found and how it was settled.
    public var conflicts: [String] = []
    /// Other things worth knowing (codes matched by name, spans dropped).
    public var notes: [String] = []

    /// Whether the merge changed nothing (as a second merge of the same copies should).
    public var changedNothing: Bool {
        copies.allSatisfy { $0.codesAdded + $0.codesUpdated + $0.codersAdded + $0.codingsAdded + $0.codingsUpdated + $0.reviewsAdded + $0.excerptsUpdated + $0.memosAdded == 0 }
    }
}

/// Team work: one blind copy per coder, and a lossless merge of the copies back into the project.
///
/// A copy is the whole project file (`VACUUM INTO`) with the other coders' codings and reviews deleted,
/// and `project_info` saying whom it is for, which project it came from and what the codebook was at
/// the split (so a merge can tell a code changed in the copy from one changed in the project).
/// Everything is matched by stable ID: excerpts by `ref`, codes by `uid`, coders by `uid` then name.
public enum Team {
    /// Writes `<coder>.sqlite` into `folder` for each coder (created in the project if new).
    public static func split(_ project: Project, coders: [String], into folder: URL, actor: String? = nil) throws -> [TeamCopy] {
        let fm = FileManager.default
        var seen = Set<String>()
        for coder in coders {
            try Project.validateCoderName(coder)
            if coder.contains("/") || coder.hasPrefix(".") { throw ExchangeError.unknownCoder(coder) }
            if !seen.insert(coder.lowercased()).inserted { throw ExchangeError.unknownCoder(coder) }
        }
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ExchangeError.cannotWrite(path: folder.path, reason: error.localizedDescription)
        }
        let targets = coders.map { folder.appendingPathComponent("\($0).sqlite") }
        for t in targets where fm.fileExists(atPath: t.path) {
            throw ExchangeError.cannotWrite(path: t.path, reason: "the file exists; remove it or choose another --out folder")
        }
        let (projectId, base) = try project.write { db -> (String, String) in
            for coder in coders { _ = try Project.coderId(db, coder, create: true) }
            try AuditLog.record(db, actor: actor, action: "team.split", objectKind: "project", objectRef: nil,
                                detail: "coders=\(coders.count)")
            let pid = try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'project_id'") ?? ""
            return (pid, try codeFingerprints(db))
        }
        var copies: [TeamCopy] = []
        for (coder, target) in zip(coders, targets) {
            guard fm.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ExchangeError.cannotWrite(path: target.path, reason: "permission denied or invalid path")
            }
            do {
                try project.dbQueue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target.path]) }
                let copy = try Project.open(at: target.path)
                try copy.write { db in
                    guard let row = try Row.fetchOne(db, sql: "SELECT id, uid, name FROM coders WHERE name = ? COLLATE NOCASE", arguments: [coder]) else {
                        throw ExchangeError.unknownCoder(coder)
                    }
                    let id: Int64 = row["id"]
                    try db.execute(sql: "DELETE FROM codings WHERE coder_id <> ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM reviews WHERE coder_id <> ?", arguments: [id])
                    for (k, v) in [("team_copy_coder", row["name"] as String), ("team_copy_coder_uid", row["uid"] as String),
                                   ("team_source_project_id", projectId), ("team_base_codes", base), ("team_split_at", Clock.nowString())] {
                        try db.execute(sql: "INSERT INTO project_info(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                       arguments: [k, v])
                    }
                    try AuditLog.record(db, actor: actor, action: "team.copy", objectKind: "coder", objectRef: row["uid"], detail: "blind copy")
                }
                try copy.dbQueue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            } catch {
                try? fm.removeItem(at: target)
                throw error
            }
            copies.append(TeamCopy(coder: coder, path: target.path))
        }
        return copies
    }

    /// A code's definition and place, as one comparable value.
    struct CodeState: Codable, Equatable {
        var name: String
        var parent: String?
        var description: String?
        var inclusion: String?
        var exclusion: String?
        var example: String?
        var colour: String?
        var exclusive: Bool
        var retired: Bool
    }

    static func codeStates(_ tree: CodeTree) -> [String: CodeState] {
        var out: [String: CodeState] = [:]
        for c in tree.codes {
            out[c.uid] = CodeState(name: c.name, parent: tree.parent(of: c)?.uid, description: c.description, inclusion: c.inclusion,
                                   exclusion: c.exclusion, example: c.example, colour: c.colour, exclusive: c.exclusiveChildren,
                                   retired: c.retiredFlag)
        }
        return out
    }

    static func codeFingerprints(_ db: Database) throws -> String {
        let data = try JSONEncoder().encode(codeStates(try CodeTree.load(db)))
        return String(decoding: data, as: UTF8.self)
    }

    /// What a copy holds, read once.
    struct CopyData {
        struct Coding { var uid: String; var ref: String; var codeUid: String; var coderUid: String; var coderName: String; var span: Span?; var note: String?; var createdAt: String }
        var path: String
        var coder: String?
        var tree: CodeTree
        var base: [String: CodeState]?
        var excerpts: [String: String]
        var codings: [Coding]
        var reviews: [(ref: String, coderUid: String, coderName: String, at: String)]
        /// Memos with their target by stable key (excerpt ref, code uid, group name, pseudonym).
        var memos: [(uid: String?, kind: String, target: String?, author: String?, text: String, created: String, updated: String)]
    }

    /// Memos with their targets by stable key, for matching across copies.
    static let memoSQL = """
        SELECT m.uid, m.target_kind, m.author, m.text, m.created_at, m.updated_at, CASE m.target_kind
          WHEN 'group' THEN (SELECT name FROM groups WHERE id = m.target_id)
          WHEN 'participant' THEN (SELECT pseudonym FROM participants WHERE id = m.target_id)
          WHEN 'excerpt' THEN (SELECT ref FROM excerpts WHERE id = m.target_id)
          WHEN 'code' THEN (SELECT uid FROM codes WHERE id = m.target_id) END AS target
        FROM memos m ORDER BY m.id
        """

    static func readCopy(_ url: URL, projectId: String) throws -> CopyData {
        let copy = try Project.open(at: url.path)
        return try copy.read { db in
            let info = Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM project_info").map { ($0["key"] as String, $0["value"] as String) },
                                  uniquingKeysWith: { a, _ in a })
            let source = info["team_source_project_id"] ?? info["project_id"]
            guard source == projectId else { throw ExchangeError.otherProject(path: url.path) }
            let base = info["team_base_codes"].flatMap { try? JSONDecoder().decode([String: CodeState].self, from: Data($0.utf8)) }
            var excerpts: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT ref, text FROM excerpts") { excerpts[row["ref"]] = row["text"] }
            let codings = try Row.fetchAll(db, sql: """
                SELECT c.uid, e.ref, k.uid AS code_uid, r.uid AS coder_uid, r.name AS coder_name, c.span_start, c.span_end, c.note, c.created_at
                FROM codings c JOIN excerpts e ON e.id = c.excerpt_id JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
                ORDER BY c.id
                """).map { row -> CopyData.Coding in
                let s: Int? = row["span_start"], e: Int? = row["span_end"]
                return CopyData.Coding(uid: row["uid"], ref: row["ref"], codeUid: row["code_uid"], coderUid: row["coder_uid"], coderName: row["coder_name"],
                                       span: s.flatMap { s in e.map { Span(start: s, end: $0) } }, note: row["note"], createdAt: row["created_at"])
            }
            let reviews = try Row.fetchAll(db, sql: """
                SELECT e.ref, r.uid, r.name, v.reviewed_at FROM reviews v JOIN excerpts e ON e.id = v.excerpt_id JOIN coders r ON r.id = v.coder_id
                """).map { (ref: $0["ref"] as String, coderUid: $0["uid"] as String, coderName: $0["name"] as String, at: $0["reviewed_at"] as String) }
            let memos = try Row.fetchAll(db, sql: memoSQL).map {
                (uid: $0["uid"] as String?, kind: $0["target_kind"] as String, target: $0["target"] as String?, author: $0["author"] as String?, text: $0["text"] as String,
                 created: $0["created_at"] as String, updated: $0["updated_at"] as String)
            }
            return CopyData(path: url.path, coder: info["team_copy_coder"], tree: try CodeTree.load(db), base: base,
                            excerpts: excerpts, codings: codings, reviews: reviews, memos: memos)
        }
    }

    /// Merges copies into the project in one transaction. Conflicts (a code changed differently on both sides,
    /// an excerpt's text edited, a coding's span or note changed on both sides) stop the merge with nothing
    /// written unless `prefer` says which side wins. Merging the same copies again changes nothing.
    public static func merge(_ project: Project, copies: [URL], prefer: MergePreference? = nil, actor: String? = nil) throws -> TeamMergeReport {
        let projectId = try project.read { db in try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'project_id'") ?? "" }
        let data = try copies.map { try readCopy($0, projectId: projectId) }
        return try project.write { db in
            var report = TeamMergeReport()
            var unresolved: [String] = []
            func conflict(_ text: String) {
                if let prefer { report.conflicts.append("\(text) → kept the \(prefer == .copy ? "copy's" : "project's") version") } else { unresolved.append(text) }
            }
            for copy in data {
                var result = TeamMergeReport.CopyResult(path: copy.path, coder: copy.coder)
                let name = (copy.path as NSString).lastPathComponent

                // Excerpts: every excerpt the copy codes must exist here; edited text is a conflict.
                var excerptIds: [String: Int64] = [:]
                var texts: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT id, ref, text FROM excerpts") { excerptIds[row["ref"]] = row["id"]; texts[row["ref"]] = row["text"] }
                let needed = Set(copy.codings.map(\.ref) + copy.reviews.map(\.ref))
                let missing = needed.filter { excerptIds[$0] == nil }.sorted()
                if !missing.isEmpty { throw ExchangeError.copyHasUnknownExcerpts(path: copy.path, refs: missing) }
                for (ref, theirs) in copy.excerpts.sorted(by: { $0.key < $1.key }) {
                    guard let ours = texts[ref], theirs != ours else { continue }
                    conflict("\(name): excerpt \(ref) was edited (its text differs)")
                    if prefer == .copy {
                        try db.execute(sql: "UPDATE excerpts SET text = ?, word_count = ? WHERE ref = ?", arguments: [theirs, wordCount(theirs), ref])
                        texts[ref] = theirs
                        result.excerptsUpdated += 1
                    }
                }

                // Codes: new ones are added (parents first); changed ones are compared three ways against the split's codebook.
                var tree = try CodeTree.load(db)
                var ours = codeStates(tree)
                var codeIds: [String: Int64] = [:]
                for c in tree.codes { codeIds[c.uid.lowercased()] = c.rowId }
                let theirsStates = codeStates(copy.tree)
                for code in copy.tree.codes {
                    let state = theirsStates[code.uid]!
                    let parentRow = state.parent.flatMap { codeIds[$0.lowercased()] }
                    if let existing = tree.codes.first(where: { $0.uid.lowercased() == code.uid.lowercased() }) {
                        codeIds[code.uid.lowercased()] = existing.rowId
                        let mine = ours[existing.uid]!
                        guard mine != state else { continue }
                        let base = copy.base?[code.uid]
                        if base == state { continue }                  // only the project changed it
                        let takeCopy: Bool
                        if let base, base == mine {
                            takeCopy = true                             // only the copy changed it
                        } else {
                            var what: [String] = []
                            if mine.name != state.name { what.append("named '\(mine.name)' here, '\(state.name)' in the copy") }
                            if mine.parent != state.parent { what.append("moved differently") }
                            if what.isEmpty { what.append("its definition differs") }
                            conflict("\(name): code \(existing.path) (\(existing.uid)): \(what.joined(separator: "; "))")
                            takeCopy = prefer == .copy
                        }
                        guard takeCopy else { continue }
                        var newParent = existing.parentRowId
                        if state.parent != mine.parent {
                            let subtree = Set(tree.subtree(of: existing.rowId).map(\.rowId))
                            if state.parent == nil { newParent = nil } else if let p = parentRow, !subtree.contains(p) { newParent = p } else {
                                report.notes.append("\(name): code \(existing.path) not moved (its new parent is missing or below it)")
                            }
                        }
                        if tree.children(of: newParent).contains(where: { $0.rowId != existing.rowId && $0.name.lowercased() == state.name.lowercased() }) {
                            report.notes.append("\(name): code \(existing.path) not changed: a sibling is already named '\(state.name)'")
                            continue
                        }
                        try db.execute(sql: """
                            UPDATE codes SET name = ?, parent_id = ?, description = ?, inclusion = ?, exclusion = ?, example = ?, colour = ?,
                              exclusive_children = ?, retired = ? WHERE id = ?
                            """, arguments: [state.name, newParent, state.description, state.inclusion, state.exclusion, state.example,
                                             state.colour, state.exclusive, state.retired, existing.rowId])
                        result.codesUpdated += 1
                    } else {
                        let parent = parentRow.flatMap { tree.code(rowId: $0) }
                        if let clash = tree.children(of: parent?.rowId).first(where: { $0.name.lowercased() == state.name.lowercased() }) {
                            report.notes.append("\(name): new code \(code.path) matched to the project's \(clash.path) by name (IDs differ)")
                            codeIds[code.uid.lowercased()] = clash.rowId
                            continue
                        }
                        let definition = CodeDefinitionChanges(description: state.description, inclusion: state.inclusion, exclusion: state.exclusion,
                                                               example: state.example, colour: state.colour, exclusive: state.exclusive)
                        codeIds[code.uid.lowercased()] = try Project.insertCode(db, tree: tree, name: state.name, parent: parent, uid: code.uid,
                                                                                definition: definition, retired: state.retired)
                        result.codesAdded += 1
                    }
                    tree = try CodeTree.load(db)
                    ours = codeStates(tree)
                }

                // Coders: by ID, then by name; new ones keep the copy's ID.
                var coderIds: [String: Int64] = [:]
                func coder(_ uid: String, _ coderName: String) throws -> Int64 {
                    if let id = coderIds[uid] { return id }
                    let id: Int64
                    if let found = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE uid = ?", arguments: [uid])
                        ?? Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ? COLLATE NOCASE", arguments: [coderName]) {
                        id = found
                    } else {
                        try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES (?, ?, ?)", arguments: [coderName, uid, Clock.nowString()])
                        id = db.lastInsertedRowID
                        result.codersAdded += 1
                    }
                    coderIds[uid] = id
                    return id
                }

                // The project's passages, looked up in memory (a merge brings tens of thousands).
                var passages = try ProjectPassages(db)
                for c in copy.codings {
                    guard let excerptId = excerptIds[c.ref], let codeId = codeIds[c.codeUid.lowercased()] else { continue }
                    let coderId = try coder(c.coderUid, c.coderName)
                    var span = c.span
                    if let s = span, let text = texts[c.ref], Project.spanProblem(s, length: text.unicodeScalars.count) != nil {
                        report.notes.append("\(name): the span \(s.description) of a coding on \(c.ref) does not fit the project's text; the whole excerpt is coded")
                        span = nil
                    }
                    // The same passage: by its stable ID (copies keep the project's), else by excerpt, code, coder and span.
                    let key = ProjectPassages.Key(excerpt: excerptId, code: codeId, coder: coderId, start: span?.start, end: span?.end)
                    let row = passages.byUid[c.uid]
                    let sameIdentity = row.map { ($0.key.excerpt, $0.key.code, $0.key.coder) == (excerptId, codeId, coderId) } ?? false
                    if let match = sameIdentity ? row : passages.byKey[key] {
                        if match.key == key && match.note == c.note { result.codingsUnchanged += 1; continue }
                        conflict("\(name): the passage \(c.uid) of \(c.ref) with code \(c.codeUid) by \(c.coderName) differs (span or note)")
                        if prefer == .copy {
                            if let clash = passages.byKey[key], clash.id != match.id {
                                // The copy moved the passage onto one the project has already: keep that one, drop this.
                                try db.cachedStatement(sql: "DELETE FROM codings WHERE id = ?").execute(arguments: [match.id])
                                passages.remove(match)
                            } else {
                                try db.cachedStatement(sql: "UPDATE codings SET span_start = ?, span_end = ?, note = ? WHERE id = ?")
                                    .execute(arguments: [span?.start, span?.end, c.note, match.id])
                                passages.remove(match)
                                passages.add(.init(id: match.id, uid: match.uid, key: key, note: c.note))
                            }
                            result.codingsUpdated += 1
                        } else {
                            result.codingsUnchanged += 1
                        }
                        continue
                    }
                    let uid = row == nil ? c.uid : Project.newPassageUID()
                    try Project.insertPassage(db, excerptId: excerptId, codeId: codeId, coderId: coderId, span: span, note: c.note,
                                              createdAt: c.createdAt, uid: uid)
                    passages.add(.init(id: db.lastInsertedRowID, uid: uid, key: key, note: c.note))
                    result.codingsAdded += 1
                }
                for r in copy.reviews {
                    guard let excerptId = excerptIds[r.ref] else { continue }
                    let coderId = try coder(r.coderUid, r.coderName)
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)")
                        .execute(arguments: [excerptId, coderId, r.at])
                    result.reviewsAdded += db.changesCount
                }
                // Memos: a memo the project lacks (same target and text) is added, with its uid unless the project has a
                // memo with that uid already (then it was edited on one side, and both versions are kept: the copy's
                // gets a new uid).
                for m in copy.memos {
                    let target: Int64?
                    switch m.kind {
                    case "project": target = nil
                    case "excerpt": target = m.target.flatMap { excerptIds[$0] }
                    case "code": target = m.target.flatMap { codeIds[$0.lowercased()] }
                    case "group": target = try m.target.flatMap { try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [$0]) }
                    default: target = try m.target.flatMap { try Int64.fetchOne(db, sql: "SELECT id FROM participants WHERE pseudonym = ?", arguments: [$0]) }
                    }
                    if m.kind != "project" && target == nil {
                        report.notes.append("\(name): a memo on \(m.kind) \(m.target ?? "?") has no target in the project; not merged")
                        continue
                    }
                    let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM memos WHERE target_kind = ? AND target_id IS ? AND text = ?",
                                                   arguments: [m.kind, target, m.text]) ?? false
                    if exists { continue }
                    let uidTaken = try m.uid.map { try Bool.fetchOne(db, sql: "SELECT 1 FROM memos WHERE uid = ?", arguments: [$0]) ?? false } ?? true
                    try db.execute(sql: "INSERT INTO memos(uid, target_kind, target_id, author, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [uidTaken ? OrderedUID.next() : m.uid, m.kind, target, m.author, m.text, m.created, m.updated])
                    result.memosAdded += 1
                }
                report.copies.append(result)
            }
            if !unresolved.isEmpty { throw ExchangeError.conflicts(unresolved) }
            let total = report.copies.reduce(0) { $0 + $1.codingsAdded }
            try AuditLog.record(db, actor: actor, action: "team.merge", objectKind: "project", objectRef: nil,
                                detail: "copies=\(data.count) codings_added=\(total) conflicts=\(report.conflicts.count)")
            return report
        }
    }
}

/// A project's passages by stable ID and by (excerpt, code, coder, span), kept in step with the
/// merge's own writes so that every coding of a copy is matched without a query.
struct ProjectPassages {
    struct Key: Hashable {
        var excerpt: Int64, code: Int64, coder: Int64
        var start: Int?, end: Int?
    }
    struct Passage {
        var id: Int64
        var uid: String
        var key: Key
        var note: String?
    }
    private(set) var byUid: [String: Passage] = [:]
    private(set) var byKey: [Key: Passage] = [:]

    init(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, uid, excerpt_id, code_id, coder_id, span_start, span_end, note FROM codings")
        while let row = try rows.next() {
            add(Passage(id: row["id"], uid: row["uid"],
                        key: Key(excerpt: row["excerpt_id"], code: row["code_id"], coder: row["coder_id"], start: row["span_start"], end: row["span_end"]),
                        note: row["note"]))
        }
    }

    mutating func add(_ passage: Passage) {
        byUid[passage.uid] = passage
        byKey[passage.key] = passage
    }

    mutating func remove(_ passage: Passage) {
        byUid[passage.uid] = nil
        if byKey[passage.key]?.id == passage.id { byKey[passage.key] = nil }
    }
}

import Foundation
import GRDB

/// Everything a front end needs to show one step of an interactive coding session.
public struct CodingSessionView: Sendable {
    public var before: [ExcerptView]
    public var excerpt: ExcerptView
    public var after: [ExcerptView]
    /// Position in the queue (0-based) and its length.
    public var position: Int
    public var total: Int
    /// Excerpts of the queue this coder has reviewed.
    public var reviewed: Int
    public var state: ReviewState
    /// This coder's codings here: path, note and passage (`nil` for the whole turn), by path then position.
    public var applied: [(path: String, note: String?, span: Span?)]
    /// Other coders' codes here (coder → paths); always empty in a blind session.
    public var others: [(coder: String, codes: [String])]
}

/// An interactive coding session as a state machine over the project: a queue of excerpts, the current one, and an undo
/// stack. Every change is its own transaction with an audit entry; the front end only draws and reads keys.
public final class CodingSession {
    public let project: Project
    public let coder: String
    public let blind: Bool
    /// The group coded, if one was chosen.
    public let group: String?
    /// Active codes, numbered from 1 in this order.
    public private(set) var codes: [Code]
    public private(set) var index: Int = 0
    /// A one-line message for the person (what the last key did).
    public var message: String?
    /// Words of the current excerpt (1-based, as numbered by `CodingSession.words(in:)`) that the next code applies to;
    /// `nil` codes the whole turn. Cleared when the excerpt changes or a code is applied.
    public private(set) var selection: ClosedRange<Int>?

    private struct Item { var ref: String; var id: Int64 }
    private struct SavedCoding { var uid: String; var codeId: Int64; var spanStart: Int?; var spanEnd: Int?; var note: String?; var createdAt: String }
    private struct Snapshot { var index: Int; var excerptId: Int64; var codings: [SavedCoding]; var reviewedAt: String?; var what: String }

    private var queue: [Item]
    private var reviewedIds: Set<Int64>
    private var undoStack: [Snapshot] = []

    /// Opens a session: the group's excerpts in order (participants' turns unless `includeModerators`), only those not
    /// yet reviewed by the coder when `uncodedOnly`. It starts at the first excerpt the coder has not reviewed (resume).
    public init(project: Project, coder: String, group: String?, blind: Bool, uncodedOnly: Bool = false, includeModerators: Bool = false) throws {
        try Project.validateCoderName(coder)
        self.project = project
        self.coder = coder
        self.blind = blind
        self.group = group
        (queue, reviewedIds, codes) = try project.read { db in
            var conditions: [String] = []
            if let group {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [group]) else {
                    throw ProjectError.unknownGroup(group)
                }
                conditions.append("e.group_id = \(id)")
            }
            if !includeModerators { conditions.append("ifnull(p.is_moderator, 0) = 0") }
            let coderId = try Project.coderId(db, coder, create: false)
            var reviewed = Set<Int64>()
            if let coderId { reviewed = Set(try Int64.fetchAll(db, sql: "SELECT excerpt_id FROM reviews WHERE coder_id = ?", arguments: [coderId])) }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            var items = try Row.fetchAll(db, sql: """
                SELECT e.ref, e.id FROM excerpts e JOIN groups g ON g.id = e.group_id LEFT JOIN participants p ON p.id = e.participant_id
                \(whereClause) ORDER BY g.position, e.seq
                """).map { Item(ref: $0["ref"], id: $0["id"]) }
            if uncodedOnly { items.removeAll { reviewed.contains($0.id) } }
            return (items, reviewed.intersection(items.map(\.id)), try CodeTree.load(db).active)
        }
        if let first = queue.firstIndex(where: { !reviewedIds.contains($0.id) }) {
            index = first
            if first > 0 { message = "Resuming at the first excerpt you have not reviewed." }
        } else if !queue.isEmpty {
            message = "You have reviewed all \(queue.count) excerpts here; b goes back, q quits."
        }
    }

    /// Whether there is anything to code.
    public var isEmpty: Bool { queue.isEmpty }
    public var total: Int { queue.count }
    public var reviewedCount: Int { reviewedIds.count }
    public var currentRef: String { queue[index].ref }

    /// The current excerpt with `context` turns either side, and the coder's (and, unless blind, others') codes.
    public func view(context: Int) throws -> CodingSessionView {
        let item = queue[index]
        let (before, excerpt, after) = try project.excerpt(item.ref, context: context)
        return try project.read { db in
            let tree = try CodeTree.load(db)
            let coderId = try Project.coderId(db, coder, create: false)
            var applied: [(path: String, note: String?, span: Span?)] = []
            var state = ReviewState.notReviewed
            if let coderId {
                state = try Project.reviewState(db, tree: tree, excerptId: item.id, coderId: coderId)
                let rows = try Row.fetchAll(db, sql: "SELECT code_id, note, span_start, span_end FROM codings WHERE excerpt_id = ? AND coder_id = ?",
                                            arguments: [item.id, coderId])
                for row in rows {
                    let start: Int? = row["span_start"], end: Int? = row["span_end"]
                    var span: Span?
                    if let start, let end { span = Span(start: start, end: end) }
                    let path: String = tree.code(rowId: row["code_id"])?.path ?? "?"
                    applied.append((path: path, note: row["note"], span: span))
                }
                applied.sort { a, b in
                    if a.path != b.path { return a.path < b.path }
                    return (a.span?.start ?? -1, a.span?.end ?? -1) < (b.span?.start ?? -1, b.span?.end ?? -1)
                }
            }
            var others: [(String, [String])] = []
            if !blind {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT DISTINCT k.name, c.code_id FROM codings c JOIN coders k ON k.id = c.coder_id
                    WHERE c.excerpt_id = ? AND c.coder_id IS NOT ? ORDER BY k.name
                    """, arguments: [item.id, coderId])
                var byCoder: [String: [String]] = [:]
                var order: [String] = []
                for row in rows {
                    let name: String = row["name"]
                    if byCoder[name] == nil { order.append(name) }
                    byCoder[name, default: []].append(tree.code(rowId: row["code_id"])?.path ?? "?")
                }
                others = order.map { ($0, byCoder[$0]!.sorted()) }
            }
            return CodingSessionView(before: before, excerpt: excerpt, after: after, position: index, total: queue.count,
                                     reviewed: reviewedIds.count, state: state, applied: applied, others: others)
        }
    }

    /// Codes whose name or path starts with `prefix` (ignoring case), then those whose name has a word starting with it.
    public func matching(_ prefix: String) -> [Code] {
        let p = prefix.lowercased().trimmingCharacters(in: .whitespaces)
        guard !p.isEmpty else { return codes }
        if let n = Int(p), (1...codes.count).contains(n) { return [codes[n - 1]] }
        let first = codes.filter { $0.name.lowercased().hasPrefix(p) || $0.path.lowercased().hasPrefix(p) }
        let words = codes.filter { code in
            !first.contains(code) && code.name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).contains { $0.hasPrefix(p) }
        }
        return first + words
    }

    /// The 1-based number of a code in this session, if it is active.
    public func number(of path: String) -> Int? {
        codes.firstIndex { $0.path == path }.map { $0 + 1 }
    }

    /// The words of a turn as code-point spans (runs of characters that are not white space), numbered from 1 on screen.
    public static func words(in text: String) -> [Span] {
        var spans: [Span] = []
        var start: Int?
        var i = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                if let s = start { spans.append(Span(start: s, end: i)); start = nil }
            } else if start == nil {
                start = i
            }
            i += 1
        }
        if let s = start { spans.append(Span(start: s, end: i)) }
        return spans
    }

    /// Chooses words `range` (1-based, inclusive) of the current excerpt as the passage the next code applies to.
    public func select(words range: ClosedRange<Int>) throws {
        let count = try currentWords().count
        guard range.lowerBound >= 1, range.upperBound <= count else {
            throw CodingError.badSpan(excerpt: currentRef, span: "words \(range.lowerBound)-\(range.upperBound)",
                                      reason: "the excerpt has \(count) word\(count == 1 ? "" : "s")")
        }
        selection = range
        message = "Passage: words \(range.lowerBound)–\(range.upperBound); a code now codes only these words (Esc clears)."
    }

    /// Forgets the chosen words: the next code applies to the whole turn.
    public func clearSelection() {
        selection = nil
    }

    /// The chosen words as a span of the current excerpt (code points), if any.
    public func selectedSpan() throws -> Span? {
        guard let selection else { return nil }
        let words = try currentWords()
        guard selection.upperBound <= words.count else { return nil }
        return Span(start: words[selection.lowerBound - 1].start, end: words[selection.upperBound - 1].end)
    }

    private func currentWords() throws -> [Span] {
        Self.words(in: try project.excerpt(currentRef, context: 0).excerpt.text)
    }

    /// Applies a code to the current excerpt: to the chosen words when there are some, else to the whole turn.
    /// In a mutually exclusive branch it replaces the sibling applied before.
    public func apply(_ code: Code) throws {
        let span = try selectedSpan()
        try change("apply \(code.path)") { db, excerptId, coderId in
            let tree = try CodeTree.load(db)
            let outcome = try Project.apply(db, tree: tree, code: code, excerptId: excerptId, excerpt: currentRef, coderId: coderId,
                                            span: span, note: nil, replace: true)
            try AuditLog.record(db, actor: coder, action: "coding.apply", objectKind: "excerpt", objectRef: currentRef,
                                detail: "code=\(code.uid) coder=\(coder)" + (span.map { " span=\($0.description)" } ?? "") + " session=interactive")
            let what = span.map { "\(code.path) to characters \($0.description)" } ?? code.path
            return outcome == .applied ? "Applied \(what)." : "\(what) was applied already."
        }
        selection = nil
    }

    /// Removes a code from the current excerpt, every passage of it (the excerpt stays reviewed).
    public func remove(_ path: String) throws {
        try change("remove \(path)") { db, excerptId, coderId in
            let tree = try CodeTree.load(db)
            guard let code = tree.code(path: path) else { throw CodebookError.unknownCode(path) }
            try db.execute(sql: "DELETE FROM codings WHERE excerpt_id = ? AND code_id = ? AND coder_id = ?",
                           arguments: [excerptId, code.rowId, coderId])
            let removed = db.changesCount
            if removed == 0 { throw CodingError.notApplied(excerpt: currentRef, code: path, coder: coder) }
            try AuditLog.record(db, actor: coder, action: "coding.remove", objectKind: "excerpt", objectRef: currentRef,
                                detail: "code=\(code.uid) coder=\(coder) passages=\(removed) session=interactive")
            return removed == 1 ? "Removed \(path)." : "Removed \(path) (\(removed) passages)."
        }
    }

    /// Marks the current excerpt reviewed with no code (removing any codes this coder had applied to it).
    public func none() throws {
        try change("none") { db, excerptId, coderId in
            try db.execute(sql: "DELETE FROM codings WHERE excerpt_id = ? AND coder_id = ?", arguments: [excerptId, coderId])
            let removed = db.changesCount
            try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)",
                           arguments: [excerptId, coderId, Clock.nowString()])
            try AuditLog.record(db, actor: coder, action: "coding.none", objectKind: "excerpt", objectRef: currentRef,
                                detail: "coder=\(coder) removed=\(removed) session=interactive")
            return removed > 0 ? "Reviewed, no code applies (removed \(removed))." : "Reviewed, no code applies."
        }
    }

    /// Sets the note on the coding applied most recently to the current excerpt.
    public func note(_ text: String) throws {
        try change("note") { db, excerptId, coderId in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, code_id FROM codings WHERE excerpt_id = ? AND coder_id = ? ORDER BY id DESC LIMIT 1",
                                             arguments: [excerptId, coderId]) else {
                throw CodingError.noNote(excerpt: currentRef, coder: coder)
            }
            try db.execute(sql: "UPDATE codings SET note = ? WHERE id = ?", arguments: [text.isEmpty ? nil : text, row["id"] as Int64])
            let path = try CodeTree.load(db).code(rowId: row["code_id"])?.path ?? "?"
            try AuditLog.record(db, actor: coder, action: "coding.note", objectKind: "excerpt", objectRef: currentRef,
                                detail: "coder=\(coder) session=interactive")
            return "Note set on \(path)."
        }
    }

    /// Undoes the last change of this session (on whichever excerpt it was) and goes back to that excerpt.
    public func undo() throws {
        guard let snapshot = undoStack.popLast() else {
            message = "Nothing to undo."
            return
        }
        try project.write { db in
            guard let coderId = try Project.coderId(db, coder, create: false) else { return }
            try db.execute(sql: "DELETE FROM codings WHERE excerpt_id = ? AND coder_id = ?", arguments: [snapshot.excerptId, coderId])
            for c in snapshot.codings {
                try Project.insertPassage(db, excerptId: snapshot.excerptId, codeId: c.codeId, coderId: coderId,
                                          span: c.spanStart.flatMap { s in c.spanEnd.map { Span(start: s, end: $0) } }, note: c.note,
                                          createdAt: c.createdAt, uid: c.uid)
            }
            if let at = snapshot.reviewedAt {
                try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)",
                               arguments: [snapshot.excerptId, coderId, at])
            } else {
                try db.execute(sql: "DELETE FROM reviews WHERE excerpt_id = ? AND coder_id = ?", arguments: [snapshot.excerptId, coderId])
            }
            try AuditLog.record(db, actor: coder, action: "coding.undo", objectKind: "excerpt", objectRef: queue[snapshot.index].ref,
                                detail: "coder=\(coder) undid=\(snapshot.what.split(separator: " ").first ?? "")")
        }
        if snapshot.reviewedAt == nil { reviewedIds.remove(snapshot.excerptId) } else { reviewedIds.insert(snapshot.excerptId) }
        index = snapshot.index
        selection = nil
        message = "Undone: \(snapshot.what) on \(queue[index].ref)."
    }

    /// Moves to the next excerpt (the current one stays as it is).
    public func next() {
        if index + 1 < queue.count { index += 1; message = nil; selection = nil } else { message = "That was the last excerpt; b goes back, q quits." }
    }

    /// Moves to the previous excerpt.
    public func back() {
        if index > 0 { index -= 1; message = nil; selection = nil } else { message = "This is the first excerpt." }
    }

    /// Runs one change in a transaction, keeping what was there before for undo.
    private func change(_ what: String, _ body: (Database, Int64, Int64) throws -> String) throws {
        let item = queue[index]
        var snapshot: Snapshot?
        let text = try project.write { db -> String in
            let coderId = try Project.coderId(db, coder, create: true)!
            let saved = try Row.fetchAll(db, sql: "SELECT uid, code_id, span_start, span_end, note, created_at FROM codings WHERE excerpt_id = ? AND coder_id = ?",
                                         arguments: [item.id, coderId])
                .map { SavedCoding(uid: $0["uid"], codeId: $0["code_id"], spanStart: $0["span_start"], spanEnd: $0["span_end"], note: $0["note"], createdAt: $0["created_at"]) }
            let reviewedAt = try String.fetchOne(db, sql: "SELECT reviewed_at FROM reviews WHERE excerpt_id = ? AND coder_id = ?",
                                                 arguments: [item.id, coderId])
            snapshot = Snapshot(index: index, excerptId: item.id, codings: saved, reviewedAt: reviewedAt, what: what)
            let text = try body(db, item.id, coderId)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM reviews WHERE excerpt_id = ? AND coder_id = ?", arguments: [item.id, coderId]) ?? false {
                reviewedIds.insert(item.id)
            }
            return text
        }
        if let snapshot { undoStack.append(snapshot) }
        message = text
    }
}

/// One suggestion waiting for a human: the excerpt, the code and the machine's confidence.
public struct PendingSuggestion: Sendable, Equatable {
    public var excerpt: String
    public var code: String
    public var confidence: Double
}

/// Walks a coder through another coder's pending suggestions (usually the machine's): accept makes the code the
/// reviewer's own coding, reject records the reviewer as having reviewed the excerpt without it, skip leaves it
/// pending. Each decision is one transaction with an audit entry.
public final class SuggestionReviewSession {
    public let project: Project
    public let reviewer: String
    public let suggester: String
    public let group: String?
    public private(set) var queue: [PendingSuggestion]
    public private(set) var index = 0
    public private(set) var accepted = 0
    public private(set) var rejected = 0
    public var message: String?

    public init(project: Project, reviewer: String, suggester: String, group: String? = nil) throws {
        try Project.validateCoderName(reviewer)
        if reviewer.lowercased() == suggester.lowercased() {
            throw CodingError.invalidCoderName(reviewer, reason: "a coder cannot review their own suggestions; choose another --coder")
        }
        self.project = project
        self.reviewer = reviewer
        self.suggester = suggester
        self.group = group
        queue = try project.read { db in
            guard let suggesterId = try Project.coderId(db, suggester, create: false) else { throw CodingError.unknownCoder(suggester) }
            var groupFilter = ""
            if let group {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [group]) else {
                    throw ProjectError.unknownGroup(group)
                }
                groupFilter = " AND e.group_id = \(id)"
            }
            let tree = try CodeTree.load(db)
            return try Row.fetchAll(db, sql: """
                SELECT e.ref, s.code_id, s.confidence FROM suggestion s JOIN excerpts e ON e.id = s.excerpt_id JOIN groups g ON g.id = e.group_id
                WHERE s.coder_id = ? AND s.status = 'pending'\(groupFilter) ORDER BY g.position, e.seq, s.confidence DESC
                """, arguments: [suggesterId]).compactMap { row in
                tree.code(rowId: row["code_id"]).map { PendingSuggestion(excerpt: row["ref"], code: $0.path, confidence: row["confidence"]) }
            }
        }
    }

    /// The suggestion shown, nil when all have been seen.
    public var current: PendingSuggestion? { index < queue.count ? queue[index] : nil }

    /// The reviewer's coding of the current suggestion's code; the suggestion is marked accepted.
    public func accept() throws {
        guard let item = current else { return }
        try decide(item, status: "accepted") { db, excerptId, reviewerId, code in
            let tree = try CodeTree.load(db)
            _ = try Project.apply(db, tree: tree, code: code, excerptId: excerptId, excerpt: item.excerpt, coderId: reviewerId,
                                  span: nil, note: nil, replace: true)
        }
        accepted += 1
        message = "Accepted \(item.code) on \(item.excerpt) as \(reviewer)'s coding."
        index += 1
    }

    /// The suggestion is marked rejected; the reviewer has reviewed the excerpt, without this code.
    public func reject() throws {
        guard let item = current else { return }
        try decide(item, status: "rejected") { db, excerptId, reviewerId, _ in
            try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)",
                           arguments: [excerptId, reviewerId, Clock.nowString()])
        }
        rejected += 1
        message = "Rejected \(item.code) on \(item.excerpt)."
        index += 1
    }

    /// Leaves the current suggestion pending and moves on.
    public func skip() {
        guard let item = current else { return }
        message = "Skipped \(item.code) on \(item.excerpt); it stays pending."
        index += 1
    }

    private func decide(_ item: PendingSuggestion, status: String, _ body: (Database, Int64, Int64, Code) throws -> Void) throws {
        try project.write { db in
            let tree = try CodeTree.load(db)
            let code = try tree.resolve(item.code)
            let excerptId = try Project.excerptId(db, item.excerpt)
            guard let suggesterId = try Project.coderId(db, suggester, create: false) else { throw CodingError.unknownCoder(suggester) }
            let reviewerId = try Project.coderId(db, reviewer, create: true)!
            try body(db, excerptId, reviewerId, code)
            try db.execute(sql: """
                UPDATE suggestion SET status = ?, reviewed_by = ?, reviewed_at = ? WHERE excerpt_id = ? AND code_id = ? AND coder_id = ? AND status = 'pending'
                """, arguments: [status, reviewer, Clock.nowString(), excerptId, code.rowId, suggesterId])
            try AuditLog.record(db, actor: reviewer, action: "suggestion.\(status == "accepted" ? "accept" : "reject")", objectKind: "excerpt",
                                objectRef: item.excerpt, detail: "code=\(code.uid) suggested_by=\(suggester) coder=\(reviewer)")
        }
    }
}

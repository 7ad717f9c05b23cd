import Foundation
import GRDB

/// How many identifiers of one kind were replaced in one document.
public struct RedactionCount: Codable, Sendable, Equatable {
    public var group: String
    public var document: String
    public var kind: String
    public var count: Int
}

/// One entry of the review list: a stretch of stored text that may identify someone.
public struct ReviewItem: Sendable, Equatable {
    public var text: String
    public var reason: CandidateReason
    /// For `.detected`: the kind a detector would give it.
    public var kind: IdentifierKind?
    /// Occurrences in the project.
    public var count: Int
    /// The excerpt of the first occurrence and the text around it.
    public var firstRef: String
    public var context: String
}

/// What a reviewer's decision did.
public struct DecisionResult: Sendable, Equatable {
    public var placeholder: String?
    public var excerpts: Int
    public var replacements: Int
}

extension Project {
    /// Replacements per document and kind (counts only; the project never holds the originals).
    public func redactionSummary() throws -> [RedactionCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT g.name AS grp, d.file_name, r.kind, r.count FROM redaction_counts r
                JOIN documents d ON d.id = r.document_id JOIN groups g ON g.id = d.group_id
                WHERE r.count > 0 ORDER BY g.position, d.position, r.kind
                """).map { RedactionCount(group: $0["grp"], document: $0["file_name"], kind: $0["kind"], count: $0["count"]) }
        }
    }

    /// The review list: candidates found in the stored text (capitalised words that are not
    /// ordinary words, acronyms, codes, long digit runs, handles, dates), and anything a detector
    /// would replace (text imported with `--no-detect`), less what reviewers decided to keep.
    public func reviewList(group: String? = nil) throws -> [ReviewItem] {
        try read { db in
            let state = try AnonymisationState.load(db)
            var redactor = Redactor(scanner: PatternScanner(enabled: AnonymisationOptions.shapeDetectors), patterns: [],
                                    registry: PlaceholderRegistry(digestKey: state.salt, existing: []), salt: state.salt,
                                    keepDigests: state.keepDigests)
            var arguments: StatementArguments = []
            var filter = ""
            if let group {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM groups WHERE name = ?", arguments: [group]) != nil else {
                    throw ProjectError.unknownGroup(group)
                }
                filter = "WHERE g.name = ?"
                arguments = [group]
            }
            var items: [ReviewItem] = []
            var index: [String: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT e.ref, e.text FROM excerpts e JOIN groups g ON g.id = e.group_id \(filter) ORDER BY g.position, e.seq
                """, arguments: arguments)
            while let row = try rows.next() {
                let ref: String = row["ref"]
                let text: String = row["text"]
                let outcome = redactor.redact(text)
                var found: [(String, String, CandidateReason, IdentifierKind?, String)] = outcome.candidates.map { ($0.key, $0.text, $0.reason, nil, $0.context) }
                for r in outcome.replacements {
                    let key = Redactor.candidateKey(r.original)
                    if !state.keepDigests.isEmpty, state.keepDigests.contains(Redactor.keepDigest(key, salt: state.salt)) { continue }
                    found.append((key, r.original, .detected, r.kind, Self.contextOf(r.original, in: text)))
                }
                for (key, shown, reason, kind, context) in found {
                    if let i = index[key] { items[i].count += 1; continue }
                    index[key] = items.count
                    items.append(ReviewItem(text: shown, reason: reason, kind: kind, count: 1, firstRef: ref, context: context))
                }
            }
            return items
        }
    }

    static func contextOf(_ original: String, in text: String) -> String {
        let bytes = Array(text.utf8)
        guard let range = text.range(of: original) else { return text }
        let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        return Redactor.context(bytes, start, start + original.utf8.count)
    }

    /// Where `needle` occurs in `text` as a whole word (case-insensitive): byte ranges.
    static func wholeWordRanges(of needle: String, in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var from = text.startIndex
        func isWordChar(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }
        while from < text.endIndex, let r = text.range(of: needle, options: [.caseInsensitive], range: from..<text.endIndex) {
            let before = r.lowerBound > text.startIndex ? text[text.index(before: r.lowerBound)] : nil
            let after = r.upperBound < text.endIndex ? text[r.upperBound] : nil
            let okBefore = !isWordChar(needle.first) || !isWordChar(before)
            let okAfter = !isWordChar(needle.last) || !isWordChar(after)
            if okBefore && okAfter { ranges.append(r) }
            from = r.upperBound
        }
        return ranges
    }

    /// A reviewer's decision on a text seen in excerpt `ref`: `redact` replaces it (whole word,
    /// any case) in every excerpt with one placeholder of `kind` and remembers it for later
    /// imports; `keep` (kind nil) takes it off the review list. One transaction with an audit entry
    /// that names the placeholder or excerpt, never the text.
    public func decide(ref: String, text: String, redactAs kind: IdentifierKind?, keyPath: String? = nil, force: Bool = false,
                       actor: String? = nil) throws -> DecisionResult {
        let needle = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !needle.isEmpty else { throw AnonymisationError.emptyText }
        let state = try read { db in try AnonymisationState.load(db) }
        if kind != nil, keyPath == nil, state.binding != nil { throw AnonymisationError.keyRequired }
        let key = try KeyContext.resolve(path: kind == nil ? nil : keyPath, state: state, projectPath: path,
                                         writing: kind != nil, force: force)
        let result = try write { db -> DecisionResult in
            // Secure delete: the pages that held the original are overwritten with zeros, not just freed.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            guard let excerptText = try String.fetchOne(db, sql: "SELECT text FROM excerpts WHERE ref = ?", arguments: [ref]) else {
                throw ProjectError.unknownExcerpt(ref)
            }
            let firstRange = Self.wholeWordRanges(of: needle, in: excerptText).first
            guard let firstRange else { throw AnonymisationError.textNotInExcerpt(ref: ref) }
            let actorName = actor ?? AuditLog.defaultActor
            guard let kind else {
                let digest = Redactor.keepDigest(Redactor.candidateKey(needle), salt: state.salt)
                try db.execute(sql: """
                    INSERT OR REPLACE INTO anonymisation_decisions(digest, decision, kind, decided_by, decided_at) VALUES (?, 'keep', NULL, ?, ?)
                    """, arguments: [digest, actorName, Clock.nowString()])
                try AuditLog.record(db, actor: actor, action: "anonymise.keep", objectKind: "excerpt", objectRef: ref, detail: nil)
                return DecisionResult(placeholder: nil, excerpts: 0, replacements: 0)
            }
            let keyMode = KeyContext.keyMode(state: state, key: key)
            var registry = PlaceholderRegistry(digestKey: keyMode ? key!.file.secret : state.salt, existing: state.placeholders)
            let index = registry.placeholder(for: String(excerptText[firstRange]), kind: kind)
            let placeholder = registry.all[index]
            // Candidate rows: LIKE narrows ASCII texts; other texts are checked one by one.
            let ascii = needle.unicodeScalars.allSatisfy(\.isASCII)
            let escaped = needle.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            let rows = try Row.fetchAll(db, sql: "SELECT id, document_id, text FROM excerpts" + (ascii ? " WHERE text LIKE ? ESCAPE '\\'" : ""),
                                        arguments: ascii ? ["%" + escaped + "%"] : [])
            var perDocument: [Int64: Int] = [:]
            var excerpts = 0, replacements = 0
            for row in rows {
                let old: String = row["text"]
                let ranges = Self.wholeWordRanges(of: needle, in: old)
                guard !ranges.isEmpty else { continue }
                var new = old
                for r in ranges.reversed() {
                    let lower = new.index(new.startIndex, offsetBy: old.distance(from: old.startIndex, to: r.lowerBound))
                    let upper = new.index(lower, offsetBy: old.distance(from: r.lowerBound, to: r.upperBound))
                    new.replaceSubrange(lower..<upper, with: placeholder.text)
                }
                try db.execute(sql: "UPDATE excerpts SET text = ?, word_count = ? WHERE id = ?", arguments: [new, wordCount(new), row["id"] as Int64])
                perDocument[row["document_id"], default: 0] += ranges.count
                excerpts += 1
                replacements += ranges.count
            }
            for (document, count) in perDocument {
                try db.execute(sql: """
                    INSERT INTO redaction_counts(document_id, kind, count) VALUES (?, ?, ?)
                    ON CONFLICT(document_id, kind) DO UPDATE SET count = count + excluded.count
                    """, arguments: [document, kind.rawValue, count])
            }
            if index >= state.placeholders.count {
                try db.execute(sql: "INSERT INTO placeholders(kind, number, digest) VALUES (?, ?, ?)",
                               arguments: [placeholder.kind.rawValue, placeholder.number, placeholder.digest])
            }
            try db.execute(sql: """
                INSERT OR REPLACE INTO anonymisation_decisions(digest, decision, kind, decided_by, decided_at) VALUES (?, 'redact', ?, ?, ?)
                """, arguments: [placeholder.digest, kind.rawValue, actorName, Clock.nowString()])
            try db.execute(sql: "DELETE FROM anonymisation_decisions WHERE digest = ?",
                           arguments: [Redactor.keepDigest(Redactor.candidateKey(needle), salt: state.salt)])
            // Rewrite the full-text index so that no old segment still holds the original's terms.
            try db.execute(sql: "INSERT INTO excerpts_fts(excerpts_fts) VALUES ('optimize')")
            try AuditLog.record(db, actor: actor, action: "anonymise.redact", objectKind: "placeholder", objectRef: placeholder.text,
                                detail: "kind=\(kind.rawValue) excerpts=\(excerpts) replacements=\(replacements)")
            try KeyContext.commit(db, key: key, keyMode: keyMode, state: state, registry: registry)
            return DecisionResult(placeholder: placeholder.text, excerpts: excerpts, replacements: replacements)
        }
        if kind != nil {
            // Old page images in the WAL may hold the original: checkpoint them into the file (where
            // secure delete zeroed the freed space) and truncate the WAL.
            try? dbQueue.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
        return result
    }

    /// An excerpt (with `context` turns around it) as it read before anonymisation, for authorised
    /// checking: placeholders are replaced by the originals from the project's key file.
    public func reveal(ref: String, keyPath: String, context: Int = 0, actor: String? = nil) throws -> [ExcerptView] {
        guard FileManager.default.fileExists(atPath: keyPath) else { throw ProjectError.fileMissing(path: keyPath) }
        let state = try read { db in try AnonymisationState.load(db) }
        guard state.binding != nil else { throw AnonymisationError.wrongKeyFile(path: keyPath) }
        guard let key = try KeyContext.resolve(path: keyPath, state: state, projectPath: path, writing: false, force: true), !key.isNew else {
            throw AnonymisationError.wrongKeyFile(path: keyPath)
        }
        let (before, focus, after) = try excerpt(ref, context: context)
        try write { db in
            try AuditLog.record(db, actor: actor, action: "anonymise.reveal", objectKind: "excerpt", objectRef: ref, detail: "context=\(context)")
        }
        let originals = key.file.originals
        return (before + [focus] + after).map { view in
            var v = view
            v.text = Self.revealing(view.text, originals)
            return v
        }
    }

    static func revealing(_ text: String, _ originals: [String: String]) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x5B, let end = PatternScanner.placeholder(bytes, i),
               let original = originals[String(decoding: bytes[i..<end], as: UTF8.self)] {
                out.append(contentsOf: original.utf8)
                i = end
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

import Foundation
import GRDB

/// What autocode looks for: a regular expression (case-insensitive) or a full-text (FTS5) query.
public enum AutocodePattern: Sendable, Equatable {
    case regex(String)
    case query(String)
}

/// One excerpt that autocode would code.
public struct AutocodeMatch: Sendable, Equatable {
    public var excerpt: ExcerptView
    /// The passage that matched; matched text is wrapped in `SearchHit.highlightStart`/`highlightEnd`.
    public var snippet: String
    /// The coder has applied the code to what autocode would code here (every matching passage, or the whole turn) already.
    public var alreadyCoded: Bool
    /// The matching passages, in code points of the turn, left to right.
    public var spans: [Span] = []
}

/// What applying autocode did.
public struct AutocodeResult: Sendable, Equatable {
    /// Matching excerpts.
    public var matches: Int
    /// Passages (or, with `wholeTurn`, turns) newly coded, and excerpts newly coded.
    public var applied: Int
    public var excerptsCoded: Int = 0
    public var alreadyCoded: Int
    /// Excerpts left alone because the coder has another code of the same mutually exclusive branch there.
    public var exclusiveConflicts: [String]
}

/// Where and as whom autocode runs.
public struct AutocodeOptions: Sendable {
    public var pattern: AutocodePattern
    public var code: String
    public var coder: String
    public var group: String?
    /// Moderators' turns are left out unless asked for.
    public var includeModerators: Bool
    /// Code the whole turn that matches instead of each matching passage.
    public var wholeTurn: Bool

    public init(pattern: AutocodePattern, code: String, coder: String, group: String? = nil, includeModerators: Bool = false,
                wholeTurn: Bool = false) {
        self.wholeTurn = wholeTurn
        self.pattern = pattern
        self.code = code
        self.coder = coder
        self.group = group
        self.includeModerators = includeModerators
    }
}

extension Project {
    /// The excerpts that autocode would code, in transcript order. Writes nothing.
    public func autocodePreview(_ options: AutocodeOptions) throws -> [AutocodeMatch] {
        try Self.validateCoderName(options.coder)
        return try read { db in try Self.autocodeMatches(db, options).2 }
    }

    /// Applies the code to every matching excerpt as the coder, in one transaction (matches found again inside it).
    @discardableResult
    public func autocodeApply(_ options: AutocodeOptions) throws -> AutocodeResult {
        try Self.validateCoderName(options.coder)
        return try write { db in
            let (tree, code, matches, ids) = try Self.autocodeMatches(db, options)
            let coderId = try Self.coderId(db, options.coder, create: true)!
            var result = AutocodeResult(matches: matches.count, applied: 0, alreadyCoded: 0, exclusiveConflicts: [])
            for (match, excerptId) in zip(matches, ids) {
                do {
                    var added = 0
                    for span in options.wholeTurn ? [nil] : match.spans.map(Optional.some) {
                        switch try Self.apply(db, tree: tree, code: code, excerptId: excerptId, excerpt: match.excerpt.ref, coderId: coderId,
                                              span: span, note: nil, replace: false) {
                        case .applied: added += 1
                        case .updated, .unchanged: break
                        }
                    }
                    result.applied += added
                    if added > 0 { result.excerptsCoded += 1 } else { result.alreadyCoded += 1 }
                } catch CodingError.exclusiveConflict {
                    result.exclusiveConflicts.append(match.excerpt.ref)
                }
            }
            let kind: String
            switch options.pattern { case .regex: kind = "regex"; case .query: kind = "query" }
            // The pattern itself is not logged: it may quote transcript words.
            try AuditLog.record(db, actor: options.coder, action: "autocode", objectKind: "code", objectRef: code.uid,
                                detail: "by=\(kind) coder=\(options.coder) unit=\(options.wholeTurn ? "turn" : "passage") matches=\(result.matches) applied=\(result.applied) already=\(result.alreadyCoded) conflicts=\(result.exclusiveConflicts.count)")
            return result
        }
    }

    static func autocodeMatches(_ db: Database, _ options: AutocodeOptions) throws -> (CodeTree, Code, [AutocodeMatch], [Int64]) {
        let tree = try CodeTree.load(db)
        let code = try tree.resolve(options.code)
        if code.isRetired { throw CodebookError.retired(code.path) }
        var conditions: [String] = []
        if let group = options.group {
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [group]) else {
                throw ProjectError.unknownGroup(group)
            }
            conditions.append("e.group_id = \(id)")
        }
        if !options.includeModerators { conditions.append("ifnull(p.is_moderator, 0) = 0") }
        let coderId = try coderId(db, options.coder, create: false)
        var matches: [AutocodeMatch] = []
        var ids: [Int64] = []
        switch options.pattern {
        case .regex(let pattern):
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
            } catch {
                throw CodingError.invalidPattern(pattern, reason: "not a valid regular expression")
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT e.id AS eid, \(excerptColumns) FROM excerpts e JOIN groups g ON g.id = e.group_id
                LEFT JOIN participants p ON p.id = e.participant_id \(whereClause) ORDER BY g.position, e.seq
                """)
            while let row = try cursor.next() {
                let text: String = row["text"]
                let ns = text as NSString
                let found = regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).filter { $0.range.length > 0 }
                guard let m = found.first else { continue }
                let spans = found.compactMap { Range($0.range, in: text) }.map { r in
                    Span(start: text.unicodeScalars.distance(from: text.startIndex, to: r.lowerBound),
                         end: text.unicodeScalars.distance(from: text.startIndex, to: r.upperBound))
                }
                let from = max(0, m.range.location - 40), to = min(ns.length, m.range.location + m.range.length + 40)
                let snippet = (from > 0 ? "…" : "") + ns.substring(with: NSRange(location: from, length: m.range.location - from))
                    + SearchHit.highlightStart + ns.substring(with: m.range) + SearchHit.highlightEnd
                    + ns.substring(with: NSRange(location: m.range.location + m.range.length, length: to - m.range.location - m.range.length))
                    + (to < ns.length ? "…" : "")
                matches.append(AutocodeMatch(excerpt: excerptView(row), snippet: snippet.replacingOccurrences(of: "\n", with: " "),
                                             alreadyCoded: false, spans: spans))
                ids.append(row["eid"])
            }
        case .query(let query):
            let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { throw ProjectError.invalidQuery(query: query, reason: "the query is empty") }
            conditions.insert("excerpts_fts MATCH ?", at: 0)
            do {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT e.id AS eid, \(excerptColumns),
                      snippet(excerpts_fts, 0, char(2), char(3), '…', 16) AS snip,
                      highlight(excerpts_fts, 0, char(2), char(3)) AS marked
                    FROM excerpts_fts JOIN excerpts e ON e.id = excerpts_fts.rowid JOIN groups g ON g.id = e.group_id
                    LEFT JOIN participants p ON p.id = e.participant_id
                    WHERE \(conditions.joined(separator: " AND ")) ORDER BY g.position, e.seq
                    """, arguments: [trimmed])
                for row in rows {
                    matches.append(AutocodeMatch(excerpt: excerptView(row), snippet: row["snip"], alreadyCoded: false,
                                                 spans: highlightedSpans(row["marked"])))
                    ids.append(row["eid"])
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                throw ProjectError.invalidQuery(query: query, reason: error.message ?? "syntax error")
            }
        }
        // Already coded: the coder has every passage autocode would code here (or the whole turn) with this code.
        if let coderId {
            for i in matches.indices {
                let targets: [Span?] = options.wholeTurn ? [nil] : matches[i].spans
                matches[i].alreadyCoded = try targets.allSatisfy { span in
                    try Bool.fetchOne(db, sql: """
                        SELECT 1 FROM codings WHERE excerpt_id = ? AND code_id = ? AND coder_id = ? AND span_start IS ? AND span_end IS ?
                        """, arguments: [ids[i], code.rowId, coderId, span?.start, span?.end]) ?? false
                }
            }
        }
        return (tree, code, matches, ids)
    }

    /// The spans (code points) that FTS5's `highlight()` marked with char(2) … char(3) in a turn's text.
    static func highlightedSpans(_ marked: String) -> [Span] {
        var spans: [Span] = []
        var position = 0
        var start: Int?
        for scalar in marked.unicodeScalars {
            switch scalar {
            case "\u{02}": start = position
            case "\u{03}": if let s = start, position > s { spans.append(Span(start: s, end: position)) }; start = nil
            default: position += 1
            }
        }
        return spans
    }
}

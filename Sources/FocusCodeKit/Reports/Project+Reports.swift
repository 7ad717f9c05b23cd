import Foundation
import GRDB
import GRDBSQLite

/// The two dimensions a code matrix can have beside codes.
public enum MatrixDimension: String, Sendable, CaseIterable {
    case participant, group
}

extension Project {
    /// The theme frequency table, broken down by group (the default), participant, attribute or coder.
    public func themeReport(_ options: ReportOptions, by breakdown: ReportBreakdown = .group) throws -> ThemeReport {
        try validate(options)
        return try read { db in
            let data = try ReportData.load(db)
            guard data.tree.count > 0 else { throw ReportError.noCodebook }
            if case .coder = breakdown {
                guard !data.coders.isEmpty else { throw ReportError.noCodings }
                let codings = try data.coders.map { (coder: $0.name, direct: try data.directSets(db, coders: [$0])) }
                let summary = SelectionSummary(kind: "by_coder", coders: data.coders.map(\.name), defaulted: false,
                                               text: "each coder's codings")
                let passages = options.countPassages ? try data.coders.map { try data.directPassages(db, coders: [$0]) } : nil
                return ReportBuilder.themeReport(data: data, options: options, breakdown: breakdown, selection: summary, codings: codings,
                                                 passages: passages)
            }
            let (coders, summary) = try data.resolve(options.selection)
            var values: [String?] = []
            if case .attribute(let name) = breakdown {
                values = try data.attributeValues(db, name: name)
                if values.allSatisfy({ $0 == nil }) {
                    throw ReportError.unknownAttribute(name, known: try ReportData.attributeNames(db))
                }
            }
            let direct = try data.directSets(db, coders: coders)
            let passages = options.countPassages ? [try data.directPassages(db, coders: coders)] : nil
            return ReportBuilder.themeReport(data: data, options: options, breakdown: breakdown, selection: summary,
                                             codings: [(coder: summary.text, direct: direct)], attributeValues: values, passages: passages)
        }
    }

    /// Code × code co-occurrence within excerpts.
    public func cooccurrenceReport(_ options: ReportOptions) throws -> CooccurrenceReport {
        try validate(options)
        return try read { db in
            let data = try ReportData.load(db)
            guard data.tree.count > 0 else { throw ReportError.noCodebook }
            let (coders, summary) = try data.resolve(options.selection)
            let eligible = data.eligibleExcerpts(includeModerator: options.includeModerator)
            let sets = ReportBuilder.countedSets(try data.directSets(db, coders: coders), tree: data.tree, rollUp: options.rollUp,
                                                 eligible: eligible)
            return ReportBuilder.cooccurrence(data: data, options: options, selection: summary, sets: sets)
        }
    }

    /// Codes × participants or groups: excerpt counts, or 0/1 presence.
    public func codeMatrix(_ options: ReportOptions, dimension: MatrixDimension, presence: Bool,
                           codesAsColumns: Bool = false) throws -> CodeMatrixReport {
        let report = try themeReport(options, by: dimension == .participant ? .participant : .group)
        return ReportBuilder.matrix(from: report, presence: presence, codesAsColumns: codesAsColumns)
    }

    /// The top `limit` excerpts of one code (a theme name, a unique code name or a `Theme/Subtheme` path), or of
    /// every theme when `code` is nil, ranked by `ReportBuilder.quoteRule`.
    public func quotesReport(_ options: ReportOptions, code: String? = nil, limit: Int = 5,
                             context: QuoteContext = .passage) throws -> QuotesReport {
        try validate(options)
        guard limit >= 1 else { throw ReportError.invalidLimit(limit) }
        return try read { db in
            let data = try ReportData.load(db)
            guard data.tree.count > 0 else { throw ReportError.noCodebook }
            let targets: [Int]
            if let code { targets = [try Self.findCode(code, in: data.tree)] } else { targets = data.tree.children(of: -1) }
            let (coders, summary) = try data.resolve(options.selection)
            return try Self.quotes(db, data: data, options: options, selection: summary, coders: coders, targets: targets, limit: limit,
                                   context: context)
        }
    }

    /// Everything the HTML page shows: themes by group, codes by participant, theme co-occurrence and quotes per theme.
    public func htmlReport(_ options: ReportOptions, quotesPerTheme: Int = 3, subtitle: String? = nil) throws -> HTMLReportModel {
        try validate(options)
        guard quotesPerTheme >= 1 else { throw ReportError.invalidLimit(quotesPerTheme) }
        return try read { db in
            let data = try ReportData.load(db)
            guard data.tree.count > 0 else { throw ReportError.noCodebook }
            let (coders, summary) = try data.resolve(options.selection)
            let direct = try data.directSets(db, coders: coders)
            let themes = ReportBuilder.themeReport(data: data, options: options, breakdown: .group, selection: summary,
                                                   codings: [(coder: summary.text, direct: direct)])
            var participantOptions = options
            participantOptions.level = options.level ?? 2
            let byParticipant = ReportBuilder.themeReport(data: data, options: participantOptions, breakdown: .participant,
                                                          selection: summary, codings: [(coder: summary.text, direct: direct)])
            var themeOptions = options
            themeOptions.level = 1
            themeOptions.sort = .codebook
            let eligible = data.eligibleExcerpts(includeModerator: options.includeModerator)
            let cooccurrence = ReportBuilder.cooccurrence(
                data: data, options: themeOptions, selection: summary,
                sets: ReportBuilder.countedSets(direct, tree: data.tree, rollUp: options.rollUp, eligible: eligible))
            let quotes = try Self.quotes(db, data: data, options: options, selection: summary, coders: coders,
                                         targets: data.tree.children(of: -1), limit: quotesPerTheme, context: .turn, direct: direct)
            return HTMLReportModel(title: "Theme report", subtitle: subtitle, themes: themes, byParticipant: byParticipant,
                                   cooccurrence: cooccurrence, quotes: quotes)
        }
    }

    private func validate(_ options: ReportOptions) throws {
        if let level = options.level, level < 1 { throw ReportError.invalidLevel(level) }
    }

    /// A code by path (`Theme/Subtheme`, case-insensitive) or by a name that only one code has.
    static func findCode(_ query: String, in tree: ReportCodeTree) throws -> Int {
        let wanted = query.trimmingCharacters(in: .whitespaces)
        func same(_ a: String, _ b: String) -> Bool { a.compare(b, options: .caseInsensitive) == .orderedSame }
        if let exact = tree.codes.firstIndex(where: { same($0.path, wanted) }) { return exact }
        let byName = tree.codes.indices.filter { same(tree.codes[$0].name, wanted) }
        if byName.count == 1 { return byName[0] }
        if byName.count > 1 { throw ReportError.ambiguousCode(query, paths: byName.map { tree.codes[$0].path }) }
        throw ReportError.unknownCode(query)
    }

    /// Quotes for `targets`; `scanAbove` is the number of candidates above which lengths are read in one scan
    /// (a parameter so that tests can check both ways give the same quotes).
    static func quotes(_ db: Database, data: ReportData, options: ReportOptions, selection: SelectionSummary,
                       coders: [ReportData.Coder], targets: [Int], limit: Int, context: QuoteContext = .passage,
                       direct given: [ExcerptBitset]? = nil, scanAbove: Int = 2_000) throws -> QuotesReport {
        let tree = data.tree
        let direct = try given ?? data.directSets(db, coders: coders)
        let eligible = data.eligibleExcerpts(includeModerator: options.includeModerator)
        let sets = ReportBuilder.countedSets(direct, tree: tree, rollUp: options.rollUp, eligible: eligible)
        // Ranking needs every candidate's length and position. A few candidates are looked up one by one; many
        // (a theme in a large project) are read in one pass over the excerpts, which is far cheaper than a lookup each.
        let candidateCount = targets.reduce(0) { $0 + sets[$1].count }
        var words = [Int32](), seqs = [Int32]()
        let scanned = candidateCount > scanAbove && candidateCount > data.excerptCapacity / 32
        if scanned {
            words = Array(repeating: 0, count: data.excerptCapacity)
            seqs = Array(repeating: 0, count: data.excerptCapacity)
            try db.forEachRow("SELECT id, word_count, seq FROM excerpts") { s in
                let id = Int(sqlite3_column_int64(s, 0))
                guard id >= 0, id < words.count else { return }
                words[id] = Int32(clamping: sqlite3_column_int64(s, 1))
                seqs[id] = Int32(clamping: sqlite3_column_int64(s, 2))
            }
        }
        let position = try db.makeStatement(sql: "SELECT word_count, seq FROM excerpts WHERE id = ?")
        let detail = try db.makeStatement(sql: """
            SELECT e.ref, e.text, e.word_count, g.name AS grp, p.pseudonym
            FROM excerpts e JOIN groups g ON g.id = e.group_id LEFT JOIN participants p ON p.id = e.participant_id
            WHERE e.id = ?
            """)
        let passageRows = try db.makeStatement(sql: """
            SELECT code_id, span_start, span_end FROM codings
            WHERE excerpt_id = ? AND coder_id IN (\(coders.map { String($0.id) }.joined(separator: ",")))
            """)
        /// The passages of `id` coded with `code` (or, with roll-up, a code below it) by the selected coders,
        /// merged; nil when one of them covers the whole turn.
        func passages(of id: Int, code: Int) throws -> [Span]? {
            var spans: [Span] = []
            for row in try Row.fetchAll(passageRows, arguments: [id]) {
                let c = Int(row[0] as Int64)
                guard c >= 0, c < tree.indexById.count else { continue }
                let index = Int(tree.indexById[c])
                guard index >= 0, options.rollUp ? tree.contains(code, index) : index == code else { continue }
                guard let start = row[1] as Int?, let end = row[2] as Int? else { return nil }
                spans.append(Span(start: start, end: end))
            }
            spans.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            var merged: [Span] = []
            for span in spans {
                if let last = merged.last, span.start <= last.end { merged[merged.count - 1].end = max(last.end, span.end) } else { merged.append(span) }
            }
            return merged
        }
        var lists: [QuoteList] = []
        for code in targets {
            let mask = ReportBuilder.otherBranches(of: code, tree: tree)
            let branches = mask.indices.filter { mask[$0] }
            var candidates: [ReportBuilder.QuoteCandidate] = []
            candidates.reserveCapacity(sets[code].count)
            try sets[code].forEach { id in
                var others = 0
                for other in branches where direct[other].contains(id) { others += 1 }
                var candidate = ReportBuilder.QuoteCandidate(id: id, others: others, words: 0, group: Int(data.excerptGroup[id]), seq: 0)
                if scanned {
                    candidate.words = Int(words[id])
                    candidate.seq = Int(seqs[id])
                } else {
                    guard let row = try Row.fetchOne(position, arguments: [id]) else { return }
                    candidate.words = row["word_count"]
                    candidate.seq = row["seq"]
                }
                candidates.append(candidate)
            }
            let quotes = try ReportBuilder.rank(candidates, limit: limit).map { candidate -> Quote in
                let row = try Row.fetchOne(detail, arguments: [candidate.id])!
                let others = ReportBuilder.otherCodes(of: candidate.id, mask: mask, direct: direct)
                let turn: String = row["text"]
                let spans = try passages(of: candidate.id, code: code) ?? []
                var text = turn
                if context == .passage, !spans.isEmpty {
                    let scalars = Array(turn.unicodeScalars)
                    text = spans.map { span in
                        let a = min(span.start, scalars.count), b = min(max(span.end, a), scalars.count)
                        return String(String.UnicodeScalarView(scalars[a..<b]))
                    }.joined(separator: " … ")
                }
                return Quote(excerpt: row["ref"], group: row["grp"], participant: row["pseudonym"], words: row["word_count"],
                             otherCodes: others.map { tree.codes[$0].path }, text: text, passages: spans)
            }
            lists.append(QuoteList(code: tree.codes[code], available: candidates.count, quotes: quotes))
        }
        var rules = [ReportBuilder.selectionRule(selection), ReportBuilder.quoteRule, ReportBuilder.rollUpRule(options.rollUp),
                     ReportBuilder.moderatorRule(options.includeModerator)]
        rules.append("Each quote shows the speaker's pseudonym, the group and the excerpt ID (e.g. FG1-0007) for citing.")
        rules.append(context == .passage
            ? "A quote is the passage coded (several passages of one turn joined by \" … \"); a turn coded whole is quoted whole. --context turn shows the whole turn with the passage marked."
            : "A quote is the whole turn with the coded passage marked; a turn coded whole is shown unmarked.")
        let what = targets.count == 1 ? tree.codes[targets[0]].path : "each theme"
        return QuotesReport(title: "Quotes for \(what) — \(selection.text)", selection: selection,
                            includeModerator: options.includeModerator, limit: limit, context: context, lists: lists, rules: rules)
    }
}

extension Project {
    /// The coders who have coded in this project, by name with `consensus` last.
    public func coderNames() throws -> [String] {
        try read { db in try ReportData.load(db).coders.map(\.name) }
    }
}

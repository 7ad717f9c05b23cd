import Foundation
import GRDB

/// Which turns the word tools read.
public struct WordScope: Sendable, Equatable {
    public var group: String?
    public var speaker: String?
    /// Turns coded with this code or any of its subcodes (by `coder` if given, else by anyone).
    public var code: String?
    /// With `code`: whose codings count; alone: turns this coder applied any code to.
    public var coder: String?
    /// Moderator turns are left out unless this is set.
    public var includeModerator: Bool

    public init(group: String? = nil, speaker: String? = nil, code: String? = nil, coder: String? = nil, includeModerator: Bool = false) {
        self.group = group
        self.speaker = speaker
        self.code = code
        self.coder = coder
        self.includeModerator = includeModerator
    }

    /// The scope in words, for captions and errors ("in FG1, coded Impact of Covid-19 by coder_a").
    public var summary: String {
        var parts: [String] = []
        if let group { parts.append("in \(group)") }
        if let speaker { parts.append("by speaker \(speaker)") }
        if let code { parts.append("coded \(code)" + (coder.map { " by \($0)" } ?? " by anyone")) }
        else if let coder { parts.append("coded by \(coder)") }
        if parts.isEmpty { parts.append("in the project") }
        if !includeModerator { parts.append("moderator turns left out") }
        return parts.joined(separator: ", ")
    }
}

/// How word counts are broken down.
public enum WordBreakdown: String, Sendable, CaseIterable, Codable {
    case none, speaker, group, code
}

/// Options of a word-frequency listing.
public struct WordFrequencyOptions: Sendable, Equatable {
    /// 1 for words, 2 for pairs of adjacent words, …
    public var ngram: Int
    /// Terms listed per breakdown value.
    public var top: Int
    public var by: WordBreakdown
    /// Words and phrases left out (stop words, fillers, the user's list).
    public var excluded: WordLists
    /// With `by: .code`: the deepest codebook level listed (nil = every level).
    public var level: Int?

    public init(ngram: Int = 1, top: Int = 20, by: WordBreakdown = .none, excluded: WordLists = .none, level: Int? = nil) {
        self.ngram = ngram
        self.top = top
        self.by = by
        self.excluded = excluded
        self.level = level
    }
}

/// One term of a word-frequency listing.
public struct WordFrequencyRow: Sendable, Equatable, Codable {
    /// The breakdown value (group, speaker or code path); nil without a breakdown.
    public var by: String?
    public var rank: Int
    public var term: String
    /// Occurrences.
    public var count: Int
    /// Turns that contain the term at least once.
    public var turns: Int
    /// `turns` over the turns in scope for this breakdown value.
    public var shareOfTurns: Double
}

/// A word-frequency listing, computed once and rendered as a table.
public struct WordFrequencyReport: Sendable, Equatable {
    public var scope: WordScope
    public var options: WordFrequencyOptions
    /// The breakdown values in order, with the turns in scope for each.
    public var cells: [(value: String?, turns: Int)]
    public var rows: [WordFrequencyRow]

    public static func == (a: Self, b: Self) -> Bool {
        a.scope == b.scope && a.options == b.options && a.rows == b.rows && a.cells.map(\.value) == b.cells.map(\.value)
            && a.cells.map(\.turns) == b.cells.map(\.turns)
    }
}

/// One keyword-in-context line.
public struct KeywordInContextLine: Sendable, Equatable, Codable {
    public var excerpt: String
    public var group: String
    public var speaker: String?
    /// Up to `width` characters before the match, on one line (`…` where cut).
    public var left: String
    /// The match as written.
    public var keyword: String
    /// Up to `width` characters after the match.
    public var right: String
}

/// A pattern of one or more words; `*` in a word stands for any run of characters ("isolat*", "*work").
public struct WordPattern: Sendable, Equatable {
    public let words: [String]

    public init(_ text: String) throws {
        let parts = text.split(whereSeparator: \.isWhitespace).map { WordTokenizer.fold(String($0)) }
        guard !parts.isEmpty, parts.contains(where: { $0.contains(where: { $0 != "*" }) }) else { throw TextAnalysisError.emptyPattern }
        words = parts
    }

    /// Whether the tokens starting at `start` match (within one sentence).
    func matches(_ tokens: [WordToken], at start: Int) -> Bool {
        guard start + words.count <= tokens.count else { return false }
        for (k, word) in words.enumerated() {
            if k > 0, tokens[start + k].afterBreak { return false }
            if !Self.glob(word, tokens[start + k].term) { return false }
        }
        return true
    }

    /// `*` matches any run of characters (including none); everything else matches itself.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        if !pattern.contains("*") { return pattern == text }
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] != "*", p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

extension Project {
    /// The turns in scope, in transcript order.
    public func wordScopeTurns(_ scope: WordScope) throws -> [ExcerptView] {
        let all = try excerpts(ExcerptFilter(group: scope.group, speaker: scope.speaker, code: scope.code, coder: scope.coder))
        return scope.includeModerator ? all : all.filter { !$0.isModerator }
    }

    /// Term counts in the turns of a scope: occurrences, turns containing the term, and their share of the turns,
    /// overall or per group, speaker or code; the top terms of each, most frequent first (ties: more turns, then A–Z).
    public func wordFrequencies(_ scope: WordScope = WordScope(), options: WordFrequencyOptions = WordFrequencyOptions()) throws -> WordFrequencyReport {
        guard options.ngram >= 1, options.ngram <= 5 else { throw TextAnalysisError.invalidOption("--ngram must be 1 to 5.") }
        guard options.top >= 1 else { throw TextAnalysisError.invalidOption("--top must be at least 1.") }
        if let level = options.level, level < 1 { throw TextAnalysisError.invalidOption("--level must be at least 1.") }
        let turns = try wordScopeTurns(scope)
        if turns.isEmpty { throw TextAnalysisError.noTurns(scope: scope.summary) }
        var termsOfTurn: [String: [String]] = [:]
        for turn in turns { termsOfTurn[turn.ref] = options.excluded.terms(WordTokenizer.tokens(turn.text), ngram: options.ngram) }

        var cells: [(value: String?, refs: [String])] = []
        switch options.by {
        case .none:
            cells = [(nil, turns.map(\.ref))]
        case .group:
            var order: [String] = []
            var byGroup: [String: [String]] = [:]
            for turn in turns {
                if byGroup[turn.group] == nil { order.append(turn.group) }
                byGroup[turn.group, default: []].append(turn.ref)
            }
            cells = order.map { ($0, byGroup[$0]!) }
        case .speaker:
            var byspeaker: [String: [String]] = [:]
            for turn in turns { byspeaker[turn.speaker ?? "(no speaker)", default: []].append(turn.ref) }
            cells = byspeaker.keys.sorted { $0.localizedStandardCompare($1) == .orderedAscending }.map { ($0, byspeaker[$0]!) }
        case .code:
            let inScope = Set(turns.map(\.ref))
            let tree = try codebook()
            for code in tree.codes where !code.isRetired && (options.level.map { code.depth < $0 } ?? true) {
                let coded = try excerpts(ExcerptFilter(code: code.path, coder: scope.coder)).map(\.ref).filter(inScope.contains)
                if !coded.isEmpty { cells.append((code.path, coded)) }
            }
        }

        var rows: [WordFrequencyRow] = []
        for cell in cells {
            var count: [String: Int] = [:]
            var inTurns: [String: Int] = [:]
            for ref in cell.refs {
                let terms = termsOfTurn[ref] ?? []
                for term in terms { count[term, default: 0] += 1 }
                for term in Set(terms) { inTurns[term, default: 0] += 1 }
            }
            let ranked = count.keys.sorted { a, b in
                let (ca, cb) = (count[a]!, count[b]!)
                if ca != cb { return ca > cb }
                let (ta, tb) = (inTurns[a]!, inTurns[b]!)
                if ta != tb { return ta > tb }
                return a < b
            }
            for (i, term) in ranked.prefix(options.top).enumerated() {
                rows.append(WordFrequencyRow(by: cell.value, rank: i + 1, term: term, count: count[term]!, turns: inTurns[term]!,
                                             shareOfTurns: Double(inTurns[term]!) / Double(cell.refs.count)))
            }
        }
        return WordFrequencyReport(scope: scope, options: options, cells: cells.map { ($0.value, $0.refs.count) }, rows: rows)
    }

    /// Every occurrence of a word pattern in the turns of a scope, with `width` characters of context on each side.
    public func keywordsInContext(_ pattern: String, scope: WordScope = WordScope(), width: Int = 40, limit: Int? = nil) throws -> [KeywordInContextLine] {
        let pattern = try WordPattern(pattern)
        guard width >= 1 else { throw TextAnalysisError.invalidOption("--width must be at least 1.") }
        if let limit, limit < 1 { throw TextAnalysisError.invalidOption("--limit must be at least 1.") }
        var lines: [KeywordInContextLine] = []
        for turn in try wordScopeTurns(scope) {
            let tokens = WordTokenizer.tokens(turn.text)
            var start = 0
            while start < tokens.count {
                guard pattern.matches(tokens, at: start) else { start += 1; continue }
                let last = tokens[start + pattern.words.count - 1]
                let lower = tokens[start].range.lowerBound, upper = last.range.upperBound
                lines.append(KeywordInContextLine(
                    excerpt: turn.ref, group: turn.group, speaker: turn.speaker,
                    left: Self.context(turn.text[turn.text.startIndex..<lower], width: width, fromEnd: true),
                    keyword: String(turn.text[lower..<upper]),
                    right: Self.context(turn.text[upper..<turn.text.endIndex], width: width, fromEnd: false)))
                if let limit, lines.count >= limit { return lines }
                start += pattern.words.count
            }
        }
        return lines
    }

    /// Context on one line: whitespace runs as one space, cut to `width` characters with `…` where cut.
    static func context(_ text: Substring, width: Int, fromEnd: Bool) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let edge = fromEnd ? (text.last?.isWhitespace == true ? " " : "") : (text.first?.isWhitespace == true ? " " : "")
        let line = fromEnd ? flat + edge : edge + flat
        guard line.count > width else { return line }
        return fromEnd ? "…" + String(line.suffix(width - 1)) : String(line.prefix(width - 1)) + "…"
    }
}

import Foundation

// The report models: computed once by `ReportBuilder` (through `Project+Reports`), then rendered by
// one renderer per format. Every number a renderer shows is already here; renderers only lay out.

/// Which codings a report counts. Exactly one is chosen; see `Project.resolveSelection`.
public enum CodingSelection: Sendable, Equatable, Hashable {
    /// One coder's codings, by name.
    case coder(String)
    /// The reconciled coding: the reserved coder `consensus`.
    case consensus
    /// An excerpt counts for a code if any coder (other than `consensus`) applied it.
    case union
}

/// The columns a theme report breaks its counts down by.
public enum ReportBreakdown: Sendable, Equatable, Hashable {
    /// One column per focus group (the study's table).
    case group
    /// One column per participant (pseudonym).
    case participant
    /// One column per value of a participant attribute, e.g. `gender`.
    case attribute(String)
    /// One column per coder; the coding selection does not apply.
    case coder

    /// Parses `group`, `participant`, `coder` or `attribute:NAME`.
    public init?(argument: String) {
        switch argument {
        case "group": self = .group
        case "participant": self = .participant
        case "coder": self = .coder
        default:
            guard argument.hasPrefix("attribute:"), argument.count > "attribute:".count else { return nil }
            self = .attribute(String(argument.dropFirst("attribute:".count)))
        }
    }

    /// The form `init(argument:)` reads.
    public var argument: String {
        switch self {
        case .group: return "group"
        case .participant: return "participant"
        case .coder: return "coder"
        case .attribute(let name): return "attribute:\(name)"
        }
    }
}

/// The order of codes in a report.
public enum ThemeSort: String, Sendable, CaseIterable, Codable {
    /// The codebook's order (themes by position, each followed by its subthemes).
    case codebook
    /// Most excerpts first among siblings (ties in codebook order); subthemes stay under their theme.
    case frequency
}

/// How a report counts. Shared by every report kind.
public struct ReportOptions: Sendable, Equatable {
    /// Which codings count; `nil` is allowed only when the project has exactly one coder.
    public var selection: CodingSelection?
    /// Count moderators' excerpts and moderators as participants (off by default).
    public var includeModerator: Bool
    /// A code counts an excerpt when the code or any of its descendants applies (on by default).
    public var rollUp: Bool
    /// The deepest level shown: 1 = themes only, 2 = themes and subthemes; `nil` = every level.
    public var level: Int?
    /// Codebook order or frequency.
    public var sort: ThemeSort
    /// The theme table also counts coded passages (off by default: it counts turns and participants).
    public var countPassages: Bool

    public init(selection: CodingSelection? = nil, includeModerator: Bool = false, rollUp: Bool = true,
                level: Int? = nil, sort: ThemeSort = .codebook, countPassages: Bool = false) {
        self.selection = selection
        self.includeModerator = includeModerator
        self.rollUp = rollUp
        self.level = level
        self.sort = sort
        self.countPassages = countPassages
    }
}

/// A code as reports show it.
public struct ReportCode: Sendable, Equatable, Codable {
    /// The code's stable ID.
    public var uid: String
    /// `Theme/Subtheme`.
    public var path: String
    public var name: String
    /// 1 for a theme, 2 for a subtheme, …
    public var level: Int
    /// The code's own colour, else its nearest ancestor's (`#RRGGBB`), else nil.
    public var colour: String?
    /// Hidden from new coding but kept for history; still counted.
    public var retired: Bool
}

/// The coding a report counted, in words and names.
public struct SelectionSummary: Sendable, Equatable, Codable {
    /// `coder`, `consensus` or `union` (or `by_coder` for a breakdown by coder).
    public var kind: String
    /// The coders whose codings were read.
    public var coders: [String]
    /// True when no selection was given and the project's only coder was used.
    public var defaulted: Bool
    /// One sentence for captions, e.g. "coder_a's codings".
    public var text: String
}

/// One column of a breakdown (a group, a participant, an attribute value, a coder) or the total.
public struct ReportColumn: Sendable, Equatable, Codable {
    /// A stable key for CSV headers and JSON (the group name, pseudonym, attribute value or coder).
    public var key: String
    /// The heading for people.
    public var title: String
    /// The denominator of shares: excerpts counted in this column (participant excerpts; moderators' too with
    /// `includeModerator`).
    public var excerpts: Int
    /// N of "n of N": the distinct participants with at least one counted excerpt in this column.
    public var participants: Int
}

/// The counts of one code in one column.
public struct ThemeCell: Sendable, Equatable, Codable {
    /// Distinct excerpts coded (an excerpt counts once per code).
    public var excerpts: Int
    /// `excerpts` ÷ the column's excerpts; nil when the column has none.
    public var share: Double?
    /// Distinct participants with at least one coded excerpt (n of the column's N).
    public var participants: Int
    /// Distinct coded passages (a span of a turn, or a whole turn), when the report counts them; else nil.
    public var passages: Int?

    public init(excerpts: Int, share: Double?, participants: Int, passages: Int? = nil) {
        self.excerpts = excerpts
        self.share = share
        self.participants = participants
        self.passages = passages
    }
}

/// One code's row: a cell per column and the total.
public struct ThemeRow: Sendable, Equatable, Codable {
    public var code: ReportCode
    public var cells: [ThemeCell]
    /// The "all" column; nil in a breakdown by coder.
    public var total: ThemeCell?
}

/// The theme frequency table: codes × columns, with the rules it was counted by.
public struct ThemeReport: Sendable, Equatable, Codable {
    /// A one-line title, e.g. "Theme frequencies by group — coder_a's codings".
    public var title: String
    public var selection: SelectionSummary
    /// `group`, `participant`, `attribute:NAME` or `coder`.
    public var breakdown: String
    /// The heading over the breakdown's columns ("Group", "Participant", "gender", "Coder").
    public var breakdownTitle: String
    public var rollUp: Bool
    public var includeModerator: Bool
    public var level: Int?
    public var sort: ThemeSort
    /// Whether the cells count passages too.
    public var countPassages: Bool = false
    public var columns: [ReportColumn]
    /// The "all" column; nil in a breakdown by coder.
    public var total: ReportColumn?
    public var rows: [ThemeRow]
    /// The counting rules in full sentences, for captions, legends and JSON.
    public var rules: [String]
}

/// Code co-occurrence: for each pair of codes, the excerpts coded with both.
public struct CooccurrenceReport: Sendable, Equatable, Codable {
    public var title: String
    public var selection: SelectionSummary
    public var rollUp: Bool
    public var includeModerator: Bool
    public var codes: [ReportCode]
    /// `counts[i][j]`: excerpts coded with both code i and code j; the diagonal is the excerpts coded with code i.
    /// Nil where one code contains the other under roll-up (they co-occur by construction).
    public var counts: [[Int?]]
    /// The pairs of codes of the same level with at least one shared excerpt, most first (ties in codebook order).
    public var pairs: [CooccurrencePair]
    public var rules: [String]
}

/// One pair of codes and the excerpts coded with both.
public struct CooccurrencePair: Sendable, Equatable, Codable {
    public var first: String
    public var second: String
    public var excerpts: Int
}

/// A matrix of codes against participants or groups: excerpt counts, or 0/1 presence.
public struct CodeMatrixReport: Sendable, Equatable, Codable {
    public var title: String
    public var selection: SelectionSummary
    /// `participant` or `group`.
    public var dimension: String
    /// True for 0/1 presence (the participant raised the code / the code came up in the group).
    public var presence: Bool
    /// True when the codes are the matrix's columns rather than its rows.
    public var codesAsColumns: Bool
    public var codes: [ReportCode]
    public var columns: [ReportColumn]
    /// `values[code][column]`.
    public var values: [[Int]]
    public var rules: [String]
}

/// The top excerpts of one code, as evidence for the write-up.
public struct QuoteList: Sendable, Equatable, Codable {
    public var code: ReportCode
    /// Excerpts counted for the code in all (before the limit).
    public var available: Int
    public var quotes: [Quote]
}

/// What a quote shows of its turn.
public enum QuoteContext: String, Sendable, CaseIterable, Codable {
    /// The coded passage(s) alone (the whole turn when it was coded whole).
    case passage
    /// The whole turn, with the coded passages marked.
    case turn
}

/// One quoted excerpt.
public struct Quote: Sendable, Equatable, Codable {
    /// The excerpt's stable ID, e.g. `FG1-0012`.
    public var excerpt: String
    public var group: String
    /// The speaker's pseudonym; nil for a paragraph without a speaker.
    public var participant: String?
    /// Words of the turn (the ranking uses them).
    public var words: Int
    /// Codes applied to the excerpt outside this code's branch (paths), which rank it lower.
    public var otherCodes: [String]
    /// What is quoted: the coded passages (joined by " … " when there are several), or the whole turn when it was
    /// coded whole or when the report shows the turn as context.
    public var text: String
    /// The coded passages in the turn (code points, merged where they overlap); empty when the turn was coded whole.
    public var passages: [Span] = []

    /// `text` in pieces, the coded passages marked, for renderers that emphasise them (context `turn`).
    public func pieces(_ context: QuoteContext) -> [(text: String, marked: Bool)] {
        guard context == .turn, !passages.isEmpty else { return [(text, false)] }
        let scalars = Array(text.unicodeScalars)
        var out: [(String, Bool)] = []
        var at = 0
        func piece(_ a: Int, _ b: Int, _ marked: Bool) {
            let a = min(max(a, 0), scalars.count), b = min(max(b, a), scalars.count)
            if b > a { out.append((String(String.UnicodeScalarView(scalars[a..<b])), marked)) }
        }
        for span in passages {
            piece(at, span.start, false)
            piece(span.start, span.end, true)
            at = max(at, span.end)
        }
        piece(at, scalars.count, false)
        return out
    }
}

/// Quotes for one or more codes.
public struct QuotesReport: Sendable, Equatable, Codable {
    public var title: String
    public var selection: SelectionSummary
    public var includeModerator: Bool
    public var limit: Int
    /// The passage alone, or the whole turn with the passage marked.
    public var context: QuoteContext = .passage
    public var lists: [QuoteList]
    public var rules: [String]
}

/// Everything the HTML page shows, computed once.
public struct HTMLReportModel: Sendable, Equatable {
    /// The page title.
    public var title: String
    /// A line under the title, e.g. the project file's name; nil to leave it out.
    public var subtitle: String?
    /// Themes and subthemes by group (the study's table).
    public var themes: ThemeReport
    /// Codes × participants (the heat map).
    public var byParticipant: ThemeReport
    /// Theme × theme co-occurrence.
    public var cooccurrence: CooccurrenceReport
    /// Quotes per theme.
    public var quotes: QuotesReport
    /// The most frequent words per group (a chart after the quotes); nil leaves the section out.
    public var words: WordFrequencyReport? = nil
}

// JSON: undefined values are written as null rather than left out, so every key is always there.

extension ThemeCell {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(excerpts, forKey: .excerpts)
        try c.encode(share, forKey: .share)
        try c.encode(participants, forKey: .participants)
        try c.encode(passages, forKey: .passages)
    }
}

extension ThemeRow {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(cells, forKey: .cells)
        try c.encode(total, forKey: .total)
    }
}

extension ReportCode {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(uid, forKey: .uid)
        try c.encode(path, forKey: .path)
        try c.encode(name, forKey: .name)
        try c.encode(level, forKey: .level)
        try c.encode(colour, forKey: .colour)
        try c.encode(retired, forKey: .retired)
    }
}

extension ThemeReport {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(title, forKey: .title)
        try c.encode(selection, forKey: .selection)
        try c.encode(breakdown, forKey: .breakdown)
        try c.encode(breakdownTitle, forKey: .breakdownTitle)
        try c.encode(rollUp, forKey: .rollUp)
        try c.encode(includeModerator, forKey: .includeModerator)
        try c.encode(level, forKey: .level)
        try c.encode(sort, forKey: .sort)
        try c.encode(countPassages, forKey: .countPassages)
        try c.encode(columns, forKey: .columns)
        try c.encode(total, forKey: .total)
        try c.encode(rows, forKey: .rows)
        try c.encode(rules, forKey: .rules)
    }
}

extension Quote {
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(excerpt, forKey: .excerpt)
        try c.encode(group, forKey: .group)
        try c.encode(participant, forKey: .participant)
        try c.encode(words, forKey: .words)
        try c.encode(otherCodes, forKey: .otherCodes)
        try c.encode(text, forKey: .text)
        try c.encode(passages, forKey: .passages)
    }
}

import Foundation

/// What an agreement report is about: the facts its caption, legend and JSON state beside the numbers.
public struct AgreementContext: Sendable, Equatable {
    /// Where the data came from: `project <path>` or `codings <file>, …`.
    public var source: String
    /// Units (excerpts) analysed.
    public var units: Int
    /// Coders in pair order.
    public var coders: [String]
    /// Groups whose excerpts are the units (project mode), else nil.
    public var groups: [String]?
    /// Whether moderator turns are units (project mode), else nil.
    public var includesModerator: Bool?
    /// The deepest codebook level analysed (1 = themes), nil = all.
    public var level: Int?
    /// Whether code variables roll their sub-codes up (project mode).
    public var rollUp: Bool
    /// What one unit is: an excerpt (turn) or a character of the turns' text.
    public var unit: AgreementUnit = .turn
    /// Lines the legend adds after the value rule (what the unit counts, how much text no one coded).
    public var notes: [String] = []

    public init(source: String, units: Int, coders: [String], groups: [String]? = nil, includesModerator: Bool? = nil,
                level: Int? = nil, rollUp: Bool = false) {
        self.source = source
        self.units = units
        self.coders = coders
        self.groups = groups
        self.includesModerator = includesModerator
        self.level = level
        self.rollUp = rollUp
    }

    /// One line saying what was analysed.
    public var caption: String {
        var parts = ["Agreement on \(units) \(unitWord)\(units == 1 ? "" : "s")"]
        if let groups {
            var where_ = "groups \(groups.joined(separator: ", "))"
            if let moderator = includesModerator { where_ += moderator ? ", moderator turns included" : ", moderator turns left out" }
            parts[0] += " (\(where_))"
        }
        parts.append("coders \(coders.joined(separator: ", "))")
        if let level { parts.append(level == 1 ? "themes only (level 1)" : "codes down to level \(level)") }
        parts.append(source)
        return parts.joined(separator: " · ")
    }

    /// What one unit is: an excerpt of a project, or a unit of a codings file.
    public var unitWord: String { unit == .character ? "character" : groups == nil ? "unit" : "excerpt" }

    /// How each variable's values are built, for the legend.
    public var valueRule: String {
        if unit == .character {
            return "Unit: the character (Unicode code point) of the turns in scope. Per code, a coder's value for a character is 1 if a passage they coded with the code covers it — for a theme, also a passage coded with any of its subthemes (roll-up); a whole-turn coding covers the whole turn — and 0 otherwise. The consensus coder is never a rater."
        }
        if rollUp {
            return "Unit: the excerpt. Per code, a coder's value is 1 if they applied the code — for a theme (any code with sub-codes), also if they applied any of its subthemes (roll-up) — 0 if they reviewed the excerpt without applying it, missing if they never reviewed it. Subthemes without sub-codes count their own codings only. The consensus coder is never a rater."
        }
        return "Unit: the unit ID of the file. Per code, a coder's value is 1 if a row gives the code, 0 if the coder has a row for the unit without it (an empty code = saw it, applied none), missing if the coder has no row for the unit."
    }
}

/// A report with its context: what renderers print.
public struct AgreementDocument: Sendable, Equatable {
    public var context: AgreementContext
    public var report: AgreementReport
    public init(context: AgreementContext, report: AgreementReport) {
        self.context = context
        self.report = report
    }
}

/// The formats of agreement output.
public enum AgreementOutputFormat: String, Sendable, CaseIterable {
    case table, csv, json, md

    /// The renderer for this format.
    public func renderer(maxWidth: Int = 120) -> any AgreementReportRenderer {
        switch self {
        case .table: return AgreementTerminalRenderer(maxWidth: maxWidth)
        case .csv: return AgreementCSVRenderer()
        case .json: return AgreementJSONRenderer()
        case .md: return AgreementMarkdownRenderer()
        }
    }
}

/// Renders an agreement report in one format; renderers format, they never compute.
public protocol AgreementReportRenderer {
    func render(_ document: AgreementDocument) -> String
}

/// Number formatting shared by the renderers for people.
enum AgreementFormatting {
    static func number(_ value: Double) -> String { String(format: "%.3f", value == 0 ? 0 : value) }

    static func interval(_ row: AgreementCoefficientResult) -> String {
        guard let ci = row.ci else { return "" }
        guard let lower = ci.lower, let upper = ci.upper else { return "undefined in every resample" }
        var text = "[\(number(lower)), \(number(upper))]"
        if ci.undefinedResamples > 0 { text += " (\(ci.undefinedResamples)/\(ci.resamples) undefined)" }
        return text
    }

    static func value(_ row: AgreementCoefficientResult) -> String {
        guard let value = row.value else { return "not computable — \(row.reason ?? "undefined")" }
        return number(value) + (row.prevalenceWarning ? " ⚠" : "")
    }

    /// Legend lines (without bullets) shared by the terminal and Markdown renderers.
    static func legend(_ document: AgreementDocument) -> [String] {
        let report = document.report
        var lines = [document.context.valueRule] + document.context.notes
        if report.variables.contains(where: { $0.kind == .pooled }) {
            lines.append("pooled: every code variable above stacked into one binary variable; its unit is the \(document.context.unitWord) × code cell\(document.context.rollUp && document.context.level != 1 ? " (with roll-up a subtheme's coding also counts in its theme's row, so it enters the pool twice; --level 1 pools themes alone)" : "").")
        }
        if report.variables.contains(where: { $0.kind == .nominal }) {
            lines.append("nominal: a mutually exclusive set of codes as one variable whose value is the code applied; a coder who applied none of them has no value there (the binary variables count that).")
        }
        if document.context.unit == .character {
            lines.append("n: the characters that entered each coefficient (every character in scope: at this unit no value is missing).")
        } else {
            lines.append("n: the units that entered each coefficient (pairs: units both coders reviewed; complete cases: units every coder reviewed; others: units with two or more values). Missing values are never a category.")
        }
        lines.append("⚠ prevalence warning: under \(Int((report.options.prevalenceThreshold * 100).rounded()))% of the values are in the rarer category, so chance-corrected coefficients (κ, π, α) can be low despite high agreement; read them beside percent agreement and AC1.")
        lines.append("not computable: the coefficient is undefined for these data (the reason is given); it is never shown as 0, 1 or NaN.")
        if report.options.bootstrapResamples > 0 {
            let o = report.options
            lines.append("CI: \(Int((o.confidenceLevel * 100).rounded()))% percentile bootstrap over \(document.context.unitWord)s, \(o.bootstrapResamples) resamples, seed \(o.seed) (the same seed gives the same intervals); resamples where a coefficient is undefined are left out and counted.")
        }
        let used = AgreementCoefficient.allCases.filter { c in report.variables.contains { $0.coefficients.contains { $0.coefficient == c } } }
        for coefficient in used { lines.append("\(coefficient.displayName): \(coefficient.formula)") }
        return lines
    }
}

/// Aligned blocks for a terminal: one per variable, one line per coefficient, then the legend.
public struct AgreementTerminalRenderer: AgreementReportRenderer {
    public var maxWidth: Int
    public init(maxWidth: Int = 120) { self.maxWidth = maxWidth }

    public func render(_ document: AgreementDocument) -> String {
        let report = document.report
        var out = document.context.caption + "\n"
        if report.variables.isEmpty { return out + "\n(no variables: no codes in scope)\n" }
        let bootstrapped = report.options.bootstrapResamples > 0
        let ciTitle = "\(Int((report.options.confidenceLevel * 100).rounded()))% CI"
        let all = report.variables.flatMap(\.coefficients)
        let nameWidth = max("coefficient".count, all.map { $0.coefficient.displayName.count }.max() ?? 0)
        let pairWidth = max("pair".count, all.map { ($0.pair ?? "").count }.max() ?? 0)
        let nWidth = max("n".count, all.map { String($0.nUnits).count }.max() ?? 0)
        let valueWidth = 7
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        func padLeft(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        for variable in report.variables {
            let word = document.context.unitWord
            let unit = variable.kind == .pooled ? "\(word) × code cells" : "\(word)s"
            out += "\n\(variable.variable)  (\(variable.kind.rawValue), \(variable.unitCount) \(unit))\n"
            var header = "  " + pad("coefficient", nameWidth) + "  " + pad("pair", pairWidth) + "  " + padLeft("n", nWidth) + "  " + pad("value", valueWidth)
            if bootstrapped { header += "  " + ciTitle }
            out += header.trimmingTrailingSpaces() + "\n"
            for row in variable.coefficients {
                var line = "  " + pad(row.coefficient.displayName, nameWidth) + "  " + pad(row.pair ?? "", pairWidth) + "  "
                    + padLeft(String(row.nUnits), nWidth) + "  "
                if row.value != nil {
                    line += pad(AgreementFormatting.value(row), valueWidth)
                    if bootstrapped { line += "  " + AgreementFormatting.interval(row) }
                } else {
                    // The reason runs on below the value column rather than past the screen's edge.
                    let indent = String(repeating: " ", count: line.count)
                    let room = max(30, maxWidth - line.count)
                    line += Self.wrapWords(AgreementFormatting.value(row), width: room).joined(separator: "\n" + indent)
                }
                out += line.trimmingTrailingSpaces() + "\n"
            }
        }
        out += "\nLegend\n"
        for line in AgreementFormatting.legend(document) { out += wrap("• " + line, indent: "  ") }
        return out
    }

    /// Words of `text` in lines of at most `width` characters (a longer word gets a line of its own).
    static func wrapWords(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty { current = String(word) } else if current.count + 1 + word.count <= width { current += " " + word } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.isEmpty ? [""] : lines
    }

    private func wrap(_ text: String, indent: String) -> String {
        let width = max(40, maxWidth)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if candidate.count > width && !current.isEmpty {
                lines.append(current)
                current = indent + word
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The machine-readable CSV of PRODUCT.md §7: `variable,coefficient,pair,value,status,n_units`.
public struct AgreementCSVRenderer: AgreementReportRenderer {
    public init() {}
    public func render(_ document: AgreementDocument) -> String {
        document.report.csvRows().joined(separator: "\n") + "\n"
    }
}

/// A Markdown table (one row per coefficient) and the legend as a list.
public struct AgreementMarkdownRenderer: AgreementReportRenderer {
    public init() {}
    public func render(_ document: AgreementDocument) -> String {
        let report = document.report
        let bootstrapped = report.options.bootstrapResamples > 0
        var out = "**\(Self.escape(document.context.caption))**\n\n"
        var header = ["variable", "coefficient", "pair", "n", "value"]
        if bootstrapped { header.append("\(Int((report.options.confidenceLevel * 100).rounded()))% CI") }
        out += "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.indices.map { [3, 4].contains($0) ? "---:|" : "---|" }.joined() + "\n"
        for variable in report.variables {
            for (i, row) in variable.coefficients.enumerated() {
                var cells = [i == 0 ? "`\(variable.variable)`" : "", row.coefficient.displayName, row.pair ?? "", String(row.nUnits),
                             AgreementFormatting.value(row)]
                if bootstrapped { cells.append(AgreementFormatting.interval(row)) }
                out += "| " + cells.map(Self.escape).joined(separator: " | ") + " |\n"
            }
        }
        out += "\n"
        for line in AgreementFormatting.legend(document) { out += "- " + Self.escape(line) + "\n" }
        return out
    }

    /// Pipes and line breaks would break a table row.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}

/// The report model as JSON: every coefficient with its value (null when undefined, with the reason), n, formula and CI.
public struct AgreementJSONRenderer: AgreementReportRenderer {
    public init() {}
    public func render(_ document: AgreementDocument) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(JSONDocument(document))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Explicit `encode` (not `encodeIfPresent`) so that an undefined value is `null`, not a missing key.
    struct JSONDocument: Encodable {
        let document: AgreementDocument
        init(_ document: AgreementDocument) { self.document = document }

        enum Keys: String, CodingKey { case source, unit, units, coders, groups, moderator_turns_included, level, roll_up, values, options, variables, legend }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            let context = document.context
            try c.encode(context.source, forKey: .source)
            try c.encode(context.unitWord, forKey: .unit)
            try c.encode(context.units, forKey: .units)
            try c.encode(context.coders, forKey: .coders)
            try c.encode(context.groups, forKey: .groups)
            try c.encode(context.includesModerator, forKey: .moderator_turns_included)
            try c.encode(context.level, forKey: .level)
            try c.encode(context.rollUp, forKey: .roll_up)
            try c.encode(context.valueRule, forKey: .values)
            try c.encode(document.report.options, forKey: .options)
            try c.encode(document.report.variables.map(Variable.init), forKey: .variables)
            try c.encode(AgreementFormatting.legend(document), forKey: .legend)
        }
    }

    struct Variable: Encodable {
        let v: AgreementVariableResult
        init(_ v: AgreementVariableResult) { self.v = v }
        enum Keys: String, CodingKey { case variable, kind, unit, unit_count, coders, categories, coefficients }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(v.variable, forKey: .variable)
            try c.encode(v.kind, forKey: .kind)
            try c.encode(v.unitOfAnalysis, forKey: .unit)
            try c.encode(v.unitCount, forKey: .unit_count)
            try c.encode(v.coders, forKey: .coders)
            try c.encode(v.categories, forKey: .categories)
            try c.encode(v.coefficients.map(Coefficient.init), forKey: .coefficients)
        }
    }

    struct Coefficient: Encodable {
        let r: AgreementCoefficientResult
        init(_ r: AgreementCoefficientResult) { self.r = r }
        enum Keys: String, CodingKey {
            case coefficient, name, pair, value, status, reason, n_units, n_coders, n_values, formula, ci, minority_share, prevalence_warning
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(r.coefficient, forKey: .coefficient)
            try c.encode(r.coefficient.displayName, forKey: .name)
            try c.encode(r.pair, forKey: .pair)
            try c.encode(r.value, forKey: .value)
            try c.encode(r.status, forKey: .status)
            try c.encode(r.reason, forKey: .reason)
            try c.encode(r.nUnits, forKey: .n_units)
            try c.encode(r.nCoders, forKey: .n_coders)
            try c.encode(r.nValues, forKey: .n_values)
            try c.encode(r.formula, forKey: .formula)
            try c.encode(r.ci, forKey: .ci)
            try c.encode(r.minorityShare, forKey: .minority_share)
            try c.encode(r.prevalenceWarning, forKey: .prevalence_warning)
        }
    }
}

/// Tables for the other agreement outputs: the disagreement list, a one-line-per-variable summary, reconcile decisions.
public enum AgreementTables {
    /// One row per excerpt × code where coders differ.
    public static func disagreements(_ list: [AgreementDisagreement]) -> Table {
        let withText = list.contains { $0.group != nil }
        var columns = [Column("excerpt")]
        if withText { columns += [Column("group"), Column("speaker")] }
        columns += [Column("code"), Column("applied_by", "applied by"), Column("not_applied_by", "not applied by"),
                    Column("not_reviewed_by", "not reviewed by")]
        if withText { columns.append(Column("text", wide: true)) }
        let rows: [[Cell]] = list.map { d in
            var row: [Cell] = [.text(d.unit)]
            if withText { row += [Cell(d.group), Cell(d.speaker)] }
            row += [.text(d.code), .text(d.appliedBy.joined(separator: "; ")), .text(d.notAppliedBy.joined(separator: "; ")),
                    .text(d.notReviewedBy.joined(separator: "; "))]
            if withText { row.append(Cell(d.snippet)) }
            return row
        }
        let units = Set(list.map(\.unit)).count
        return Table(columns: columns, rows: rows,
                     caption: "\(list.count) disagreement\(list.count == 1 ? "" : "s") on \(units) excerpt\(units == 1 ? "" : "s"): the coders who reviewed the excerpt differ on the code (a theme counts as applied when any of its subthemes is)")
    }

    /// The disagreement list as JSON, names as arrays.
    public static func disagreementsJSON(_ list: [AgreementDisagreement]) -> String {
        struct Row: Encodable {
            let d: AgreementDisagreement
            enum Keys: String, CodingKey { case excerpt, group, speaker, code, applied_by, not_applied_by, not_reviewed_by, text }
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(d.unit, forKey: .excerpt)
                try c.encode(d.group, forKey: .group)
                try c.encode(d.speaker, forKey: .speaker)
                try c.encode(d.code, forKey: .code)
                try c.encode(d.appliedBy, forKey: .applied_by)
                try c.encode(d.notAppliedBy, forKey: .not_applied_by)
                try c.encode(d.notReviewedBy, forKey: .not_reviewed_by)
                try c.encode(d.snippet, forKey: .text)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(list.map(Row.init))) ?? Data("[]".utf8), as: UTF8.self) + "\n"
    }

    /// One row per variable: n and the headline coefficients with their intervals.
    public static func summary(_ report: AgreementReport) -> Table {
        let headline: [(AgreementCoefficient, String, String)] = [
            (.percentAgreementPairwiseMean, "percent_agreement", "% agreement"),
            (.cohenKappaMeanOverPairs, "cohen_kappa", "Cohen's κ (mean)"),
            (.krippendorffAlphaNominal, "krippendorff_alpha", "Krippendorff's α"),
            (.gwetAC1, "gwet_ac1", "Gwet's AC1"),
        ]
        let columns = [Column("variable"), Column("n_units", "n")] + headline.map { Column($0.1, $0.2) }
        let rows: [[Cell]] = report.variables.map { variable in
            let n = variable.result(.krippendorffAlphaNominal)?.nUnits ?? variable.unitCount
            return [.text(variable.variable), .int(n)] + headline.map { coefficient, _, _ in
                guard let row = variable.result(coefficient) else { return .null }
                guard row.value != nil else { return .text("not computable") }
                let ci = AgreementFormatting.interval(row)
                return .text(AgreementFormatting.value(row) + (ci.isEmpty ? "" : " " + ci))
            }
        }
        return Table(columns: columns, rows: rows)
    }

    /// Rule-based reconcile decisions, one row per excerpt × code any coder applied.
    public static func decisions(_ summary: ReconcileSummary) -> Table {
        Table(columns: [Column("excerpt"), Column("code"), Column("applied_by", "applied by"), Column("consensus"), Column("tie")],
              rows: summary.decisions.map {
                  [.text($0.excerpt), .text($0.code), .text($0.appliedBy.joined(separator: "; ")), .bool($0.applied), .bool($0.tie)]
              },
              caption: "reconcile --rule \(summary.rule)")
    }

    /// A Markdown table from any table (for the disagreement list in `--format md`).
    public static func markdown(_ table: Table) -> String {
        var out = table.caption.map { "**\(AgreementMarkdownRenderer.escape($0))**\n\n" } ?? ""
        out += "| " + table.columns.map { AgreementMarkdownRenderer.escape($0.title) }.joined(separator: " | ") + " |\n"
        out += "|" + String(repeating: "---|", count: table.columns.count) + "\n"
        for row in table.rows { out += "| " + row.map { AgreementMarkdownRenderer.escape($0.plain) }.joined(separator: " | ") + " |\n" }
        return out
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

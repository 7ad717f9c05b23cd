import Foundation

/// Builds report models from `ReportData` and per-code excerpt sets. Pure: no database, no printing.
enum ReportBuilder {
    /// How the excerpts of a breakdown fall into columns.
    struct ColumnPlan {
        var keys: [String]
        var titles: [String]
        /// Excerpt row id → column; -1 for an excerpt in no column (it still counts in the total).
        var columnOfExcerpt: [Int32]
    }

    /// Counts of one excerpt set: per column and in total.
    struct Tally {
        var excerpts: [Int]
        var participants: [Int]
        var totalExcerpts = 0
        var totalParticipants = 0
    }

    // MARK: Counting

    /// Applies roll-up: each code's set becomes the union of its own and its descendants' sets.
    static func rolledUp(_ direct: [ExcerptBitset], tree: ReportCodeTree) -> [ExcerptBitset] {
        var sets = direct
        // Preorder puts descendants after their ancestors, so walking backwards merges each subtree
        // completely before it is merged into its parent.
        for i in stride(from: tree.count - 1, through: 0, by: -1) where tree.parent[i] >= 0 {
            sets[tree.parent[i]].formUnion(sets[i])
        }
        return sets
    }

    /// The sets a report counts: rolled up (or not) and restricted to the eligible excerpts.
    static func countedSets(_ direct: [ExcerptBitset], tree: ReportCodeTree, rollUp: Bool, eligible: ExcerptBitset) -> [ExcerptBitset] {
        var sets = rollUp ? rolledUp(direct, tree: tree) : direct
        for i in sets.indices { sets[i].formIntersection(eligible) }
        return sets
    }

    /// Distinct excerpts and distinct participants of `set`, per column and in total. One pass over the set's
    /// bits with array look-ups only: participant "seen" marks are flat arrays, not dictionaries.
    static func tally(_ set: ExcerptBitset, columnOf: [Int32]?, columns: Int, participantOf: [Int32], participantCount: Int) -> Tally {
        var result = Tally(excerpts: Array(repeating: 0, count: columns), participants: Array(repeating: 0, count: columns))
        var seenInColumn = [Bool](repeating: false, count: columns * participantCount)
        var seenInTotal = [Bool](repeating: false, count: participantCount)
        participantOf.withUnsafeBufferPointer { speakers in
            seenInColumn.withUnsafeMutableBufferPointer { seenColumn in
                seenInTotal.withUnsafeMutableBufferPointer { seenTotal in
                    result.excerpts.withUnsafeMutableBufferPointer { excerpts in
                        result.participants.withUnsafeMutableBufferPointer { participants in
                            var totalExcerpts = 0, totalParticipants = 0
                            func visit(_ id: Int, _ column: Int) {
                                totalExcerpts &+= 1
                                let p = Int(speakers[id])
                                if column >= 0 { excerpts[column] &+= 1 }
                                guard p >= 0 else { return }
                                if !seenTotal[p] { seenTotal[p] = true; totalParticipants &+= 1 }
                                if column >= 0 {
                                    let key = column &* participantCount &+ p
                                    if !seenColumn[key] { seenColumn[key] = true; participants[column] &+= 1 }
                                }
                            }
                            if let columnOf {
                                columnOf.withUnsafeBufferPointer { cols in set.forEach { visit($0, Int(cols[$0])) } }
                            } else {
                                set.forEach { visit($0, -1) }
                            }
                            result.totalExcerpts = totalExcerpts
                            result.totalParticipants = totalParticipants
                        }
                    }
                }
            }
        }
        return result
    }

    /// Distinct passages per code (rolled up or not) among the eligible excerpts, per column and in total:
    /// `counts[code].perColumn[column]`. A passage coded with a theme and one of its subthemes counts once for the theme.
    static func passageCounts(_ direct: [Set<ReportData.PassageKey>], tree: ReportCodeTree, rollUp: Bool, eligible: ExcerptBitset,
                              columnOf: [Int32]?, columns: Int) -> [(perColumn: [Int], total: Int)] {
        (0..<tree.count).map { code in
            var keys = direct[code]
            if rollUp { for below in (code + 1)..<max(code + 1, tree.subtreeEnd[code]) { keys.formUnion(direct[below]) } }
            var perColumn = [Int](repeating: 0, count: columns)
            var total = 0
            for key in keys where key.excerpt >= 0 && eligible.contains(key.excerpt) {
                total += 1
                if let columnOf, key.excerpt < columnOf.count, columnOf[key.excerpt] >= 0 { perColumn[Int(columnOf[key.excerpt])] += 1 }
            }
            return (perColumn, total)
        }
    }

    // MARK: Columns

    /// Columns for a breakdown by group, participant or attribute value (`attributeValues` per participant).
    static func columnPlan(_ breakdown: ReportBreakdown, data: ReportData, eligible: ExcerptBitset,
                           attributeValues: [String?]) -> ColumnPlan {
        switch breakdown {
        case .group, .coder:
            return ColumnPlan(keys: data.groups.map(\.name), titles: data.groups.map(\.name), columnOfExcerpt: data.excerptGroup)
        case .participant:
            // Only participants who have an excerpt that counts.
            var speaks = [Bool](repeating: false, count: data.participants.count)
            eligible.forEach { let p = Int(data.excerptParticipant[$0]); if p >= 0 { speaks[p] = true } }
            var columnOfParticipant = [Int32](repeating: -1, count: data.participants.count)
            var keys: [String] = []
            for (i, p) in data.participants.enumerated() where speaks[i] {
                columnOfParticipant[i] = Int32(keys.count)
                keys.append(p.pseudonym)
            }
            return ColumnPlan(keys: keys, titles: keys, columnOfExcerpt: data.excerptParticipant.map { $0 >= 0 ? columnOfParticipant[Int($0)] : -1 })
        case .attribute:
            var speaks = [Bool](repeating: false, count: data.participants.count)
            eligible.forEach { let p = Int(data.excerptParticipant[$0]); if p >= 0 { speaks[p] = true } }
            var values = Set<String>()
            var unset = false
            for (i, value) in attributeValues.enumerated() where speaks[i] {
                if let value { values.insert(value) } else { unset = true }
            }
            var keys = values.sorted { $0.compare($1, options: [.numeric, .caseInsensitive]) == .orderedAscending }
            let unsetKey = "(not set)"
            if unset { keys.append(unsetKey) }
            let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, Int32($0.offset)) })
            let columnOfParticipant = attributeValues.map { index[$0 ?? unsetKey] ?? -1 }
            return ColumnPlan(keys: keys, titles: keys, columnOfExcerpt: data.excerptParticipant.map { $0 >= 0 ? columnOfParticipant[Int($0)] : -1 })
        }
    }

    // MARK: Theme report

    /// The theme table. `codings` holds one set list per column for a breakdown by coder, else one set list.
    /// `passages`, when the report counts them, holds each coding set's direct passages (aligned with `codings`).
    static func themeReport(data: ReportData, options: ReportOptions, breakdown: ReportBreakdown, selection: SelectionSummary,
                            codings: [(coder: String, direct: [ExcerptBitset])], attributeValues: [String?] = [],
                            passages: [[Set<ReportData.PassageKey>]]? = nil) -> ThemeReport {
        let tree = data.tree
        let eligible = data.eligibleExcerpts(includeModerator: options.includeModerator)
        let participantCount = data.participants.count

        var columns: [ReportColumn]
        var total: ReportColumn?
        var cells: [[ThemeCell]] = Array(repeating: [], count: tree.count)
        var totals: [ThemeCell?] = Array(repeating: nil, count: tree.count)
        var frequency = [Int](repeating: 0, count: tree.count)

        func share(_ n: Int, _ d: Int) -> Double? { d > 0 ? Double(n) / Double(d) : nil }

        if case .coder = breakdown {
            let base = tally(eligible, columnOf: nil, columns: 0, participantOf: data.excerptParticipant, participantCount: participantCount)
            columns = codings.map {
                ReportColumn(key: $0.coder, title: $0.coder, excerpts: base.totalExcerpts, participants: base.totalParticipants)
            }
            for (k, coding) in codings.enumerated() {
                let sets = countedSets(coding.direct, tree: tree, rollUp: options.rollUp, eligible: eligible)
                let counted = passages.map { passageCounts($0[k], tree: tree, rollUp: options.rollUp, eligible: eligible, columnOf: nil, columns: 0) }
                for code in 0..<tree.count {
                    let t = tally(sets[code], columnOf: nil, columns: 0, participantOf: data.excerptParticipant, participantCount: participantCount)
                    cells[code].append(ThemeCell(excerpts: t.totalExcerpts, share: share(t.totalExcerpts, base.totalExcerpts),
                                                 participants: t.totalParticipants, passages: counted?[code].total))
                    frequency[code] += t.totalExcerpts
                }
            }
        } else {
            let plan = columnPlan(breakdown, data: data, eligible: eligible, attributeValues: attributeValues)
            let base = tally(eligible, columnOf: plan.columnOfExcerpt, columns: plan.keys.count,
                             participantOf: data.excerptParticipant, participantCount: participantCount)
            columns = plan.keys.indices.map {
                ReportColumn(key: plan.keys[$0], title: plan.titles[$0], excerpts: base.excerpts[$0], participants: base.participants[$0])
            }
            total = ReportColumn(key: "all", title: "All", excerpts: base.totalExcerpts, participants: base.totalParticipants)
            let sets = countedSets(codings.first?.direct ?? [], tree: tree, rollUp: options.rollUp, eligible: eligible)
            let counted = passages?.first.map {
                passageCounts($0, tree: tree, rollUp: options.rollUp, eligible: eligible, columnOf: plan.columnOfExcerpt, columns: plan.keys.count)
            }
            for code in 0..<tree.count {
                let t = tally(sets[code], columnOf: plan.columnOfExcerpt, columns: plan.keys.count,
                              participantOf: data.excerptParticipant, participantCount: participantCount)
                cells[code] = columns.indices.map {
                    ThemeCell(excerpts: t.excerpts[$0], share: share(t.excerpts[$0], columns[$0].excerpts), participants: t.participants[$0],
                              passages: counted?[code].perColumn[$0])
                }
                totals[code] = ThemeCell(excerpts: t.totalExcerpts, share: share(t.totalExcerpts, base.totalExcerpts),
                                         participants: t.totalParticipants, passages: counted?[code].total)
                frequency[code] = t.totalExcerpts
            }
        }

        let order = rowOrder(tree: tree, frequency: frequency, sort: options.sort, level: options.level)
        let rows = order.map { ThemeRow(code: tree.codes[$0], cells: cells[$0], total: totals[$0]) }
        let speakerless = data.speakerlessCount(in: eligible)
        var rules = themeRules(selection: selection, options: options, breakdown: breakdown, columns: columns, total: total,
                               speakerless: speakerless)
        if passages != nil { rules.insert(passageRule, at: 2) }
        return ThemeReport(title: "Theme frequencies by \(breakdownNoun(breakdown)) — \(selection.text)",
                           selection: selection, breakdown: breakdown.argument, breakdownTitle: breakdownTitle(breakdown),
                           rollUp: options.rollUp, includeModerator: options.includeModerator, level: options.level, sort: options.sort,
                           countPassages: passages != nil, columns: columns, total: total, rows: rows, rules: rules)
    }

    /// Codes in display order: depth first; siblings by codebook position or by frequency (ties keep codebook order).
    static func rowOrder(tree: ReportCodeTree, frequency: [Int], sort: ThemeSort, level: Int?) -> [Int] {
        var out: [Int] = []
        func walk(_ parent: Int) {
            var kids = tree.children(of: parent)
            if sort == .frequency {
                kids = kids.enumerated().sorted { a, b in
                    frequency[a.element] != frequency[b.element] ? frequency[a.element] > frequency[b.element] : a.offset < b.offset
                }.map(\.element)
            }
            for kid in kids {
                if let level, tree.codes[kid].level > level { continue }
                out.append(kid)
                walk(kid)
            }
        }
        walk(-1)
        return out
    }

    static func breakdownNoun(_ breakdown: ReportBreakdown) -> String {
        switch breakdown {
        case .group: return "group"
        case .participant: return "participant"
        case .coder: return "coder"
        case .attribute(let name): return name
        }
    }

    static func breakdownTitle(_ breakdown: ReportBreakdown) -> String {
        switch breakdown {
        case .group: return "Group"
        case .participant: return "Participant"
        case .coder: return "Coder"
        case .attribute(let name): return name
        }
    }

    // MARK: Rules (the captions' sentences)

    static func selectionRule(_ selection: SelectionSummary) -> String {
        switch selection.kind {
        case "by_coder":
            return "Coding: each coder's own codings, one column per coder (\(selection.coders.joined(separator: ", ")))."
        case "union":
            return "Coding: \(selection.text): an excerpt counts for a code if any of them applied it (the consensus coder is not included)."
        case "consensus":
            return "Coding: \(selection.text) (the reconciled codings stored as the coder 'consensus')."
        default:
            if selection.defaulted {
                return "Coding: \(selection.text); it was used because no --coder, --consensus or --union was given."
            }
            return "Coding: \(selection.text)."
        }
    }

    static let unitRule = "Unit: the excerpt (one speaker turn). An excerpt counts once per code, however often the code was applied to it."
    static let passageRule = "Passages (--count passages): the coded passages, each distinct span of a turn once — a whole-turn coding is one passage; "
        + "the same span coded with a theme and its subtheme (under roll-up) or by several coders (union) counts once; percentages and participants stay per excerpt."

    static func rollUpRule(_ rollUp: Bool) -> String {
        rollUp
            ? "Roll-up: a theme counts an excerpt once when the theme itself or any of its subthemes applies, "
                + "so a turn coded with two subthemes counts once for the theme."
            : "No roll-up: each code counts only the excerpts coded with that code itself; a theme's row leaves out "
                + "excerpts coded only with its subthemes."
    }

    static func moderatorRule(_ include: Bool) -> String {
        include
            ? "Moderators included: their excerpts count in numerators and denominators, and they count as participants."
            : "Moderators left out: their excerpts are in no count or denominator, and they are not counted as participants "
                + "(--include-moderator counts them)."
    }

    static func denominatorList(_ columns: [ReportColumn], total: ReportColumn?, _ value: (ReportColumn) -> Int) -> String {
        let all = columns + (total.map { [$0] } ?? [])
        if all.count > 13 {
            return (total.map { "all \(value($0)); " } ?? "") + "per column in the JSON output"
        }
        return all.map { "\($0.title) \(value($0))" }.joined(separator: ", ")
    }

    static func themeRules(selection: SelectionSummary, options: ReportOptions, breakdown: ReportBreakdown,
                           columns: [ReportColumn], total: ReportColumn?, speakerless: Int) -> [String] {
        var rules = [selectionRule(selection), unitRule, rollUpRule(options.rollUp)]
        let who = options.includeModerator ? "excerpts (moderators' included)" : "participant excerpts"
        if case .coder = breakdown {
            rules.append("%: excerpts coded ÷ all \(who) (\(total?.excerpts ?? columns.first?.excerpts ?? 0)), the same for every coder.")
            rules.append("Participants: distinct participants with at least one coded excerpt, as n of N, where N = "
                + "\(columns.first?.participants ?? 0) participants who spoke.")
        } else {
            rules.append("%: excerpts coded ÷ all \(who) in the column (\(denominatorList(columns, total: total, \.excerpts))).")
            rules.append("Participants: distinct participants with at least one coded excerpt in the column, as n of N, where "
                + "N = participants who spoke in the column (\(denominatorList(columns, total: total, \.participants))).")
        }
        rules.append(moderatorRule(options.includeModerator))
        if case .attribute(let name) = breakdown {
            rules.append("Columns: the values of the participant attribute '\(name)'; '(not set)' gathers participants without it.")
        }
        if speakerless > 0 {
            rules.append("\(speakerless) excerpts without a speaker (paragraph mode) count as excerpts but add no participant"
                + (breakdown == .group || breakdown == .coder ? "." : "; they appear only in the total."))
        }
        if let level = options.level {
            rules.append(level == 1
                ? "Shown: themes only (--level 1)" + (options.rollUp ? "; their counts still include their subthemes." : ".")
                : "Shown: codes down to level \(level).")
        }
        if options.sort == .frequency {
            rules.append("Order: by total excerpts, most first, among siblings; subthemes stay under their theme.")
        }
        return rules
    }
}

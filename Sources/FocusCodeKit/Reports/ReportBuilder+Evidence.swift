import Foundation

extension ReportBuilder {
    // MARK: Co-occurrence

    /// Code × code: the excerpts coded with both. `sets` are the counted sets (rolled up or not, eligible only).
    static func cooccurrence(data: ReportData, options: ReportOptions, selection: SelectionSummary, sets: [ExcerptBitset]) -> CooccurrenceReport {
        let tree = data.tree
        let frequency = sets.map(\.count)
        let shown = rowOrder(tree: tree, frequency: frequency, sort: options.sort, level: options.level)
        var counts: [[Int?]] = []
        for a in shown {
            counts.append(shown.map { b in
                if a == b { return frequency[a] }
                // Under roll-up a theme holds its subthemes' excerpts: their "co-occurrence" says nothing.
                if options.rollUp, tree.contains(a, b) || tree.contains(b, a) { return nil }
                return sets[a].intersectionCount(sets[b])
            })
        }
        // The list pairs codes of the same level (theme with theme, subtheme with subtheme): under roll-up a
        // theme-with-subtheme pair only repeats what its subtheme pairs say. The matrix keeps every pair.
        var pairs: [(i: Int, j: Int, n: Int)] = []
        for i in shown.indices {
            for j in shown.indices where j > i && tree.codes[shown[i]].level == tree.codes[shown[j]].level {
                if let n = counts[i][j], n > 0 { pairs.append((i, j, n)) }
            }
        }
        pairs.sort { $0.n != $1.n ? $0.n > $1.n : ($0.i, $0.j) < ($1.i, $1.j) }
        let codes = shown.map { tree.codes[$0] }
        var rules = [selectionRule(selection),
                     "Unit: the excerpt. A cell counts the excerpts coded with both codes; the diagonal counts the excerpts coded with the code.",
                     rollUpRule(options.rollUp)]
        if options.rollUp {
            rules.append("A theme and its own subthemes share excerpts by construction under roll-up, so those cells are left empty (–).")
        }
        rules.append("The list of pairs shows codes of the same level (theme with theme, subtheme with subtheme), most shared excerpts "
            + "first; the matrix (--matrix) has every pair.")
        rules.append(moderatorRule(options.includeModerator))
        if let level = options.level { rules.append(level == 1 ? "Shown: themes only (--level 1)." : "Shown: codes down to level \(level).") }
        return CooccurrenceReport(title: "Code co-occurrence — \(selection.text)", selection: selection, rollUp: options.rollUp,
                                  includeModerator: options.includeModerator, codes: codes, counts: counts,
                                  pairs: pairs.map { CooccurrencePair(first: codes[$0.i].path, second: codes[$0.j].path, excerpts: $0.n) },
                                  rules: rules)
    }

    // MARK: Matrix

    /// Codes × participants or groups, from a theme report with that breakdown.
    static func matrix(from report: ThemeReport, presence: Bool, codesAsColumns: Bool) -> CodeMatrixReport {
        let dimension = report.breakdown
        let values = report.rows.map { row in row.cells.map { presence ? ($0.excerpts > 0 ? 1 : 0) : $0.excerpts } }
        let noun = dimension == "participant" ? "participant" : "group"
        var rules = [selectionRule(report.selection)]
        if presence {
            rules.append(noun == "participant"
                ? "1 = the participant has at least one excerpt coded with the code; 0 = none."
                : "1 = the code was applied to at least one excerpt in the group; 0 = none.")
        } else {
            rules.append("Each cell: the excerpts of the \(noun) coded with the code (an excerpt counts once per code).")
        }
        rules.append(rollUpRule(report.rollUp))
        rules.append(moderatorRule(report.includeModerator))
        if let level = report.level { rules.append(level == 1 ? "Shown: themes only (--level 1)." : "Shown: codes down to level \(level).") }
        let kind = presence ? "Presence" : "Excerpt counts"
        let title = codesAsColumns ? "\(kind): \(noun)s × codes — \(report.selection.text)" : "\(kind): codes × \(noun)s — \(report.selection.text)"
        return CodeMatrixReport(title: title, selection: report.selection, dimension: dimension, presence: presence,
                                codesAsColumns: codesAsColumns, codes: report.rows.map(\.code), columns: report.columns,
                                values: values, rules: rules)
    }

    // MARK: Quotes

    /// The rule quotes are chosen by, in words.
    static let quoteRule = "Ranking: among the excerpts counted for the code, first those with the fewest codes from other branches "
        + "of the codebook (an excerpt coded only with this code comes first), then the longest (most words), then transcript order."

    /// A candidate quote with what ranks it.
    struct QuoteCandidate {
        var id: Int
        /// How many codes outside the quoted code's branch the excerpt also has.
        var others: Int
        var words: Int
        var group: Int
        var seq: Int
    }

    /// For a code, a mask of the codes that count as "other branches": neither the code, its descendants nor its ancestors.
    static func otherBranches(of code: Int, tree: ReportCodeTree) -> [Bool] {
        (0..<tree.count).map { !tree.contains(code, $0) && !tree.contains($0, code) }
    }

    /// Codes applied directly to excerpt `id` in other branches than `code`'s.
    static func otherCodes(of id: Int, mask: [Bool], direct: [ExcerptBitset]) -> [Int] {
        mask.indices.filter { mask[$0] && direct[$0].contains(id) }
    }

    /// Sorts candidates by the quote rule and keeps the first `limit`.
    static func rank(_ candidates: [QuoteCandidate], limit: Int) -> [QuoteCandidate] {
        Array(candidates.sorted { a, b in
            if a.others != b.others { return a.others < b.others }
            if a.words != b.words { return a.words > b.words }
            return (a.group, a.seq, a.id) < (b.group, b.seq, b.id)
        }.prefix(limit))
    }
}

import Foundation
import GRDB

/// What one unit of an agreement analysis of a project is.
public enum AgreementUnit: String, Sendable, CaseIterable, Codable {
    /// The turn (excerpt): a turn carries a code when any of the coder's passages does (the default).
    case turn
    /// The character (Unicode code point) of the turns' text: every character is coded by a coder or not.
    case character
}

/// A project's passages as agreement data over characters, as NVivo's coding comparison counts them.
///
/// For each code variable (with roll-up, as at the turn unit) every character of the turns in scope is a unit;
/// a coder's value is 1 where one of their passages of the code covers it and 0 elsewhere, so text nobody
/// coded is agreement (0 and 0). Characters with the same pattern of values are counted together: a variable is
/// a handful of patterns with a count each, and every coefficient comes from the same tallies as at the turn unit.
public struct CharacterAgreementData: Sendable {
    /// The code variables, in codebook order.
    public let variables: [AgreementCodeVariable]
    /// Coders in pair order.
    public let coders: [String]
    /// The groups whose turns are in scope, in project order.
    public let groups: [String]
    /// The scope as asked.
    public let scope: AgreementScope
    /// Turns in scope and their characters.
    public let turns: Int
    public let characters: Int
    /// Characters no coder in scope coded with any code in scope.
    public let uncodedByAll: Int
    /// Per coder: the turns in scope they never reviewed (no review, no coding); their text counts as uncoded.
    public let unreviewedTurns: [Int]
    /// Per variable: pattern (bit c set = coder c coded the character) → characters with that pattern.
    public let patterns: [[UInt64: Int]]

    /// Characters of `variable` coded by both, by the first only, by the second only and by neither of a pair.
    public func counts(variable: Int, first a: Int, second b: Int) -> (both: Int, onlyFirst: Int, onlySecond: Int, neither: Int) {
        var both = 0, onlyA = 0, onlyB = 0, neither = 0
        for (mask, n) in patterns[variable] {
            switch (mask >> UInt64(a) & 1 == 1, mask >> UInt64(b) & 1 == 1) {
            case (true, true): both += n
            case (true, false): onlyA += n
            case (false, true): onlyB += n
            case (false, false): neither += n
            }
        }
        return (both, onlyA, onlyB, neither)
    }

    /// Every coefficient per code variable and pooled over them (nominal variables are a turn-level analysis).
    public func report(options: AgreementOptions = AgreementOptions()) throws -> AgreementReport {
        let m = coders.count
        let variableMatrices = try variables.indices.map { v -> (matrix: ReliabilityMatrix, counts: [Int]) in
            let rows = patterns[v].filter { $0.value > 0 }.sorted { $0.key < $1.key }
            var values: [Int32] = []
            values.reserveCapacity(rows.count * m)
            for (mask, _) in rows { for c in 0..<m { values.append(Int32(mask >> UInt64(c) & 1)) } }
            let matrix = try ReliabilityMatrix(variable: "code:\(variables[v].path)", kind: .binary,
                                               units: rows.indices.map { "pattern \($0 + 1)" }, coders: coders,
                                               categories: ["0", "1"], values: values)
            return (matrix, rows.map(\.value))
        }
        return try AgreementAnalysis.report(weighted: variableMatrices, includePooled: !variables.isEmpty, unitOfAnalysis: "character",
                                            options: options)
    }

    /// What the legend says beside the value rule: what uncoded text counts as, how much of it there is, who did not
    /// review what, and the characters per code.
    public var notes: [String] {
        func n(_ x: Int) -> String { x.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_GB"))) }
        func share(_ x: Int) -> String { characters > 0 ? String(format: "%.1f%%", 100 * Double(x) / Double(characters)) : "–" }
        var lines = ["\(n(characters)) characters in \(n(turns)) turn\(turns == 1 ? "" : "s").",
                     "Uncoded text counts as agreement: a character that neither coder coded with a code is a 0–0 agreement for that code, as in NVivo's coding comparison. \(n(uncodedByAll)) of the \(n(characters)) characters (\(share(uncodedByAll))) were coded by no coder with any code in scope; they agree on every code, which raises percent agreement — read κ and AC1 beside it."]
        let missed = coders.indices.filter { unreviewedTurns[$0] > 0 }
        if !missed.isEmpty {
            lines.append("A turn a coder never reviewed counts as uncoded by that coder: "
                + missed.map { "\(coders[$0]) did not review \(n(unreviewedTurns[$0])) of the \(n(turns)) turns" }.joined(separator: "; ") + ".")
        }
        if coders.count == 2 {
            for (v, variable) in variables.enumerated() {
                let c = counts(variable: v, first: 0, second: 1)
                guard c.both + c.onlyFirst + c.onlySecond > 0 else { continue }
                lines.append("\(variable.path): characters coded by both \(n(c.both)), by \(coders[0]) only \(n(c.onlyFirst)), by \(coders[1]) only \(n(c.onlySecond)), by neither \(n(c.neither)).")
            }
        }
        lines.append("Mutually exclusive branches are compared code by code here; their nominal variables are a turn-level analysis (--unit turn).")
        return lines
    }
}

extension Project {
    /// Reads the turns, passages and reviews in scope into character-level agreement data.
    public func characterAgreementData(_ scope: AgreementScope = AgreementScope()) throws -> CharacterAgreementData {
        if let level = scope.level, level < 1 { throw AgreementProjectError.invalidLevel(level) }
        return try read { db in
            let resolved = try Self.resolveAgreementScope(db, scope)
            let unitCount = resolved.units.count
            var m = resolved.coderNames.count
            guard m <= 64 else { throw AgreementProjectError.tooManyCodersForCharacters(m) }

            // Each turn's length in code points (spans count code points too).
            var length = [Int](repeating: 0, count: unitCount)
            let texts = try Row.fetchCursor(db, sql: "SELECT id, text FROM excerpts")
            while let row = try texts.next() {
                guard let u = resolved.unitOfExcerpt[row[0] as Int64] else { continue }
                length[Int(u)] = (row[1] as String).unicodeScalars.count
            }
            let characters = length.reduce(0, +)

            var reviewed = [Bool](repeating: false, count: unitCount * m)
            let reviews = try Row.fetchCursor(db, sql: "SELECT excerpt_id, coder_id FROM reviews")
            while let row = try reviews.next() {
                guard let u = resolved.unitOfExcerpt[row[0] as Int64], let c = resolved.columnOfCoder[row[1] as Int64] else { continue }
                reviewed[Int(u) * m + Int(c)] = true
            }

            // Passages turn by turn: per variable, a sweep over the coders' intervals counts the characters of each
            // pattern of coders; characters outside every interval are counted at the end as the empty pattern.
            let variableCount = resolved.variableNodes.count
            var patterns = [[UInt64: Int]](repeating: [:], count: variableCount)
            var coveredByAny = 0
            var intervals: [Int32: [(start: Int, end: Int, coder: Int)]] = [:]
            var current: Int32 = -1
            func flush() {
                guard current >= 0 else { return }
                var all: [(start: Int, end: Int, coder: Int)] = []
                for (v, list) in intervals {
                    for (mask, n) in Self.sweep(list, coders: m) { patterns[Int(v)][mask, default: 0] += n }
                    all += list
                }
                coveredByAny += Self.sweep(all.map { ($0.start, $0.end, 0) }, coders: 1).values.reduce(0, +)
                intervals.removeAll(keepingCapacity: true)
            }
            let codings = try Row.fetchCursor(db, sql: "SELECT excerpt_id, coder_id, code_id, span_start, span_end FROM codings ORDER BY excerpt_id")
            while let row = try codings.next() {
                guard let u = resolved.unitOfExcerpt[row[0] as Int64], let c = resolved.columnOfCoder[row[1] as Int64] else { continue }
                if u != current { flush(); current = u }
                reviewed[Int(u) * m + Int(c)] = true
                let len = length[Int(u)]
                let start = min(max((row[3] as Int?) ?? 0, 0), len)
                let end = min(max((row[4] as Int?) ?? len, start), len)
                guard end > start else { continue }
                for v in resolved.variablesOfCode[row[2] as Int64] ?? [] { intervals[v, default: []].append((start, end, Int(c))) }
            }
            flush()

            // Without an explicit list, coders with nothing in scope are not raters here (as at the turn unit).
            var coderNames = resolved.coderNames
            if scope.coders == nil {
                let keep = (0..<m).filter { c in (0..<unitCount).contains { reviewed[$0 * m + c] } }
                if keep.isEmpty {
                    throw AgreementProjectError.noCoders(scope: scope.groups.isEmpty ? "in this project" : "of \(resolved.groupNames.joined(separator: ", "))")
                }
                if keep.count < m {
                    patterns = patterns.map { table in
                        var out: [UInt64: Int] = [:]
                        for (mask, n) in table {
                            var kept: UInt64 = 0
                            for (new, old) in keep.enumerated() where mask >> UInt64(old) & 1 == 1 { kept |= 1 << UInt64(new) }
                            out[kept, default: 0] += n
                        }
                        return out
                    }
                    reviewed = (0..<unitCount).flatMap { u in keep.map { reviewed[u * m + $0] } }
                    coderNames = keep.map { coderNames[$0] }
                    m = keep.count
                }
            }
            for v in patterns.indices {
                let coded = patterns[v].values.reduce(0, +)
                patterns[v][0, default: 0] += characters - coded
            }
            let unreviewed = (0..<m).map { c in (0..<unitCount).filter { !reviewed[$0 * m + c] }.count }
            let variables = resolved.variableNodes.map { AgreementCodeVariable(path: $0.path, depth: $0.depth, rollsUp: !$0.children.isEmpty) }
            return CharacterAgreementData(variables: variables, coders: coderNames, groups: resolved.groupNames, scope: scope,
                                          turns: unitCount, characters: characters, uncodedByAll: characters - coveredByAny,
                                          unreviewedTurns: unreviewed, patterns: patterns)
        }
    }

    /// The characters of each non-empty pattern of coders covering `intervals` (one turn, one variable):
    /// bit c of a pattern is set where coder c has an interval. Overlapping intervals of one coder count once.
    static func sweep(_ intervals: [(start: Int, end: Int, coder: Int)], coders m: Int) -> [UInt64: Int] {
        var events: [(at: Int, coder: Int, delta: Int)] = []
        events.reserveCapacity(intervals.count * 2)
        for i in intervals { events.append((i.start, i.coder, 1)); events.append((i.end, i.coder, -1)) }
        events.sort { $0.at < $1.at }
        var depth = [Int](repeating: 0, count: m)
        var mask: UInt64 = 0
        var out: [UInt64: Int] = [:]
        var last = 0
        for e in events {
            if e.at > last, mask != 0 { out[mask, default: 0] += e.at - last }
            last = e.at
            depth[e.coder] += e.delta
            if depth[e.coder] > 0 { mask |= 1 << UInt64(e.coder) } else { mask &= ~(1 << UInt64(e.coder)) }
        }
        return out
    }
}

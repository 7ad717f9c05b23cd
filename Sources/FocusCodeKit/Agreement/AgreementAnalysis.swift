import Foundation

/// A mutually exclusive set of codes to analyse as one nominal variable.
public struct AgreementNominalVariable: Sendable, Hashable {
    /// The variable name in output (`nominal`, or e.g. `nominal:Impact of Covid-19`).
    public var variable: String
    /// The exclusive codes; nil = every code of the data set.
    public var codes: [String]?
    /// How a reviewed unit with none of these codes is recorded.
    public var reviewedWithoutCode: AgreementReviewedWithoutCode

    public init(variable: String = "nominal", codes: [String]? = nil, reviewedWithoutCode: AgreementReviewedWithoutCode = .missing) {
        self.variable = variable
        self.codes = codes
        self.reviewedWithoutCode = reviewedWithoutCode
    }
}

/// Entry points: reliability matrices in, result models out. Pure computation, no I/O.
public enum AgreementAnalysis {
    /// Every coefficient of one variable (a per-code binary or a nominal matrix).
    public static func analyse(_ matrix: ReliabilityMatrix, options: AgreementOptions = AgreementOptions()) -> AgreementVariableResult {
        analyseGroup([matrix], variable: matrix.variable, kind: matrix.kind, options: options)
    }

    /// Every coefficient of the per-code binary variables pooled: units × codes stacked into one binary variable.
    ///
    /// The bootstrap resamples excerpts, carrying all of an excerpt's code cells together.
    public static func analysePooled(
        _ matrices: [ReliabilityMatrix], variable: String = "pooled", options: AgreementOptions = AgreementOptions()
    ) throws -> AgreementVariableResult {
        try validatePooling(matrices)
        return analyseGroup(matrices, variable: variable, kind: .pooled, options: options)
    }

    /// A report: each binary variable, then (if asked and there are any) the pooled variable, then the nominal ones.
    public static func report(
        binary: [ReliabilityMatrix], nominal: [ReliabilityMatrix] = [], includePooled: Bool = true,
        options: AgreementOptions = AgreementOptions()
    ) throws -> AgreementReport {
        // Each code is tallied once; the pooled tally is their exact sum.
        let tallies = AgreementParallel.map(binary) { AgreementTally.of($0) }
        var jobs: [(matrices: [ReliabilityMatrix], variable: String, kind: AgreementVariableKind, tally: AgreementTally?)] =
            zip(binary, tallies).map { ([$0], $0.variable, $0.kind, $1) }
        if includePooled && !binary.isEmpty {
            try validatePooling(binary)
            var pooled = AgreementTally(q: 2, m: binary[0].coderCount)
            for tally in tallies { pooled.add(tally) }
            jobs.append((binary, "pooled", .pooled, pooled))
        }
        jobs += nominal.map { ([$0], $0.variable, $0.kind, nil) }
        let results = AgreementParallel.map(jobs) { job in
            analyseGroup(job.matrices, variable: job.variable, kind: job.kind, options: options, tally: job.tally)
        }
        return AgreementReport(variables: results, options: options)
    }

    /// A report from binary variables given as distinct rows, each standing for `counts[row]` units (the characters
    /// of a text that share one pattern of coders' values): each variable, then the pooled one. The same tallies and
    /// estimates as for unit-per-row matrices, so every coefficient means the same; there is no bootstrap, because
    /// such units (characters) are not independent draws.
    public static func report(weighted variables: [(matrix: ReliabilityMatrix, counts: [Int])], includePooled: Bool = true,
                              unitOfAnalysis: String, options: AgreementOptions = AgreementOptions()) throws -> AgreementReport {
        var noBootstrap = options
        noBootstrap.bootstrapResamples = 0
        // Counts beyond Int32 are split over repeated rows, so a tally of any size stays exact.
        let split: [(matrix: ReliabilityMatrix, weights: [Int32])] = try variables.map { variable in
            let m = variable.matrix.coderCount
            var values: [Int32] = [], weights: [Int32] = [], units: [String] = []
            for (row, count) in variable.counts.enumerated() {
                var left = count
                repeat {
                    let w = Int32(clamping: left)
                    values += variable.matrix.values[row * m ..< (row + 1) * m]
                    weights.append(w)
                    units.append("\(units.count + 1)")
                    left -= Int(w)
                } while left > 0
            }
            let matrix = try ReliabilityMatrix(variable: variable.matrix.variable, kind: variable.matrix.kind, units: units,
                                               coders: variable.matrix.coders, categories: variable.matrix.categories, values: values)
            return (matrix, weights)
        }
        let tallies = split.map { item -> AgreementTally in
            var tally = AgreementTally(q: item.matrix.categories.count, m: item.matrix.coderCount)
            item.matrix.values.withUnsafeBufferPointer { values in
                item.weights.withUnsafeBufferPointer { tally.accumulate(values: values, rows: item.matrix.unitCount, weights: $0) }
            }
            return tally
        }
        func named(_ result: AgreementVariableResult, pooled: Bool) -> AgreementVariableResult {
            var result = result
            result.unitOfAnalysis = pooled ? "\(unitOfAnalysis) × code" : unitOfAnalysis
            return result
        }
        var results = zip(split, tallies).map { item, tally in
            named(analyseGroup([item.matrix], variable: item.matrix.variable, kind: item.matrix.kind, options: noBootstrap,
                               tally: tally, weights: [item.weights]), pooled: false)
        }
        if includePooled, let first = split.first {
            var pooled = AgreementTally(q: 2, m: first.matrix.coderCount)
            for tally in tallies { pooled.add(tally) }
            results.append(named(analyseGroup(split.map(\.matrix), variable: "pooled", kind: .pooled, options: noBootstrap,
                                              tally: pooled, weights: split.map(\.weights)), pooled: true))
        }
        return AgreementReport(variables: results, options: noBootstrap)
    }

    /// A report straight from long-form codings: one variable per code, pooled, and the nominal variables asked for.
    public static func report(
        records: [AgreementCodingRecord], units: [String]? = nil, coders: [String]? = nil, codes: [String]? = nil,
        nominal: [AgreementNominalVariable] = [], includePooled: Bool = true,
        options: AgreementOptions = AgreementOptions()
    ) throws -> AgreementReport {
        let dataset = try AgreementDataset(records: records, units: units, coders: coders, codes: codes)
        let nominalMatrices = try nominal.map {
            try dataset.nominalMatrix(codes: $0.codes, variable: $0.variable, reviewedWithoutCode: $0.reviewedWithoutCode)
        }
        return try report(binary: dataset.binaryMatrices(), nominal: nominalMatrices, includePooled: includePooled, options: options)
    }

    /// Pooling needs per-code binary matrices over the same units and coders.
    static func validatePooling(_ matrices: [ReliabilityMatrix]) throws {
        guard let first = matrices.first else {
            throw AgreementInputError.incompatibleForPooling(problem: "there are no per-code variables")
        }
        for matrix in matrices {
            guard matrix.kind == .binary, matrix.categories.count == 2 else {
                throw AgreementInputError.incompatibleForPooling(problem: "\(matrix.variable) is not a per-code binary variable")
            }
            guard matrix.coders == first.coders else {
                throw AgreementInputError.incompatibleForPooling(problem: "\(matrix.variable) has other coders than \(first.variable)")
            }
            guard matrix.units == first.units else {
                throw AgreementInputError.incompatibleForPooling(problem: "\(matrix.variable) has other units than \(first.variable)")
            }
        }
    }

    /// Matrices with the same units, coders and categories, analysed as their concatenation.
    /// `weights`, when given, holds one count per row of each matrix (rows that stand for many units, e.g. characters);
    /// the tally must then be precomputed with those weights.
    static func analyseGroup(
        _ matrices: [ReliabilityMatrix], variable: String, kind: AgreementVariableKind, options: AgreementOptions,
        tally precomputed: AgreementTally? = nil, weights: [[Int32]]? = nil
    ) -> AgreementVariableResult {
        let first = matrices[0]
        let tally = precomputed ?? matrices.dropFirst().reduce(into: AgreementTally.of(first)) { $0.add(AgreementTally.of($1)) }
        var estimates = tally.estimates(coders: first.coders, categories: first.categories)
        refineLightCoverage(&estimates, matrices: matrices, weights: weights)

        let rows = estimates.rows
        var intervals: [AgreementConfidenceInterval]? = nil
        if options.bootstrapResamples > 0 {
            intervals = AgreementBootstrap.intervals(matrices: matrices, options: options)
        }
        let labels = first.pairLabels
        let coefficients = rows.enumerated().map { index, row -> AgreementCoefficientResult in
            let (coefficient, pairIndex, estimate) = row
            let warn = coefficient.isPrevalenceSensitive && estimate.value != nil
                && (estimate.minorityShare.map { $0 < options.prevalenceThreshold } ?? false)
            return AgreementCoefficientResult(
                coefficient: coefficient, pair: pairIndex.map { labels[$0] }, value: estimate.value,
                reason: estimate.reason?.message, nUnits: estimate.nUnits, nCoders: estimate.nCoders,
                nValues: estimate.nValues, ci: intervals?[index], minorityShare: estimate.minorityShare,
                prevalenceWarning: warn)
        }
        let unitCount = weights.map { $0.reduce(0) { $0 + $1.reduce(0) { $0 + Int($1) } } } ?? matrices.reduce(0) { $0 + $1.unitCount }
        return AgreementVariableResult(
            variable: variable, kind: kind, coders: first.coders, categories: first.categories,
            unitCount: unitCount, coefficients: coefficients)
    }

    /// Light's κ leaves out pairs whose κ is undefined; count only the units, values and coders that
    /// entered a defined pair (the tally alone cannot tell, so this rereads the matrices, rarely).
    static func refineLightCoverage(_ estimates: inout AgreementEstimates, matrices: [ReliabilityMatrix], weights: [[Int32]]? = nil) {
        guard estimates.kappaMean.value != nil else { return }
        let excluded = zip(estimates.kappaPairs, estimates.percentPairs).contains { $0.0.value == nil && $0.1.value != nil }
        guard excluded else { return }
        let m = matrices[0].coderCount
        var defined = [Bool](repeating: false, count: m * m)
        var p = 0
        for a in 0..<m {
            for b in (a + 1)..<max(m, a + 1) {
                if estimates.kappaPairs[p].value != nil { defined[a * m + b] = true; defined[b * m + a] = true }
                p += 1
            }
        }
        var units = 0, values = 0
        var coders = [Bool](repeating: false, count: m)
        for (index, matrix) in matrices.enumerated() {
            for u in 0..<matrix.unitCount {
                var covered = 0
                for a in 0..<m where matrix.values[u * m + a] >= 0 {
                    if (0..<m).contains(where: { $0 != a && defined[a * m + $0] && matrix.values[u * m + $0] >= 0 }) {
                        covered += 1
                        coders[a] = true
                    }
                }
                let w = weights.map { Int($0[index][u]) } ?? 1
                if covered > 0 { units += w; values += covered * w }
            }
        }
        estimates.kappaMean.nUnits = units
        estimates.kappaMean.nValues = values
        estimates.kappaMean.nCoders = coders.filter { $0 }.count
    }
}

/// Percentile bootstrap over units.
enum AgreementBootstrap {
    /// One interval per row of `AgreementEstimates.rows`, for matrices sharing units (resampled together).
    ///
    /// Units that no coder coded in any of the matrices carry no information and are not resampled.
    /// Resample b draws its units with its own xoshiro256** stream seeded from SplitMix64(seed),
    /// so a seed reproduces the intervals exactly, on any platform.
    static func intervals(matrices: [ReliabilityMatrix], options: AgreementOptions) -> [AgreementConfidenceInterval] {
        let first = matrices[0]
        let m = first.coderCount, q = first.categories.count

        // Units with at least one value somewhere.
        let coded = (0..<first.unitCount).filter { u in
            matrices.contains { matrix in (0..<m).contains { matrix.values[u * m + $0] >= 0 } }
        }

        // Distinct rows per matrix, so a resample is a weight vector over a few patterns.
        let compressed = matrices.map { compress($0, units: coded) }
        let resamples = options.bootstrapResamples
        var seeds = AgreementSplitMix64(seed: options.seed)
        let streamSeeds = (0..<resamples).map { _ in seeds.next() }

        let samples: [[Double?]] = AgreementParallel.map(Array(0..<resamples)) { b in
            guard !coded.isEmpty else { return [] }
            var rng = AgreementXoshiro256(seed: streamSeeds[b])
            var draws = [Int32](repeating: 0, count: coded.count)
            for _ in 0..<coded.count { draws[rng.next(below: coded.count)] += 1 }
            var tally = AgreementTally(q: q, m: m)
            for pattern in compressed {
                var weights = [Int32](repeating: 0, count: pattern.count)
                for i in 0..<coded.count { weights[Int(pattern.patternOf[i])] += draws[i] }
                pattern.values.withUnsafeBufferPointer { values in
                    weights.withUnsafeBufferPointer { tally.accumulate(values: values, rows: pattern.count, weights: $0) }
                }
            }
            return tally.estimates(coders: first.coders, categories: first.categories).values
        }

        let slotCount = AgreementTally(q: q, m: m).estimates(coders: first.coders, categories: first.categories).rows.count
        let tail = min(max((1 - options.confidenceLevel) / 2, 0), 0.5)
        return (0..<slotCount).map { slot in
            var defined = samples.compactMap { $0.isEmpty ? nil : $0[slot] }
            defined.sort()
            let undefinedCount = resamples - defined.count
            return AgreementConfidenceInterval(
                lower: percentile(defined, tail), upper: percentile(defined, 1 - tail),
                level: options.confidenceLevel, resamples: resamples, undefinedResamples: undefinedCount,
                seed: options.seed)
        }
    }

    /// Type-7 (linear interpolation) quantile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    struct Patterns {
        var values: [Int32]      // distinct rows, row-major
        var count: Int           // number of distinct rows
        var patternOf: [Int32]   // for each resampled unit, its row pattern
    }

    static func compress(_ matrix: ReliabilityMatrix, units: [Int]) -> Patterns {
        let m = matrix.coderCount
        var index: [ArraySlice<Int32>: Int32] = [:]
        var values: [Int32] = []
        var patternOf = [Int32](repeating: 0, count: units.count)
        for (i, u) in units.enumerated() {
            let row = matrix.values[(u * m)..<(u * m + m)]
            if let existing = index[row] {
                patternOf[i] = existing
            } else {
                let id = Int32(index.count)
                index[row] = id
                values.append(contentsOf: row)
                patternOf[i] = id
            }
        }
        return Patterns(values: values, count: index.count, patternOf: patternOf)
    }
}

/// Order-preserving parallel map over the machine's cores (deterministic: each element is computed alone).
enum AgreementParallel {
    static func map<Element: Sendable, Result: Sendable>(_ items: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, items.count)
        if workers <= 1 { return items.map(transform) }
        let box = ResultBox<Result>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < items.count {
                box.set(i, transform(items[i]))
                i += workers
            }
        }
        return box.results()
    }

    /// Each slot is written by exactly one worker and read after all have finished.
    private final class ResultBox<Result>: @unchecked Sendable {
        private var slots: [Result?]
        private let lock = NSLock()
        init(count: Int) { slots = [Result?](repeating: nil, count: count) }
        func set(_ i: Int, _ value: Result) {
            lock.lock()
            slots[i] = value
            lock.unlock()
        }
        func results() -> [Result] { slots.map { $0! } }
    }
}

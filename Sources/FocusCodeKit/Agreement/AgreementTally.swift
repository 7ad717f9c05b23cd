import Foundation

/// Integer sufficient statistics of a reliability matrix, from which every coefficient follows.
///
/// Everything is an exact integer count, so definedness is decided without floating-point tests,
/// tallies of several matrices add up exactly (pooling = concatenating units), and a bootstrap
/// resample is the same tally with integer unit weights. Counts are bucketed by m_u, the number
/// of values in a unit, because every per-unit term divides by a function of m_u only.
struct AgreementTally: Sendable {
    /// Categories (q) and coders (m).
    let q: Int
    let m: Int
    /// Units by number of values: unitsByM[mu].
    var unitsByM: [Int]
    /// Σ_u Σ_k n_uk(n_uk − 1) by m_u: ordered pairs of equal values.
    var agreeByM: [Int]
    /// Σ_u n_uk by m_u and category: catByM[mu * q + k].
    var catByM: [Int]
    /// Coder-pair confusion counts: confusion[pair * q * q + valueA * q + valueB], pairs (0,1), (0,2), …, (1,2), …
    var confusion: [Int]
    /// Values given by each coder (any unit).
    var coderValues: [Int]

    init(q: Int, m: Int) {
        self.q = q
        self.m = m
        unitsByM = [Int](repeating: 0, count: m + 1)
        agreeByM = [Int](repeating: 0, count: m + 1)
        catByM = [Int](repeating: 0, count: (m + 1) * q)
        confusion = [Int](repeating: 0, count: m * (m - 1) / 2 * q * q)
        coderValues = [Int](repeating: 0, count: m)
    }

    /// Adds `rows` rows of `values` (row-major, `m` per row, -1 missing); row r counts `weights[r]` times (1 when nil).
    mutating func accumulate(values: UnsafeBufferPointer<Int32>, rows: Int, weights: UnsafeBufferPointer<Int32>?) {
        let m = self.m, q = self.q
        var counts = [Int](repeating: 0, count: q)
        var pairBase = [Int](repeating: 0, count: m)
        for a in 0..<m { pairBase[a] = (a * m - a * (a + 1) / 2 - a - 1) * q * q }
        // Unsafe buffers because this loop is the whole cost of a report (about 2.5× faster than
        // checked arrays); ReliabilityMatrix guarantees every value is in -1..<q.
        unitsByM.withUnsafeMutableBufferPointer { unitsByM in
        agreeByM.withUnsafeMutableBufferPointer { agreeByM in
        catByM.withUnsafeMutableBufferPointer { catByM in
        confusion.withUnsafeMutableBufferPointer { confusion in
        coderValues.withUnsafeMutableBufferPointer { coderValues in
        counts.withUnsafeMutableBufferPointer { counts in
        pairBase.withUnsafeBufferPointer { pairBase in
            for r in 0..<rows {
                let w = weights.map { Int($0[r]) } ?? 1
                if w == 0 { continue }
                let row = r * m
                for k in 0..<q { counts[k] = 0 }
                var mu = 0
                for a in 0..<m {
                    let va = Int(values[row + a])
                    if va < 0 { continue }
                    counts[va] += 1
                    mu += 1
                    coderValues[a] += w
                    // Pair (a, b) for every later coder b with a value; its block starts at pairBase[a] + b·q².
                    var b = a + 1
                    while b < m {
                        let vb = Int(values[row + b])
                        if vb >= 0 { confusion[pairBase[a] + b * q * q + va * q + vb] += w }
                        b += 1
                    }
                }
                if mu == 0 { continue }
                var agree = 0
                let catRow = mu * q
                for k in 0..<q {
                    let n = counts[k]
                    agree += n * (n - 1)
                    catByM[catRow + k] += w * n
                }
                unitsByM[mu] += w
                agreeByM[mu] += w * agree
            }
        }}}}}}}
    }

    /// Adds another tally of the same shape (pooling by concatenating units).
    mutating func add(_ other: AgreementTally) {
        precondition(other.q == q && other.m == m, "tallies of different shapes")
        for i in unitsByM.indices { unitsByM[i] += other.unitsByM[i] }
        for i in agreeByM.indices { agreeByM[i] += other.agreeByM[i] }
        for i in catByM.indices { catByM[i] += other.catByM[i] }
        for i in confusion.indices { confusion[i] += other.confusion[i] }
        for i in coderValues.indices { coderValues[i] += other.coderValues[i] }
    }

    /// Tally of a whole matrix, every unit once.
    static func of(_ matrix: ReliabilityMatrix) -> AgreementTally {
        var tally = AgreementTally(q: matrix.categories.count, m: matrix.coders.count)
        matrix.values.withUnsafeBufferPointer { tally.accumulate(values: $0, rows: matrix.unitCount, weights: nil) }
        return tally
    }
}

/// Why a coefficient has no value (kept structured so bootstrap loops need not build text).
enum AgreementUndefinedReason: Sendable, Equatable {
    case tooFewCoders(Int)
    case noPairableValues
    case noSharedUnit(String, String)
    case pairNoVariation(String, String, category: String)
    case noVariation(category: String, scope: String)
    case noDefinedPair
    case noPairWithSharedUnit
    case scottNeedsTwoCoders(Int)
    case noCompleteCase(Int)
    case singleCategory

    var message: String {
        switch self {
        case .tooFewCoders(let m):
            return m == 1 ? "only one coder: agreement needs at least two coders" : "no coders: agreement needs at least two coders"
        case .noPairableValues:
            return "no unit was coded by two or more coders, so there is no pair of values to compare"
        case .noSharedUnit(let a, let b):
            return "coders \(a) and \(b) coded no unit in common"
        case .pairNoVariation(let a, let b, let category):
            return "coders \(a) and \(b) gave every shared unit the same category '\(category)': chance agreement is 1, so κ is 0/0"
        case .noVariation(let category, let scope):
            return "every \(scope) is the same category '\(category)': expected disagreement is 0, so the coefficient is 0/0 (see percent agreement)"
        case .noDefinedPair:
            return "no coder pair has a defined Cohen's κ"
        case .noPairWithSharedUnit:
            return "no coder pair shares a unit"
        case .scottNeedsTwoCoders(let m):
            return "Scott's π is for exactly two coders and this variable has \(m); see Fleiss' κ or Krippendorff's α"
        case .noCompleteCase(let m):
            return "no unit was coded by all \(m) coders, so there is no complete case; see fleiss_kappa_gwet_missing"
        case .singleCategory:
            return "AC1 needs at least two categories (q = 1)"
        }
    }
}

/// One coefficient's value (or reason) with the counts that entered it.
struct AgreementEstimate: Sendable {
    var value: Double?
    var reason: AgreementUndefinedReason?
    var nUnits = 0
    var nCoders = 0
    var nValues = 0
    var minorityShare: Double?

    static func undefined(_ reason: AgreementUndefinedReason) -> AgreementEstimate {
        AgreementEstimate(value: nil, reason: reason)
    }
}

/// Every coefficient of one variable, in PRODUCT.md §7 order.
struct AgreementEstimates: Sendable {
    var percentPairs: [AgreementEstimate]
    var percentPairwiseMean: AgreementEstimate
    var percentUnitMean: AgreementEstimate
    var percentObserved: AgreementEstimate
    var kappaPairs: [AgreementEstimate]
    var kappaMean: AgreementEstimate
    var scottPi: AgreementEstimate
    var fleissComplete: AgreementEstimate
    var fleissGwet: AgreementEstimate
    var alpha: AgreementEstimate
    var ac1: AgreementEstimate

    /// (coefficient, pair index or nil, estimate) in output order.
    var rows: [(AgreementCoefficient, Int?, AgreementEstimate)] {
        var out: [(AgreementCoefficient, Int?, AgreementEstimate)] = []
        for (i, e) in percentPairs.enumerated() { out.append((.percentAgreementPair, i, e)) }
        out.append((.percentAgreementPairwiseMean, nil, percentPairwiseMean))
        out.append((.percentAgreementUnitMean, nil, percentUnitMean))
        out.append((.percentAgreementKrippendorffObserved, nil, percentObserved))
        for (i, e) in kappaPairs.enumerated() { out.append((.cohenKappaPair, i, e)) }
        out.append((.cohenKappaMeanOverPairs, nil, kappaMean))
        out.append((.scottPi, nil, scottPi))
        out.append((.fleissKappaCompleteCases, nil, fleissComplete))
        out.append((.fleissKappaGwetMissing, nil, fleissGwet))
        out.append((.krippendorffAlphaNominal, nil, alpha))
        out.append((.gwetAC1, nil, ac1))
        return out
    }

    /// Just the values, in the order of `rows` (for the bootstrap).
    var values: [Double?] { rows.map(\.2.value) }
}

extension AgreementTally {
    /// Every coefficient from the tally. `coders`/`categories` only label the reasons.
    func estimates(coders: [String], categories: [String]) -> AgreementEstimates {
        let m = self.m, q = self.q
        let qq = q * q

        // Unit-level totals over units with ≥ 1 and ≥ 2 values.
        var unitsWithValue = 0, pairableUnits = 0, pairableValues = 0
        var agreeOverM1 = 0.0        // Σ_u Σ_k n_uk(n_uk−1)/(m_u−1): coincidence-matrix diagonal
        var unitMeanSum = 0.0        // Σ_u Σ_k n_uk(n_uk−1)/(m_u(m_u−1))
        var pairableTotals = [Int](repeating: 0, count: q)
        var valueTotals = [Int](repeating: 0, count: q)
        var piSum = [Double](repeating: 0, count: q)  // Σ_u n_uk/m_u
        if m >= 1 {
            for mu in 1...m where unitsByM[mu] > 0 {
                unitsWithValue += unitsByM[mu]
                for k in 0..<q {
                    let c = catByM[mu * q + k]
                    valueTotals[k] += c
                    piSum[k] += Double(c) / Double(mu)
                    if mu >= 2 { pairableTotals[k] += c }
                }
                if mu >= 2 {
                    pairableUnits += unitsByM[mu]
                    pairableValues += mu * unitsByM[mu]
                    agreeOverM1 += Double(agreeByM[mu]) / Double(mu - 1)
                    unitMeanSum += Double(agreeByM[mu]) / Double(mu * (mu - 1))
                }
            }
        }

        // Pairs.
        var percentPairs: [AgreementEstimate] = []
        var kappaPairs: [AgreementEstimate] = []
        var pairTotals: [[Int]] = []
        var codersInPairs = Set<Int>()
        var p = 0
        for a in 0..<m {
            for b in (a + 1)..<max(m, a + 1) {
                let base = p * qq
                var n = 0, agree = 0, chance = 0
                var totals = [Int](repeating: 0, count: q)
                var rowMargin = [Int](repeating: 0, count: q), colMargin = [Int](repeating: 0, count: q)
                for i in 0..<q {
                    for j in 0..<q {
                        let c = confusion[base + i * q + j]
                        n += c
                        rowMargin[i] += c
                        colMargin[j] += c
                    }
                    agree += confusion[base + i * q + i]
                }
                for k in 0..<q {
                    chance += rowMargin[k] * colMargin[k]
                    totals[k] = rowMargin[k] + colMargin[k]
                }
                pairTotals.append(totals)
                let share = Self.minorityShare(totals)
                if n == 0 {
                    percentPairs.append(.undefined(.noSharedUnit(coders[a], coders[b])))
                    kappaPairs.append(.undefined(.noSharedUnit(coders[a], coders[b])))
                } else {
                    codersInPairs.insert(a)
                    codersInPairs.insert(b)
                    percentPairs.append(AgreementEstimate(
                        value: Double(agree) / Double(n), nUnits: n, nCoders: 2, nValues: 2 * n, minorityShare: share))
                    // κ = (N·agree − Σ a_k b_k) / (N² − Σ a_k b_k); the denominator is 0 exactly when
                    // both coders used one and the same category throughout.
                    let denominator = n * n - chance
                    if denominator == 0 {
                        let k = rowMargin.firstIndex { $0 > 0 } ?? 0
                        var e = AgreementEstimate.undefined(.pairNoVariation(coders[a], coders[b], category: categories[k]))
                        (e.nUnits, e.nCoders, e.nValues, e.minorityShare) = (n, 2, 2 * n, share)
                        kappaPairs.append(e)
                    } else {
                        kappaPairs.append(AgreementEstimate(
                            value: Double(n * agree - chance) / Double(denominator),
                            nUnits: n, nCoders: 2, nValues: 2 * n, minorityShare: share))
                    }
                }
                p += 1
            }
        }

        let pairableShare = Self.minorityShare(pairableTotals)
        let noPairs: AgreementUndefinedReason = m < 2 ? .tooFewCoders(m) : .noPairableValues
        func pairable(_ value: Double?) -> AgreementEstimate {
            AgreementEstimate(value: value, reason: nil, nUnits: pairableUnits, nCoders: codersInPairs.count,
                              nValues: pairableValues, minorityShare: pairableShare)
        }

        // Means over pairs. Light's κ coverage is refined by the caller when some pair is left out.
        let percentPairwiseMean: AgreementEstimate
        let definedPercent = percentPairs.compactMap(\.value)
        if definedPercent.isEmpty {
            percentPairwiseMean = .undefined(m < 2 ? .tooFewCoders(m) : .noPairWithSharedUnit)
        } else {
            percentPairwiseMean = pairable(definedPercent.reduce(0, +) / Double(definedPercent.count))
        }
        let kappaMean: AgreementEstimate
        let definedKappa = kappaPairs.compactMap(\.value)
        if definedKappa.isEmpty {
            kappaMean = .undefined(m < 2 ? .tooFewCoders(m) : (definedPercent.isEmpty ? .noPairWithSharedUnit : .noDefinedPair))
        } else {
            kappaMean = pairable(definedKappa.reduce(0, +) / Double(definedKappa.count))
        }

        // Unit-level percent agreements and α.
        let percentUnitMean: AgreementEstimate
        let percentObserved: AgreementEstimate
        let alpha: AgreementEstimate
        let constantPairable = pairableTotals.firstIndex { $0 == pairableValues } // all pairable values one category
        if pairableUnits == 0 {
            percentUnitMean = .undefined(noPairs)
            percentObserved = .undefined(noPairs)
            alpha = .undefined(noPairs)
        } else {
            percentUnitMean = pairable(unitMeanSum / Double(pairableUnits))
            percentObserved = pairable(agreeOverM1 / Double(pairableValues))
            if let k = constantPairable {
                var e = pairable(nil)
                e.reason = .noVariation(category: categories[k], scope: "pairable value")
                alpha = e
            } else {
                // α = 1 − (n − 1)·D / (n² − Σ n_c²), D = n − Σ_c o_cc (off-diagonal coincidences).
                let n = pairableValues
                let expected = n * n - pairableTotals.reduce(0) { $0 + $1 * $1 }
                let disagreement = Double(n) - agreeOverM1
                alpha = pairable(1 - Double(n - 1) * disagreement / Double(expected))
            }
        }

        // Scott's π: exactly two coders, pairwise deletion (the only pair).
        var scott: AgreementEstimate
        if m != 2 {
            scott = .undefined(m < 2 ? .tooFewCoders(m) : .scottNeedsTwoCoders(m))
        } else {
            let totals = pairTotals[0]
            let n2 = totals.reduce(0, +)  // 2N
            if n2 == 0 {
                scott = .undefined(.noSharedUnit(coders[0], coders[1]))
            } else {
                let agree = (0..<q).reduce(0) { $0 + confusion[$1 * q + $1] }
                let sumSquares = totals.reduce(0) { $0 + $1 * $1 }
                // π = (4N·agree − Σ c_k²) / (4N² − Σ c_k²) with c_k = n_ak + n_bk, 2N = n2.
                let denominator = n2 * n2 - sumSquares
                scott = AgreementEstimate(value: nil, nUnits: n2 / 2, nCoders: 2, nValues: n2, minorityShare: Self.minorityShare(totals))
                if denominator == 0 {
                    let k = totals.firstIndex { $0 > 0 } ?? 0
                    scott.reason = .noVariation(category: categories[k], scope: "value of the two coders")
                } else {
                    scott.value = Double(2 * n2 * agree - sumSquares) / Double(denominator)
                }
            }
        }

        // Fleiss' κ on complete cases (units with all m values).
        var fleissComplete: AgreementEstimate
        if m < 2 {
            fleissComplete = .undefined(.tooFewCoders(m))
        } else if unitsByM[m] == 0 {
            fleissComplete = .undefined(.noCompleteCase(m))
        } else {
            let units = unitsByM[m], t = units * m
            let totals = (0..<q).map { catByM[m * q + $0] }
            let sumSquares = totals.reduce(0) { $0 + $1 * $1 }
            fleissComplete = AgreementEstimate(value: nil, nUnits: units, nCoders: m, nValues: t, minorityShare: Self.minorityShare(totals))
            if t * t == sumSquares {
                let k = totals.firstIndex { $0 > 0 } ?? 0
                fleissComplete.reason = .noVariation(category: categories[k], scope: "value of the complete cases")
            } else {
                let pBar = Double(agreeByM[m]) / Double(units * m * (m - 1))
                let pe = Double(sumSquares) / (Double(t) * Double(t))
                fleissComplete.value = (pBar - pe) / (1 - pe)
            }
        }

        // Gwet's forms (Fleiss' κ with missing data, AC1): p_a over units with ≥ 2 values,
        // π_k = mean over units with ≥ 1 value of n_uk/m_u (as irrCAC's fleiss.kappa.raw / gwet.ac1.raw).
        var fleissGwet: AgreementEstimate
        var ac1: AgreementEstimate
        let codersWithValues = coderValues.filter { $0 > 0 }.count
        if pairableUnits == 0 {
            fleissGwet = .undefined(noPairs)
            ac1 = .undefined(noPairs)
        } else {
            let pa = unitMeanSum / Double(pairableUnits)
            let pi = piSum.map { $0 / Double(unitsWithValue) }
            func gwet(_ value: Double?, share: Double?) -> AgreementEstimate {
                AgreementEstimate(value: value, nUnits: unitsWithValue, nCoders: codersWithValues,
                                  nValues: pairableValues, minorityShare: share)
            }
            let usedCategories = valueTotals.filter { $0 > 0 }.count
            if usedCategories < 2 {
                let k = valueTotals.firstIndex { $0 > 0 } ?? 0
                fleissGwet = gwet(nil, share: Self.minorityShare(valueTotals))
                fleissGwet.reason = .noVariation(category: categories[k], scope: "value")
            } else {
                let pe = pi.reduce(0) { $0 + $1 * $1 }
                fleissGwet = gwet((pa - pe) / (1 - pe), share: Self.minorityShare(valueTotals))
            }
            if q < 2 {
                ac1 = gwet(nil, share: pairableShare)
                ac1.reason = .singleCategory
            } else {
                // p_e ≤ 1/q < 1, so AC1 is defined whenever there is a pair of values.
                let pe = pi.reduce(0) { $0 + $1 * (1 - $1) } / Double(q - 1)
                ac1 = gwet((pa - pe) / (1 - pe), share: pairableShare)
            }
        }

        return AgreementEstimates(
            percentPairs: percentPairs, percentPairwiseMean: percentPairwiseMean,
            percentUnitMean: percentUnitMean, percentObserved: percentObserved,
            kappaPairs: kappaPairs, kappaMean: kappaMean, scottPi: scott,
            fleissComplete: fleissComplete, fleissGwet: fleissGwet, alpha: alpha, ac1: ac1)
    }

    /// Share of values outside the most frequent category; nil when there are no values.
    static func minorityShare(_ totals: [Int]) -> Double? {
        let all = totals.reduce(0, +)
        guard all > 0 else { return nil }
        return Double(all - (totals.max() ?? 0)) / Double(all)
    }
}

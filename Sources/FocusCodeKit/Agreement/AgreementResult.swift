import Foundation

/// The coefficients of PRODUCT.md §7; the raw value is the stable CSV/JSON name.
public enum AgreementCoefficient: String, Codable, Sendable, CaseIterable {
    case percentAgreementPair = "percent_agreement.pair"
    case percentAgreementPairwiseMean = "percent_agreement.pairwise_mean"
    case percentAgreementUnitMean = "percent_agreement.unit_mean"
    case percentAgreementKrippendorffObserved = "percent_agreement.krippendorff_observed"
    case cohenKappaPair = "cohen_kappa.pair"
    case cohenKappaMeanOverPairs = "cohen_kappa.mean_over_pairs"
    case scottPi = "scott_pi"
    case fleissKappaCompleteCases = "fleiss_kappa_complete_cases"
    case fleissKappaGwetMissing = "fleiss_kappa_gwet_missing"
    case krippendorffAlphaNominal = "krippendorff_alpha_nominal"
    case gwetAC1 = "gwet_ac1"

    /// True for the rows that are reported once per coder pair (`pair` = `coderA|coderB`).
    public var isPairwise: Bool { self == .percentAgreementPair || self == .cohenKappaPair }

    /// A short name for people (legends, table headers).
    public var displayName: String {
        switch self {
        case .percentAgreementPair: return "percent agreement (pair)"
        case .percentAgreementPairwiseMean: return "percent agreement (mean over pairs)"
        case .percentAgreementUnitMean: return "percent agreement (unit mean)"
        case .percentAgreementKrippendorffObserved: return "percent agreement (Krippendorff 1 − D_o)"
        case .cohenKappaPair: return "Cohen's κ (pair)"
        case .cohenKappaMeanOverPairs: return "Light's κ (mean Cohen's κ over pairs)"
        case .scottPi: return "Scott's π"
        case .fleissKappaCompleteCases: return "Fleiss' κ (complete cases)"
        case .fleissKappaGwetMissing: return "Fleiss' κ (Gwet's form for missing data)"
        case .krippendorffAlphaNominal: return "Krippendorff's α (nominal)"
        case .gwetAC1: return "Gwet's AC1"
        }
    }

    /// The formula, as stated in JSON output and legends.
    public var formula: String {
        switch self {
        case .percentAgreementPair:
            return "P_o(a,b) = units where a and b give the same category / units coded by both a and b (pairwise deletion)"
        case .percentAgreementPairwiseMean:
            return "mean of P_o(a,b) over coder pairs that share at least one unit (unweighted)"
        case .percentAgreementUnitMean:
            return "p_a = (1/N2) Σ_u Σ_k n_uk(n_uk − 1) / (m_u(m_u − 1)) over the N2 units with m_u ≥ 2 values"
        case .percentAgreementKrippendorffObserved:
            return "1 − D_o = (1/n) Σ_u Σ_k n_uk(n_uk − 1)/(m_u − 1), n = pairable values (units with m_u ≥ 2)"
        case .cohenKappaPair:
            return "Cohen (1960): κ = (p_o − p_e)/(1 − p_e), p_e = Σ_k p_a(k)·p_b(k) from each coder's own marginals, units coded by both"
        case .cohenKappaMeanOverPairs:
            return "Light (1971): mean of Cohen's κ over the coder pairs where it is defined"
        case .scottPi:
            return "Scott (1955): π = (p_o − p_e)/(1 − p_e), p_e = Σ_k ((n_ak + n_bk)/2N)², two coders, units coded by both"
        case .fleissKappaCompleteCases:
            return "Fleiss (1971): κ = (P̄ − P̄_e)/(1 − P̄_e), P̄ = mean_u Σ_k n_uk(n_uk − 1)/(m(m − 1)), P̄_e = Σ_k p_k², units coded by all m coders"
        case .fleissKappaGwetMissing:
            return "Gwet (2014): κ = (p_a − p_e)/(1 − p_e), p_a = unit mean over m_u ≥ 2, p_e = Σ_k π_k², π_k = mean over units with m_u ≥ 1 of n_uk/m_u"
        case .krippendorffAlphaNominal:
            return "Krippendorff (2011): α = 1 − D_o/D_e = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k, coincidences from units with m_u ≥ 2"
        case .gwetAC1:
            return "Gwet (2008): AC1 = (p_a − p_e)/(1 − p_e), p_a = unit mean over m_u ≥ 2, p_e = Σ_k π_k(1 − π_k)/(q − 1), q = all categories"
        }
    }

    /// Coefficients whose chance correction is distorted by a rare category (the "kappa paradox").
    public var isPrevalenceSensitive: Bool {
        switch self {
        case .cohenKappaPair, .cohenKappaMeanOverPairs, .scottPi, .fleissKappaCompleteCases,
             .fleissKappaGwetMissing, .krippendorffAlphaNominal:
            return true
        case .percentAgreementPair, .percentAgreementPairwiseMean, .percentAgreementUnitMean,
             .percentAgreementKrippendorffObserved, .gwetAC1:
            return false
        }
    }
}

/// Whether a coefficient has a value. Undefined is never shown as a number.
public enum AgreementStatus: String, Codable, Sendable {
    case defined
    case undefined
}

/// What a variable measures: one code (applied / not applied), a mutually exclusive branch, or all codes pooled.
public enum AgreementVariableKind: String, Codable, Sendable {
    /// One code: 1 applied, 0 reviewed and not applied.
    case binary
    /// A mutually exclusive set of codes: the value is the code applied.
    case nominal
    /// Every per-code binary variable stacked into one (a unit is an excerpt × code cell).
    case pooled
}

/// A percentile bootstrap interval and how many resamples could not be used.
public struct AgreementConfidenceInterval: Codable, Sendable, Equatable {
    /// Lower bound; nil when every resample was undefined.
    public var lower: Double?
    /// Upper bound; nil when every resample was undefined.
    public var upper: Double?
    /// Confidence level, e.g. 0.95.
    public var level: Double
    /// Number of bootstrap resamples drawn.
    public var resamples: Int
    /// Resamples in which the coefficient was undefined (left out of the percentiles).
    public var undefinedResamples: Int
    /// The seed that reproduces the interval.
    public var seed: UInt64

    public init(lower: Double?, upper: Double?, level: Double, resamples: Int, undefinedResamples: Int, seed: UInt64) {
        self.lower = lower
        self.upper = upper
        self.level = level
        self.resamples = resamples
        self.undefinedResamples = undefinedResamples
        self.seed = seed
    }

    enum CodingKeys: String, CodingKey {
        case lower, upper, level, resamples, seed
        case undefinedResamples = "undefined_resamples"
    }
}

/// One coefficient for one variable (and, for pairwise rows, one coder pair).
public struct AgreementCoefficientResult: Codable, Sendable, Equatable {
    /// Which coefficient (its raw value is the CSV name).
    public var coefficient: AgreementCoefficient
    /// `coderA|coderB` in coder order for pairwise rows, nil otherwise.
    public var pair: String?
    /// The value; nil exactly when `status` is `.undefined`.
    public var value: Double?
    /// Defined or undefined.
    public var status: AgreementStatus
    /// Why the value is undefined, for people; nil when defined.
    public var reason: String?
    /// Units (excerpts; excerpt × code cells when pooled) that entered the computation.
    public var nUnits: Int
    /// Coders with at least one value among those units.
    public var nCoders: Int
    /// Pairable values that entered (values in units that some other coder also coded).
    public var nValues: Int
    /// The formula used.
    public var formula: String
    /// Bootstrap interval, present when bootstrapping was asked for.
    public var ci: AgreementConfidenceInterval?
    /// Share of the entering values outside the most frequent category (nil when there are none).
    public var minorityShare: Double?
    /// True beside a chance-corrected coefficient when `minorityShare` is below the prevalence threshold.
    public var prevalenceWarning: Bool

    public init(
        coefficient: AgreementCoefficient, pair: String?, value: Double?, reason: String?,
        nUnits: Int, nCoders: Int, nValues: Int, ci: AgreementConfidenceInterval? = nil,
        minorityShare: Double? = nil, prevalenceWarning: Bool = false
    ) {
        self.coefficient = coefficient
        self.pair = pair
        self.value = value
        self.status = value == nil ? .undefined : .defined
        self.reason = value == nil ? (reason ?? "not computable") : nil
        self.nUnits = nUnits
        self.nCoders = nCoders
        self.nValues = nValues
        self.formula = coefficient.formula
        self.ci = ci
        self.minorityShare = minorityShare
        self.prevalenceWarning = prevalenceWarning
    }

    /// The interval as a pair of numbers, when there is one.
    public var interval: (lower: Double, upper: Double)? {
        guard let lower = ci?.lower, let upper = ci?.upper else { return nil }
        return (lower, upper)
    }

    enum CodingKeys: String, CodingKey {
        case coefficient, pair, value, status, reason, formula, ci
        case nUnits = "n_units"
        case nCoders = "n_coders"
        case nValues = "n_values"
        case minorityShare = "minority_share"
        case prevalenceWarning = "prevalence_warning"
    }
}

/// Every coefficient for one variable (`code:<name>`, `nominal` or `pooled`).
public struct AgreementVariableResult: Codable, Sendable, Equatable {
    /// `code:<name>`, `nominal` (or a caller's `nominal:<branch>`), or `pooled`.
    public var variable: String
    /// Binary, nominal or pooled.
    public var kind: AgreementVariableKind
    /// Coders in the order used for pairs.
    public var coders: [String]
    /// Category labels (`0`, `1` for a code; the codes for a nominal variable).
    public var categories: [String]
    /// What one unit is: "excerpt", or "excerpt × code" for the pooled variable.
    public var unitOfAnalysis: String
    /// Units in the matrix, including units nobody coded (excerpt × code cells when pooled).
    public var unitCount: Int
    /// Rows in the order of PRODUCT.md §7, pairwise rows in coder-pair order.
    public var coefficients: [AgreementCoefficientResult]

    public init(
        variable: String, kind: AgreementVariableKind, coders: [String], categories: [String],
        unitCount: Int, coefficients: [AgreementCoefficientResult]
    ) {
        self.variable = variable
        self.kind = kind
        self.coders = coders
        self.categories = categories
        self.unitOfAnalysis = kind == .pooled ? "excerpt × code" : "excerpt"
        self.unitCount = unitCount
        self.coefficients = coefficients
    }

    /// The row for a coefficient (and pair, for pairwise coefficients).
    public func result(_ coefficient: AgreementCoefficient, pair: String? = nil) -> AgreementCoefficientResult? {
        coefficients.first { $0.coefficient == coefficient && $0.pair == pair }
    }

    enum CodingKeys: String, CodingKey {
        case variable, kind, coders, categories, coefficients
        case unitCount = "unit_count"
        case unitOfAnalysis = "unit"
    }
}

/// Options for an agreement analysis.
public struct AgreementOptions: Codable, Sendable, Equatable {
    /// Bootstrap resamples over units; 0 computes no intervals.
    public var bootstrapResamples: Int
    /// Seed of the bootstrap generator (same seed, same data → same intervals on every platform).
    public var seed: UInt64
    /// Confidence level of the percentile intervals.
    public var confidenceLevel: Double
    /// Minority share below which a chance-corrected coefficient carries a prevalence warning.
    public var prevalenceThreshold: Double

    public init(bootstrapResamples: Int = 0, seed: UInt64 = 20_240_601, confidenceLevel: Double = 0.95, prevalenceThreshold: Double = 0.10) {
        self.bootstrapResamples = bootstrapResamples
        self.seed = seed
        self.confidenceLevel = confidenceLevel
        self.prevalenceThreshold = prevalenceThreshold
    }

    enum CodingKeys: String, CodingKey {
        case seed
        case bootstrapResamples = "bootstrap_resamples"
        case confidenceLevel = "confidence_level"
        case prevalenceThreshold = "prevalence_threshold"
    }
}

/// A whole agreement analysis, computed once; renderers print it without computing.
public struct AgreementReport: Codable, Sendable, Equatable {
    /// One entry per variable: per code, then pooled, then nominal variables.
    public var variables: [AgreementVariableResult]
    /// The options the report was computed with.
    public var options: AgreementOptions

    public init(variables: [AgreementVariableResult], options: AgreementOptions) {
        self.variables = variables
        self.options = options
    }

    /// The header of the machine-readable CSV (PRODUCT.md §7).
    public static let csvHeader = "variable,coefficient,pair,value,status,n_units"

    /// CSV lines (header first) `variable,coefficient,pair,value,status,n_units`; value empty when undefined.
    public func csvRows(includeHeader: Bool = true) -> [String] {
        var lines: [String] = includeHeader ? [Self.csvHeader] : []
        for variable in variables {
            for row in variable.coefficients {
                let fields = [
                    variable.variable,
                    row.coefficient.rawValue,
                    row.pair ?? "",
                    row.value.map(Self.formatValue) ?? "",
                    row.status.rawValue,
                    String(row.nUnits),
                ]
                let neutralise = CSVFormulas.neutralise
                lines.append(fields.map { Self.csvField(neutralise ? CSV.neutralised($0) : $0) }.joined(separator: ","))
            }
        }
        return lines
    }

    /// The shortest decimal text that reads back as the same Double (no NaN or ∞ can reach here).
    static func formatValue(_ value: Double) -> String {
        let clean = value == 0 ? 0 : value  // no "-0.0"
        return "\(clean)"
    }

    /// RFC 4180 quoting: only fields with a comma, quote or line break are quoted.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

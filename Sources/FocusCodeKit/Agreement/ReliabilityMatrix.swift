import Foundation

/// A reliability data matrix: units × coders, each cell a category index or missing.
///
/// Values are stored flat and row-major (`values[unit * coders.count + coder]`) as `Int32`,
/// with `ReliabilityMatrix.missing` (-1) for "this coder did not review this unit".
/// Missing is never a category.
public struct ReliabilityMatrix: Codable, Sendable, Equatable {
    /// The value that marks a missing cell.
    public static let missing: Int32 = -1

    /// The variable's name: `code:<name>`, `nominal` or a caller's own.
    public let variable: String
    /// Binary (one code) or nominal (an exclusive branch).
    public let kind: AgreementVariableKind
    /// Unit (excerpt) IDs, one per row.
    public let units: [String]
    /// Coders, one per column; their order is the pair order (`a|b` with a before b).
    public let coders: [String]
    /// Category labels; a cell holds an index into this list. Its count is q for AC1.
    public let categories: [String]
    /// Row-major cells, `units.count × coders.count`, -1 for missing.
    public let values: [Int32]

    /// Checks shape, names and value range.
    public init(
        variable: String, kind: AgreementVariableKind, units: [String], coders: [String],
        categories: [String], values: [Int32]
    ) throws {
        guard kind != .pooled else {
            throw AgreementInputError.invalidMatrix(variable: variable, problem: "a pooled variable is built by AgreementAnalysis.analysePooled from per-code matrices, not stored as one matrix")
        }
        guard values.count == units.count * coders.count else {
            throw AgreementInputError.invalidMatrix(variable: variable, problem: "\(values.count) cells for \(units.count) units × \(coders.count) coders")
        }
        guard !categories.isEmpty else {
            throw AgreementInputError.invalidMatrix(variable: variable, problem: "no categories; give at least one category label")
        }
        if kind == .binary, categories.count != 2 {
            throw AgreementInputError.invalidMatrix(variable: variable, problem: "a binary variable has exactly two categories (0 and 1), not \(categories.count)")
        }
        if let duplicate = Self.firstDuplicate(coders) { throw AgreementInputError.duplicateName(kind: "coder", name: duplicate) }
        if let duplicate = Self.firstDuplicate(units) { throw AgreementInputError.duplicateName(kind: "unit", name: duplicate) }
        if let duplicate = Self.firstDuplicate(categories) { throw AgreementInputError.duplicateName(kind: "category", name: duplicate) }
        let q = Int32(categories.count)
        if let bad = values.firstIndex(where: { $0 < -1 || $0 >= q }) {
            let unit = units[bad / max(coders.count, 1)], coder = coders[bad % max(coders.count, 1)]
            throw AgreementInputError.invalidMatrix(variable: variable, problem: "unit '\(unit)', coder '\(coder)' has value \(values[bad]); use 0..<\(q) or -1 for missing")
        }
        self.variable = variable
        self.kind = kind
        self.units = units
        self.coders = coders
        self.categories = categories
        self.values = values
    }

    /// A matrix from rows of category indices (nil = missing); units are numbered 1, 2, … unless given.
    public init(
        variable: String = "nominal", kind: AgreementVariableKind = .nominal, coders: [String],
        categories: [String], rows: [[Int?]], units: [String]? = nil
    ) throws {
        for (index, row) in rows.enumerated() where row.count != coders.count {
            throw AgreementInputError.invalidMatrix(variable: variable, problem: "row \(index + 1) has \(row.count) values for \(coders.count) coders")
        }
        let flat = rows.flatMap { $0.map { $0.map { Int32(clamping: $0) } ?? Self.missing } }
        try self.init(
            variable: variable, kind: kind, units: units ?? rows.indices.map { String($0 + 1) },
            coders: coders, categories: categories, values: flat)
    }

    /// Decoding checks the matrix like the initialiser does, so a bad file cannot reach the statistics.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            variable: c.decode(String.self, forKey: .variable), kind: c.decode(AgreementVariableKind.self, forKey: .kind),
            units: c.decode([String].self, forKey: .units), coders: c.decode([String].self, forKey: .coders),
            categories: c.decode([String].self, forKey: .categories), values: c.decode([Int32].self, forKey: .values))
    }

    private enum CodingKeys: String, CodingKey { case variable, kind, units, coders, categories, values }

    /// Number of units (rows).
    public var unitCount: Int { units.count }
    /// Number of coders (columns).
    public var coderCount: Int { coders.count }

    /// The category index a coder gave a unit, or nil when missing.
    public func value(unit: Int, coder: Int) -> Int? {
        let v = values[unit * coders.count + coder]
        return v < 0 ? nil : Int(v)
    }

    /// Pair labels `a|b` in coder order: (0,1), (0,2), …, (1,2), …
    public var pairLabels: [String] {
        var labels: [String] = []
        for a in coders.indices { for b in coders.indices where b > a { labels.append("\(coders[a])|\(coders[b])") } }
        return labels
    }

    static func firstDuplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted { return name }
        return nil
    }
}

/// Input problems for the agreement module; each message says what to do.
public enum AgreementInputError: CategorisedError, Equatable {
    /// A coder applied more than one code of a mutually exclusive branch to one unit.
    case multipleCodesInExclusiveVariable(variable: String, unit: String, coder: String, codes: [String])
    /// A record names a coder that is not in the given coder list.
    case unknownCoder(coder: String, unit: String)
    /// A record names a code that is not in the given code list.
    case unknownCode(code: String, unit: String, coder: String)
    /// A record names a unit that is not in the given unit list.
    case unknownUnit(unit: String, coder: String)
    /// A record has an empty unit or coder name.
    case emptyName(field: String, unit: String, coder: String)
    /// A list (units, coders, codes, categories) names the same item twice.
    case duplicateName(kind: String, name: String)
    /// The matrix itself is malformed.
    case invalidMatrix(variable: String, problem: String)
    /// Matrices that cannot be pooled together.
    case incompatibleForPooling(problem: String)
    /// A requested code is not in the data set.
    case codeNotInDataset(code: String)

    public var category: ErrorCategory {
        switch self {
        case .incompatibleForPooling, .codeNotInDataset, .invalidMatrix: return .usage
        default: return .badData
        }
    }

    public var errorDescription: String? {
        switch self {
        case .multipleCodesInExclusiveVariable(let variable, let unit, let coder, let codes):
            return "\(variable): coder '\(coder)' applied \(codes.count) codes (\(codes.joined(separator: ", "))) to unit '\(unit)', but the codes of this variable are mutually exclusive; keep one of them for that unit, or analyse the codes as separate binary variables."
        case .unknownCoder(let coder, let unit):
            return "unit '\(unit)' is coded by '\(coder)', who is not in the coder list; add '\(coder)' to the list or remove those codings."
        case .unknownCode(let code, let unit, let coder):
            return "coder '\(coder)' applied code '\(code)' to unit '\(unit)', but '\(code)' is not in the code list; add it to the list or fix the coding."
        case .unknownUnit(let unit, let coder):
            return "coder '\(coder)' coded unit '\(unit)', which is not in the unit list; add it to the list or remove those codings."
        case .emptyName(let field, let unit, let coder):
            return "a coding has an empty \(field) (unit '\(unit)', coder '\(coder)'); every coding needs a unit and a coder name."
        case .duplicateName(let kind, let name):
            return "the \(kind) list names '\(name)' twice; list each \(kind) once."
        case .invalidMatrix(let variable, let problem):
            return "\(variable): invalid reliability matrix: \(problem)."
        case .incompatibleForPooling(let problem):
            return "cannot pool these variables: \(problem); pool only per-code binary matrices built from one data set."
        case .codeNotInDataset(let code):
            return "code '\(code)' is not in this data set; pass it in the code list when building the data set."
        }
    }
}

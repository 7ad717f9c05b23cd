import Foundation

/// One long-form coding: a coder looked at a unit and applied a code, or (code nil/empty) applied none.
public struct AgreementCodingRecord: Codable, Sendable, Hashable {
    /// The unit (excerpt ID).
    public var unit: String
    /// The coder's name.
    public var coder: String
    /// The code applied; nil or empty means "reviewed, applied none".
    public var code: String?

    public init(unit: String, coder: String, code: String?) {
        self.unit = unit
        self.coder = coder
        self.code = code
    }
}

/// What a nominal variable records for a coder who reviewed a unit but applied none of its codes.
public enum AgreementReviewedWithoutCode: Codable, Sendable, Hashable {
    /// No value: the unit counts as not coded by that coder for this variable (the default).
    case missing
    /// An explicit category with this label (e.g. "none"), added after the codes.
    case category(String)
}

/// Long-form codings interned once, from which per-code binary, pooled and nominal matrices are built.
///
/// A coder has *reviewed* a unit when any record names that (unit, coder); per code the value is
/// 1 if the coder applied the code, 0 if the coder reviewed the unit without applying it, and
/// missing if the coder never reviewed the unit.
public struct AgreementDataset: Sendable {
    /// Units in row order: the given list, else order of first appearance.
    public let units: [String]
    /// Coders in column (and pair) order: the given list, else order of first appearance.
    public let coders: [String]
    /// Codes: the given list (unused codes included), else order of first appearance.
    public let codes: [String]

    /// Reviewed flags, units × coders row-major.
    let reviewed: [Bool]
    /// For each code, the cells (unit * coders + coder) where it was applied.
    let cellsByCode: [[Int32]]

    /// Interns the records, checking them against the lists that are given.
    ///
    /// - Parameters:
    ///   - units: every unit to analyse, including units nobody coded; nil = the units in the records.
    ///   - coders: the coders in pair order; nil = order of first appearance.
    ///   - codes: every code, including unused ones; nil = the codes in the records.
    public init<Records: Sequence>(
        records: Records, units: [String]? = nil, coders: [String]? = nil, codes: [String]? = nil
    ) throws where Records.Element == AgreementCodingRecord {
        var unitIndex = Interner(fixed: units, kind: "unit")
        var coderIndex = Interner(fixed: coders, kind: "coder")
        var codeIndex = Interner(fixed: codes, kind: "code")
        try unitIndex.checkDuplicates()
        try coderIndex.checkDuplicates()
        try codeIndex.checkDuplicates()

        // First pass: intern names into compact triples, so the matrices are built without hashing.
        var unitOf: [Int32] = [], coderOf: [Int32] = [], codeOf: [Int32] = []
        unitOf.reserveCapacity(records.underestimatedCount)
        coderOf.reserveCapacity(records.underestimatedCount)
        codeOf.reserveCapacity(records.underestimatedCount)
        for record in records {
            if record.unit.isEmpty { throw AgreementInputError.emptyName(field: "unit", unit: record.unit, coder: record.coder) }
            if record.coder.isEmpty { throw AgreementInputError.emptyName(field: "coder", unit: record.unit, coder: record.coder) }
            guard let u = unitIndex.index(of: record.unit) else {
                throw AgreementInputError.unknownUnit(unit: record.unit, coder: record.coder)
            }
            guard let c = coderIndex.index(of: record.coder) else {
                throw AgreementInputError.unknownCoder(coder: record.coder, unit: record.unit)
            }
            var k: Int32 = -1
            if let code = record.code, !code.allSatisfy(\.isWhitespace) {
                guard let index = codeIndex.index(of: code) else {
                    throw AgreementInputError.unknownCode(code: code, unit: record.unit, coder: record.coder)
                }
                k = index
            }
            unitOf.append(u)
            coderOf.append(c)
            codeOf.append(k)
        }

        let m = coderIndex.names.count
        var reviewed = [Bool](repeating: false, count: unitIndex.names.count * m)
        var cellsByCode = [[Int32]](repeating: [], count: codeIndex.names.count)
        for i in unitOf.indices {
            let cell = Int(unitOf[i]) * m + Int(coderOf[i])
            reviewed[cell] = true
            if codeOf[i] >= 0 { cellsByCode[Int(codeOf[i])].append(Int32(cell)) }
        }
        self.units = unitIndex.names
        self.coders = coderIndex.names
        self.codes = codeIndex.names
        self.reviewed = reviewed
        self.cellsByCode = cellsByCode
    }

    /// The binary matrix of one code (`code:<name>`): 1 applied, 0 reviewed not applied, missing not reviewed.
    public func binaryMatrix(code: String) throws -> ReliabilityMatrix {
        guard let k = codes.firstIndex(of: code) else { throw AgreementInputError.codeNotInDataset(code: code) }
        return binaryMatrix(codeIndex: k)
    }

    /// One binary matrix per code, in code order.
    public func binaryMatrices() -> [ReliabilityMatrix] {
        codes.indices.map(binaryMatrix(codeIndex:))
    }

    func binaryMatrix(codeIndex k: Int) -> ReliabilityMatrix {
        var values = reviewed.map { $0 ? Int32(0) : ReliabilityMatrix.missing }
        for cell in cellsByCode[k] { values[Int(cell)] = 1 }
        return ReliabilityMatrix(
            unchecked: "code:\(codes[k])", kind: .binary, units: units, coders: coders,
            categories: ["0", "1"], values: values)
    }

    /// A nominal matrix over a mutually exclusive set of codes (all codes by default).
    ///
    /// Codes outside `codes` only mark the unit as reviewed. A coder who applied two codes of the
    /// set to one unit is an error that names the unit and coder. The category count q (for AC1)
    /// is the number of codes in the set, used or not, plus one if `reviewedWithoutCode` is a category.
    public func nominalMatrix(
        codes subset: [String]? = nil, variable: String = "nominal",
        reviewedWithoutCode: AgreementReviewedWithoutCode = .missing
    ) throws -> ReliabilityMatrix {
        let chosen = subset ?? codes
        if let duplicate = ReliabilityMatrix.firstDuplicate(chosen) { throw AgreementInputError.duplicateName(kind: "code", name: duplicate) }
        var categoryOfCode = [Int32](repeating: -1, count: codes.count)
        for (position, code) in chosen.enumerated() {
            guard let k = codes.firstIndex(of: code) else { throw AgreementInputError.codeNotInDataset(code: code) }
            categoryOfCode[k] = Int32(position)
        }
        var categories = chosen
        var noneCategory: Int32?
        if case .category(let label) = reviewedWithoutCode {
            if chosen.contains(label) { throw AgreementInputError.duplicateName(kind: "category", name: label) }
            noneCategory = Int32(categories.count)
            categories.append(label)
        }
        guard !categories.isEmpty else {
            throw AgreementInputError.invalidMatrix(variable: variable, problem: "no codes to analyse; give at least one code")
        }
        var values = [Int32](repeating: ReliabilityMatrix.missing, count: reviewed.count)
        for k in codes.indices where categoryOfCode[k] >= 0 {
            let category = categoryOfCode[k]
            for cell in cellsByCode[k] {
                let c = Int(cell)
                if values[c] >= 0 && values[c] != category {
                    throw conflict(variable: variable, cell: c, chosen: chosen, categoryOfCode: categoryOfCode)
                }
                values[c] = category
            }
        }
        if let none = noneCategory {
            for c in values.indices where values[c] < 0 && reviewed[c] { values[c] = none }
        }
        return ReliabilityMatrix(
            unchecked: variable, kind: .nominal, units: units, coders: coders,
            categories: categories, values: values)
    }

    private func conflict(variable: String, cell: Int, chosen: [String], categoryOfCode: [Int32]) -> AgreementInputError {
        let applied = codes.indices.filter { categoryOfCode[$0] >= 0 && cellsByCode[$0].contains(Int32(cell)) }
            .sorted { categoryOfCode[$0] < categoryOfCode[$1] }
            .map { codes[$0] }
        return .multipleCodesInExclusiveVariable(
            variable: variable, unit: units[cell / coders.count], coder: coders[cell % coders.count], codes: applied)
    }
}

extension ReliabilityMatrix {
    /// For builders that construct a valid matrix by design.
    init(unchecked variable: String, kind: AgreementVariableKind, units: [String], coders: [String], categories: [String], values: [Int32]) {
        self.variable = variable
        self.kind = kind
        self.units = units
        self.coders = coders
        self.categories = categories
        self.values = values
    }
}

/// Maps names to dense indices in order of first appearance; with a fixed list, unknown names are
/// refused. Shared by the record-based dataset and the streaming CSV input.
struct Interner {
    private(set) var names: [String]
    private var index: [String: Int32]
    private let isFixed: Bool
    private let kind: String
    // Long-form files are usually sorted by unit or coder, so the last hit is checked before hashing.
    private var lastName: String?
    private var lastIndex: Int32 = -1

    init(fixed: [String]?, kind: String) {
        self.names = fixed ?? []
        self.isFixed = fixed != nil
        self.kind = kind
        var index: [String: Int32] = [:]
        for (i, name) in (fixed ?? []).enumerated() where index[name] == nil { index[name] = Int32(i) }
        self.index = index
    }

    func checkDuplicates() throws {
        if let duplicate = ReliabilityMatrix.firstDuplicate(names) { throw AgreementInputError.duplicateName(kind: kind, name: duplicate) }
    }

    mutating func index(of name: String) -> Int32? {
        if name == lastName { return lastIndex }
        let found: Int32
        if let existing = index[name] {
            found = existing
        } else {
            guard !isFixed else { return nil }
            found = Int32(names.count)
            names.append(name)
            index[name] = found
        }
        lastName = name
        lastIndex = found
        return found
    }
}

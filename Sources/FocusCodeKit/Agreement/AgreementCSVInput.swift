import Foundation

/// A text file given to the agreement command: its name (for messages) and its decoded text.
public struct AgreementInputFile: Sendable {
    public var name: String
    public var text: String
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}

/// Agreement data from long-form CSV coded elsewhere, without a project.
///
/// `codings` files have a header with `unit` (or `excerpt`), `coder` and `code` columns, in any order;
/// a row with an empty code means "the coder saw the unit and applied none"; a unit with no row for a
/// coder is missing for that coder. The optional lists have one column, headed `unit`, `coder` or `code`:
/// every unit to analyse (units nobody coded included), the coders in pair order, every code (unused ones
/// included). Codes are labels: no roll-up, whatever they look like. Every problem names its file and line.
public struct AgreementCSVInput: Sendable {
    /// The interned data.
    public let dataset: AgreementDataset
    /// `[AgreementNominalVariable(codes: nil)]` when every code is mutually exclusive (`--exclusive`), else empty.
    public let nominal: [AgreementNominalVariable]

    public init(codings: [AgreementInputFile], units: AgreementInputFile? = nil, coders: AgreementInputFile? = nil,
                codes: AgreementInputFile? = nil, exclusive: Bool = false) throws {
        let unitList = try units.map { try Self.list($0, column: ["unit", "excerpt"]) }
        let coderList = try coders.map { try Self.list($0, column: ["coder"]) }
        let codeList = try codes.map { try Self.list($0, column: ["code"]) }
        let unitSet = unitList.map(Set.init), coderSet = coderList.map(Set.init), codeSet = codeList.map(Set.init)

        var records: [AgreementCodingRecord] = []
        // With --exclusive, the first code each coder gave each unit (and where), to name the line of a second one.
        var exclusiveFirst: [String: (code: String, file: String, line: Int)] = [:]
        for file in codings {
            let parsed = try Self.parse(file)
            guard let headerRecord = parsed.first else {
                throw ProjectError.badRow(file: file.name, line: 1, problem: "the file is empty; it needs a header unit,coder,code and one row per coding")
            }
            let header = CSVHeader(headerRecord)
            let unitColumn = header.index(of: "unit") ?? header.index(of: "excerpt")
            guard let u = unitColumn, let c = header.index(of: "coder"), let k = header.index(of: "code") else {
                throw ProjectError.badRow(file: file.name, line: headerRecord.line,
                                          problem: "the header needs columns unit (or excerpt), coder and code, e.g. unit,coder,code")
            }
            records.reserveCapacity(records.count + parsed.count)
            for record in parsed.dropFirst() {
                func fail(_ problem: String) -> ProjectError { .badRow(file: file.name, line: record.line, problem: problem) }
                guard record.fields.count == header.names.count else {
                    throw fail("expected \(header.names.count) fields as in the header, found \(record.fields.count)")
                }
                let unit = record.fields[u].trimmingCharacters(in: .whitespaces)
                let coder = record.fields[c].trimmingCharacters(in: .whitespaces)
                let code = record.fields[k].trimmingCharacters(in: .whitespaces)
                if unit.isEmpty { throw fail("the unit is empty; every row names a unit") }
                if coder.isEmpty { throw fail("the coder is empty; every row names a coder") }
                if let unitSet, !unitSet.contains(unit) { throw fail("unit '\(unit)' is not in \(units!.name); add it there or fix the row") }
                if let coderSet, !coderSet.contains(coder) { throw fail("coder '\(coder)' is not in \(coders!.name); add them there or fix the row") }
                if !code.isEmpty, let codeSet, !codeSet.contains(code) { throw fail("code '\(code)' is not in \(codes!.name); add it there or fix the row") }
                if exclusive && !code.isEmpty {
                    let key = unit + "\u{1F}" + coder
                    if let first = exclusiveFirst[key], first.code != code {
                        throw fail("coder '\(coder)' already gave unit '\(unit)' the code '\(first.code)' (\(first.file):\(first.line)); with --exclusive a coder gives a unit one code at most")
                    }
                    if exclusiveFirst[key] == nil { exclusiveFirst[key] = (code, file.name, record.line) }
                }
                records.append(AgreementCodingRecord(unit: unit, coder: coder, code: code.isEmpty ? nil : code))
            }
        }
        dataset = try AgreementDataset(records: records, units: unitList, coders: coderList, codes: codeList)
        nominal = exclusive ? [AgreementNominalVariable(variable: "nominal", codes: nil)] : []
    }

    /// Every coefficient per code, pooled, and (with --exclusive) the nominal variable over all codes.
    public func report(options: AgreementOptions = AgreementOptions()) throws -> AgreementReport {
        let nominalMatrices = try nominal.map {
            try dataset.nominalMatrix(codes: $0.codes, variable: $0.variable, reviewedWithoutCode: $0.reviewedWithoutCode)
        }
        let binary = dataset.binaryMatrices()
        return try AgreementAnalysis.report(binary: binary, nominal: nominalMatrices, includePooled: !binary.isEmpty, options: options)
    }

    static func parse(_ file: AgreementInputFile) throws -> [CSVRecord] {
        do {
            return try CSV.parse(file.text)
        } catch {
            throw ProjectError.badRow(file: file.name, line: error.line, problem: error.problem)
        }
    }

    /// A one-column list with a header (`names` are the accepted header names); no empty or repeated items.
    static func list(_ file: AgreementInputFile, column names: [String]) throws -> [String] {
        let parsed = try parse(file)
        guard let headerRecord = parsed.first else {
            throw ProjectError.badRow(file: file.name, line: 1, problem: "the file is empty; it needs a header '\(names[0])' and one \(names[0]) per line")
        }
        let header = CSVHeader(headerRecord)
        guard let column = names.lazy.compactMap(header.index(of:)).first else {
            throw ProjectError.badRow(file: file.name, line: headerRecord.line, problem: "the header needs a column '\(names[0])'")
        }
        var items: [String] = []
        var firstLine: [String: Int] = [:]
        for record in parsed.dropFirst() {
            guard record.fields.count == header.names.count else {
                throw ProjectError.badRow(file: file.name, line: record.line,
                                          problem: "expected \(header.names.count) fields as in the header, found \(record.fields.count)")
            }
            let item = record.fields[column].trimmingCharacters(in: .whitespaces)
            if item.isEmpty { throw ProjectError.badRow(file: file.name, line: record.line, problem: "the \(names[0]) is empty") }
            if let line = firstLine[item] {
                throw ProjectError.badRow(file: file.name, line: record.line, problem: "'\(item)' is listed twice (first on line \(line)); list each \(names[0]) once")
            }
            firstLine[item] = record.line
            items.append(item)
        }
        return items
    }
}

import Foundation

/// A text file given to the agreement command: its name (for messages) and its decoded text.
public struct AgreementInputFile: Sendable {
    public var name: String
    public var text: String
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// Decodes a file's bytes: plain UTF-8 (the usual case, checked in one pass) directly, anything else
    /// (a byte-order mark, UTF-16, Windows-1252, binary) by `TextDecoding`'s rules.
    public init(name: String, data: Data) throws {
        let bytes = [UInt8](data)
        if !bytes.isEmpty, !bytes.starts(with: [0xEF, 0xBB, 0xBF]), !bytes.starts(with: [0xFF, 0xFE]), !bytes.starts(with: [0xFE, 0xFF]),
           !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) {
            self.init(name: name, text: text)
        } else {
            self.init(name: name, text: try TextDecoding.decode(data, file: name).text)
        }
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
        // Names are interned as they are read (one hash per field, none when a name repeats the row
        // before), straight into the dataset's cells: a million-row file is read in well under a second.
        var unitNames = Interner(fixed: try units.map { try Self.list($0, column: ["unit", "excerpt"]) }, kind: "unit")
        var coderNames = Interner(fixed: try coders.map { try Self.list($0, column: ["coder"]) }, kind: "coder")
        var codeNames = Interner(fixed: try codes.map { try Self.list($0, column: ["code"]) }, kind: "code")

        var unitOf: [Int32] = [], coderOf: [Int32] = [], codeOf: [Int32] = []
        // With --exclusive, the first code each coder gave each unit (and where), to name the line of a second one.
        var exclusiveFirst: [Int64: (code: Int32, file: Int, line: Int)] = [:]
        for (fileNumber, file) in codings.enumerated() {
            var columns: (count: Int, unit: Int, coder: Int, code: Int)? = nil
            try Self.scan(file) { line, fields in
                func fail(_ problem: String) -> ProjectError { .badRow(file: file.name, line: line, problem: problem) }
                guard let (count, u, c, k) = columns else {
                    let header = CSVHeader(CSVRecord(line: line, fields: fields))
                    guard let u = header.index(of: "unit") ?? header.index(of: "excerpt"), let c = header.index(of: "coder"),
                          let k = header.index(of: "code") else {
                        throw fail("the header needs columns unit (or excerpt), coder and code, e.g. unit,coder,code")
                    }
                    columns = (fields.count, u, c, k)
                    return
                }
                guard fields.count == count else {
                    throw fail("expected \(count) fields as in the header, found \(fields.count)")
                }
                let unit = Self.trimmed(fields[u]), coder = Self.trimmed(fields[c]), code = Self.trimmed(fields[k])
                if unit.isEmpty { throw fail("the unit is empty; every row names a unit") }
                if coder.isEmpty { throw fail("the coder is empty; every row names a coder") }
                guard let unitIndex = unitNames.index(of: unit) else {
                    throw fail("unit '\(unit)' is not in \(units!.name); add it there or fix the row")
                }
                guard let coderIndex = coderNames.index(of: coder) else {
                    throw fail("coder '\(coder)' is not in \(coders!.name); add them there or fix the row")
                }
                var codeIndex: Int32 = -1
                if !code.isEmpty {
                    guard let found = codeNames.index(of: code) else {
                        throw fail("code '\(code)' is not in \(codes!.name); add it there or fix the row")
                    }
                    codeIndex = found
                    if exclusive {
                        let key = Int64(unitIndex) << 32 | Int64(coderIndex)
                        if let first = exclusiveFirst[key], first.code != codeIndex {
                            throw fail("coder '\(coder)' already gave unit '\(unit)' the code '\(codeNames.names[Int(first.code)])' (\(codings[first.file].name):\(first.line)); with --exclusive a coder gives a unit one code at most")
                        }
                        if exclusiveFirst[key] == nil { exclusiveFirst[key] = (codeIndex, fileNumber, line) }
                    }
                }
                unitOf.append(unitIndex)
                coderOf.append(coderIndex)
                codeOf.append(codeIndex)
            }
            if columns == nil {
                throw ProjectError.badRow(file: file.name, line: 1, problem: "the file is empty; it needs a header unit,coder,code and one row per coding")
            }
        }

        let m = coderNames.names.count
        var reviewed = [Bool](repeating: false, count: unitNames.names.count * m)
        var cellsByCode = [[Int32]](repeating: [], count: codeNames.names.count)
        for i in unitOf.indices {
            let cell = Int(unitOf[i]) * m + Int(coderOf[i])
            reviewed[cell] = true
            if codeOf[i] >= 0 { cellsByCode[Int(codeOf[i])].append(Int32(cell)) }
        }
        dataset = AgreementDataset(units: unitNames.names, coders: coderNames.names, codes: codeNames.names,
                                   reviewed: reviewed, cellsByCode: cellsByCode)
        nominal = exclusive ? [AgreementNominalVariable(variable: "nominal", codes: nil)] : []
    }

    /// The field without surrounding whitespace (Foundation's trimming only when there is some to trim),
    /// and without the `'` an export adds to neutralise a formula (`CSV.restored`).
    static func trimmed(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, let last = field.unicodeScalars.last else { return field }
        if first.properties.isWhitespace || last.properties.isWhitespace { return CSV.restored(field.trimmingCharacters(in: .whitespaces)) }
        return first == "'" ? CSV.restored(field) : field
    }

    /// Every coefficient per code, pooled, and (with --exclusive) the nominal variable over all codes.
    public func report(options: AgreementOptions = AgreementOptions()) throws -> AgreementReport {
        let nominalMatrices = try nominal.map {
            try dataset.nominalMatrix(codes: $0.codes, variable: $0.variable, reviewedWithoutCode: $0.reviewedWithoutCode)
        }
        let binary = dataset.binaryMatrices()
        return try AgreementAnalysis.report(binary: binary, nominal: nominalMatrices, includePooled: !binary.isEmpty, options: options)
    }

    /// Calls `body` with each record's line and fields, as `CSV.parse` reads them (blank lines skipped).
    ///
    /// A file without a quote character cannot hold a quoted field, so it is split on commas and line
    /// breaks directly, into one reused array: no record objects for a million-row file. Any file with a
    /// quote goes through `CSV.parse`, with its strict quoting rules and messages.
    static func scan(_ file: AgreementInputFile, _ body: (_ line: Int, _ fields: [String]) throws -> Void) throws {
        var text = file.text
        let quoteFree = text.withUTF8 { !$0.contains(UInt8(ascii: "\"")) }
        guard quoteFree else {
            for record in try parse(file) { try body(record.line, record.fields) }
            return
        }
        try text.withUTF8 { bytes in
            let comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
            var fields: [String] = []
            fields.reserveCapacity(8)
            var line = 1, position = 0, fieldStart = 0
            while position <= bytes.count {
                let byte: UInt8? = position < bytes.count ? bytes[position] : nil
                if byte == comma || byte == lf || byte == cr || byte == nil {
                    fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<position]), as: UTF8.self))
                    if byte == comma {
                        position += 1
                        fieldStart = position
                        continue
                    }
                    // End of a record: a blank line (one empty field) is skipped, as CSV.parse does.
                    if !(fields.count == 1 && fields[0].isEmpty) { try body(line, fields) }
                    fields.removeAll(keepingCapacity: true)
                    if byte == nil { break }
                    position += (byte == cr && position + 1 < bytes.count && bytes[position + 1] == lf) ? 2 : 1
                    line += 1
                    fieldStart = position
                    if position == bytes.count { break }
                    continue
                }
                position += 1
            }
        }
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
            let item = trimmed(record.fields[column])
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

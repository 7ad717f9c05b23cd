// A small RFC 4180 CSV reader and writer, hand-written on purpose.
//
// Both CSV packages in the local mirror were checked and rejected: yaslab/CSV.swift 2.5.2
// silently accepts malformed quotes and swallows an unterminated quote to the end of the file;
// SwiftCSV 0.10.0 drops leading whitespace, reports no line numbers and does not quote fields
// that contain newlines. Importers need exact field values and the line of every problem, so
// this reader is strict: a quote may only open a field or be doubled inside a quoted field.

import Foundation

/// One CSV record and the 1-based line on which it starts (quoted fields may span lines).
public struct CSVRecord: Sendable, Equatable, Hashable {
    /// The 1-based line where the record starts.
    public let line: Int
    /// The record's fields, unquoted and unescaped.
    public let fields: [String]

    /// Creates a record.
    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }

    /// The field at `index`, or `nil` when the record is shorter.
    public subscript(field index: Int) -> String? {
        fields.indices.contains(index) ? fields[index] : nil
    }

    /// Whether the record is one empty field (a blank line).
    public var isBlank: Bool { fields.count == 1 && fields[0].isEmpty }
}

/// A CSV syntax error and the 1-based line where it is.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line where the problem is.
    public let line: Int
    /// What is wrong, in words for a person.
    public let problem: String

    /// Creates an error.
    public init(line: Int, problem: String) {
        self.line = line
        self.problem = problem
    }

    /// "line N: problem".
    public var description: String { "line \(line): \(problem)" }
}

/// RFC 4180 reading and writing.
public enum CSV {
    /// Parses `text` into records; CRLF, LF and CR all end a record; blank lines are skipped unless `keepBlankLines`.
    public static func parse(_ text: String, keepBlankLines: Bool = false, firstLine: Int = 1) throws(CSVError) -> [CSVRecord] {
        var text = text
        // withUTF8 gives contiguous bytes; every byte the grammar cares about is ASCII,
        // so field boundaries always fall on scalar boundaries.
        let result: Result<[CSVRecord], CSVError> = text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes, keepBlankLines: keepBlankLines)
            parser.line = firstLine
            do throws(CSVError) {
                return .success(try parser.run())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Calls `body` with each record in turn, without holding them all (for files of millions of rows).
    /// A syntax error is thrown as `CSVError` when the parser reaches it; errors from `body` pass through.
    public static func forEachRecord(_ text: String, keepBlankLines: Bool = false, _ body: (CSVRecord) throws -> Void) throws {
        var text = text
        try text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes, keepBlankLines: keepBlankLines)
            while let record = try parser.next() { try body(record) }
        }
    }

    /// `forEachRecord` over UTF-8 bytes that the caller has checked (e.g. a memory-mapped file), without a String copy.
    public static func forEachRecord(utf8 bytes: UnsafeBufferPointer<UInt8>, keepBlankLines: Bool = false,
                                     _ body: (CSVRecord) throws -> Void) throws {
        var parser = Parser(bytes: bytes, keepBlankLines: keepBlankLines)
        while let record = try parser.next() { try body(record) }
    }

    /// One CSV row: fields neutralised (unless turned off, see `CSVFormulas`) and quoted where needed,
    /// joined with commas, ending in "\n".
    public static func row(_ fields: [String]) -> String {
        let neutralise = CSVFormulas.neutralise
        return fields.map { quote(neutralise ? neutralised($0) : $0) }.joined(separator: ",") + "\n"
    }

    /// The characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// Whether a value written as it is could be run as a formula, or would read back wrongly
    /// after `restored` (a value that itself starts with `'` and then a formula character or `'`).
    static func needsNeutralising(_ field: String) -> Bool {
        var scalars = field.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return false }
        if first == "'" {
            guard let second = scalars.next() else { return false }
            return second == "'" || formulaStarts.contains(second)
        }
        return formulaStarts.contains(first) && !isPlainNumber(field)
    }

    /// `-0.25`, `+3`, `-1.5e-3`: numbers, which spreadsheets read as numbers, not formulas.
    static func isPlainNumber(_ field: String) -> Bool {
        field.range(of: #"^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil
    }

    /// The value as written to an exported CSV: prefixed with `'` when a spreadsheet would
    /// otherwise run it as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return and is not a plain number), or when it starts with `'` and then one of those or
    /// another `'` (so that `restored` gives back exactly the original).
    public static func neutralised(_ field: String) -> String {
        needsNeutralising(field) ? "'" + field : field
    }

    /// The value `neutralised` was given: one leading `'` dropped when a formula character or
    /// another `'` follows it. The readers of FocusCode's own CSV formats apply it, so exported
    /// files import back unchanged.
    public static func restored(_ field: String) -> String {
        var scalars = field.unicodeScalars.makeIterator()
        guard scalars.next() == "'", let second = scalars.next(), second == "'" || formulaStarts.contains(second) else { return field }
        return String(field.dropFirst())
    }

    /// A whole CSV document, one `row` per element.
    public static func document(_ rows: [[String]]) -> String {
        rows.map(row).joined()
    }

    /// `field` quoted when it contains a comma, quote, CR or LF, or starts or ends with whitespace.
    public static func quote(_ field: String) -> String {
        let needsQuotes = field.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }
            || field.first?.isWhitespace == true
            || field.last?.isWhitespace == true
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Whether CSV exports neutralise values a spreadsheet would run as formulas (on by default).
///
/// The CLI turns it off for one command with `--raw-csv`, for scripts that want the bytes as stored:
/// `CSVFormulas.$neutralise.withValue(false) { … }`.
public enum CSVFormulas {
    @TaskLocal public static var neutralise = true
}

/// Column lookup by header name: case-insensitive, surrounding whitespace ignored.
public struct CSVHeader: Sendable, Equatable {
    /// The header record as read.
    public let record: CSVRecord
    /// Normalised names in column order.
    public let names: [String]

    /// Reads the header from its record.
    public init(_ record: CSVRecord) {
        self.record = record
        self.names = record.fields.map(CSVHeader.normalise)
    }

    /// The column of the first header named `name`, or `nil`.
    public func index(of name: String) -> Int? {
        names.firstIndex(of: CSVHeader.normalise(name))
    }

    /// Normalised names that occur more than once, in first-seen order.
    public var duplicates: [String] {
        var seen = Set<String>()
        var repeated: [String] = []
        for name in names where !seen.insert(name).inserted && !repeated.contains(name) {
            repeated.append(name)
        }
        return repeated
    }

    private static func normalise(_ name: String) -> String {
        var name = name
        // A UTF-8 BOM that survived decoding would otherwise hide the first column's name.
        if name.hasPrefix("\u{FEFF}") { name.removeFirst() }
        return name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

private let quoteByte = UInt8(ascii: "\"")
private let commaByte = UInt8(ascii: ",")
private let lfByte = UInt8(ascii: "\n")
private let crByte = UInt8(ascii: "\r")

/// The state machine over UTF-8 bytes; one instance parses one text.
private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let keepBlankLines: Bool
    var position = 0
    var line = 1
    var records: [CSVRecord] = []

    init(bytes: UnsafeBufferPointer<UInt8>, keepBlankLines: Bool) {
        self.bytes = bytes
        self.keepBlankLines = keepBlankLines
    }

    mutating func run() throws(CSVError) -> [CSVRecord] {
        while let record = try next() { records.append(record) }
        return records
    }

    /// The next record to keep, or `nil` at the end of the text.
    mutating func next() throws(CSVError) -> CSVRecord? {
        while position < bytes.count {
            let recordLine = line
            var fields: [String] = []
            var sawQuotedField = false
            recordLoop: while true {
                let (field, quoted) = try readField()
                fields.append(field)
                sawQuotedField = sawQuotedField || quoted
                // readField stops at a comma, a line break or the end of the text.
                guard position < bytes.count else { break recordLoop }
                switch bytes[position] {
                case commaByte:
                    position += 1
                case crByte, lfByte:
                    consumeLineBreak()
                    break recordLoop
                default:
                    preconditionFailure("readField stopped inside a field")
                }
            }
            let record = CSVRecord(line: recordLine, fields: fields)
            if keepBlankLines || !record.isBlank || sawQuotedField {
                return record
            }
        }
        return nil
    }

    /// Reads one field and leaves `position` on the comma, line break or end after it.
    private mutating func readField() throws(CSVError) -> (String, Bool) {
        guard position < bytes.count, bytes[position] == quoteByte else {
            return (try readUnquotedField(), false)
        }
        let openingLine = line
        position += 1
        var value: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw CSVError(line: openingLine, problem: "a quoted field opened on this line is never closed")
            }
            let byte = bytes[position]
            if byte == quoteByte {
                if position + 1 < bytes.count, bytes[position + 1] == quoteByte {
                    value.append(quoteByte)
                    position += 2
                    continue
                }
                position += 1
                break
            }
            if byte == crByte || byte == lfByte {
                // Keep the break as written but count it once, so CRLF is one line.
                let start = position
                consumeLineBreak()
                value.append(contentsOf: bytes[start..<position])
                continue
            }
            value.append(byte)
            position += 1
        }
        if position < bytes.count, !isFieldEnd(bytes[position]) {
            throw CSVError(line: line, problem: "text after the closing quote of a field; double a quote inside a quoted field (\"\")")
        }
        return (String(decoding: value, as: UTF8.self), true)
    }

    private mutating func readUnquotedField() throws(CSVError) -> String {
        let start = position
        while position < bytes.count, !isFieldEnd(bytes[position]) {
            if bytes[position] == quoteByte {
                throw CSVError(line: line, problem: "a quote inside an unquoted field; quote the whole field and double the inner quote (\"\")")
            }
            position += 1
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func isFieldEnd(_ byte: UInt8) -> Bool {
        byte == commaByte || byte == lfByte || byte == crByte
    }

    /// Consumes one LF, CR or CRLF at `position` and counts one line.
    private mutating func consumeLineBreak() {
        if bytes[position] == crByte, position + 1 < bytes.count, bytes[position + 1] == lfByte {
            position += 2
        } else {
            position += 1
        }
        line += 1
    }
}

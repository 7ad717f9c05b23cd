import XCTest
@testable import FocusCodeKit

final class CSVTests: XCTestCase {
    func testParsesFieldsAndLineNumbers() throws {
        let records = try CSV.parse("a,b,c\n1,,3\n")
        XCTAssertEqual(records, [
            CSVRecord(line: 1, fields: ["a", "b", "c"]),
            CSVRecord(line: 2, fields: ["1", "", "3"]),
        ])
    }

    func testQuotedFieldsMaySpanLinesAndLineNumbersFollowTheSource() throws {
        let text = "id,text\n1,\"first line\nsecond line\n\nfourth\"\n2,\"one\"\n3,plain\n"
        let records = try CSV.parse(text)
        XCTAssertEqual(records, [
            CSVRecord(line: 1, fields: ["id", "text"]),
            CSVRecord(line: 2, fields: ["1", "first line\nsecond line\n\nfourth"]),
            CSVRecord(line: 6, fields: ["2", "one"]),
            CSVRecord(line: 7, fields: ["3", "plain"]),
        ])
    }

    func testEscapedQuotesAndCommasInsideQuotes() throws {
        let records = try CSV.parse(#"a,"She said ""no"", then left","""quoted""","# + "\"\"\n")
        XCTAssertEqual(records, [CSVRecord(line: 1, fields: ["a", #"She said "no", then left"#, #""quoted""#, ""])])
    }

    func testCRLFAndCRAndLFAllEndRecords() throws {
        for ending in ["\n", "\r\n", "\r"] {
            let text = ["x,y", "1,\"two" + ending + "lines\"", "3,4"].joined(separator: ending) + ending
            let records = try CSV.parse(text)
            XCTAssertEqual(records.map(\.line), [1, 2, 4], "ending \(ending.debugDescription)")
            XCTAssertEqual(records.map(\.fields), [["x", "y"], ["1", "two" + ending + "lines"], ["3", "4"]])
        }
    }

    func testKeepsWhitespaceAndUnicodeAsWritten() throws {
        let records = try CSV.parse("  lead, trail  ,café ’x’\n")
        XCTAssertEqual(records.first?.fields, ["  lead", " trail  ", "café ’x’"])
    }

    func testBlankLinesAreSkippedUnlessKept() throws {
        let text = "a\n\nb\n\"\"\n"
        XCTAssertEqual(try CSV.parse(text), [
            CSVRecord(line: 1, fields: ["a"]),
            CSVRecord(line: 3, fields: ["b"]),
            CSVRecord(line: 4, fields: [""]),
        ])
        XCTAssertEqual(try CSV.parse(text, keepBlankLines: true).map(\.line), [1, 2, 3, 4])
    }

    func testLastRecordWithoutLineBreakAndTrailingEmptyField() throws {
        XCTAssertEqual(try CSV.parse("a,b\n1,"), [
            CSVRecord(line: 1, fields: ["a", "b"]),
            CSVRecord(line: 2, fields: ["1", ""]),
        ])
        XCTAssertEqual(try CSV.parse(""), [])
    }

    func testStrayQuoteInUnquotedFieldIsAnErrorOnItsLine() {
        XCTAssertEqual(parseError("a,b\nc,d\"e\n"), CSVError(
            line: 2, problem: "a quote inside an unquoted field; quote the whole field and double the inner quote (\"\")"))
    }

    func testTextAfterClosingQuoteIsAnErrorOnItsLine() {
        XCTAssertEqual(parseError("a\n\"multi\nline\"x,b\n"), CSVError(
            line: 3, problem: "text after the closing quote of a field; double a quote inside a quoted field (\"\")"))
    }

    func testUnterminatedQuoteIsAnErrorOnTheLineItOpens() {
        XCTAssertEqual(parseError("a,b\n1,\"never closed\n2,3\n"), CSVError(
            line: 2, problem: "a quoted field opened on this line is never closed"))
    }

    func testWriterQuotesOnlyWhereNeeded() {
        XCTAssertEqual(CSV.row(["plain", "with,comma", "with \"quote\"", "two\nlines", "cr\rhere", " lead", "trail ", ""]),
                       #"plain,"with,comma","with ""quote""","two"# + "\n" + #"lines","cr"# + "\r" + #"here"," lead","trail ","# + "\n")
        XCTAssertEqual(CSV.document([["a", "b"], ["1", "2"]]), "a,b\n1,2\n")
    }

    func testWriterRoundTripsEveryAwkwardField() throws {
        let rows = [
            ["id", "text", "note"],
            ["1", "She said \"no\", twice.", ""],
            ["2", "line one\nline two\r\nline three\rend", " padded "],
            ["3", "\"", ","],
            ["4", "café – ’quoted’", "\n"],
        ]
        let parsed = try CSV.parse(CSV.document(rows), keepBlankLines: true)
        XCTAssertEqual(parsed.map(\.fields), rows)
    }

    func testRandomRowsRoundTrip() throws {
        var random = SeededRandom(seed: 7)
        let alphabet: [String] = ["a", "Z", " ", ",", "\"", "\n", "\r", "\r\n", "é", "’", "0"]
        for _ in 0..<300 {
            let rows = (0..<random.next(upTo: 4) + 1).map { _ in
                (0..<random.next(upTo: 4) + 1).map { _ in
                    (0..<random.next(upTo: 6)).map { _ in alphabet[random.next(upTo: alphabet.count)] }.joined()
                }
            }
            // The quoting layer alone: neutralised values come back through `CSV.restored` (CSVFormulaTests).
            let text = CSVFormulas.$neutralise.withValue(false) { CSV.document(rows) }
            XCTAssertEqual(try CSV.parse(text, keepBlankLines: true).map(\.fields), rows, text.debugDescription)
            XCTAssertEqual(try CSV.parse(CSV.document(rows), keepBlankLines: true).map { $0.fields.map(CSV.restored) }, rows)
        }
    }

    func testHeaderLookupIgnoresCaseAndSurroundingSpace() {
        let header = CSVHeader(CSVRecord(line: 1, fields: ["\u{FEFF}Speaker", " TEXT ", "start", "text"]))
        XCTAssertEqual(header.index(of: "speaker"), 0)
        XCTAssertEqual(header.index(of: "Text"), 1)
        XCTAssertEqual(header.index(of: " START"), 2)
        XCTAssertNil(header.index(of: "end"))
        XCTAssertEqual(header.duplicates, ["text"])
    }

    private func parseError(_ text: String) -> CSVError? {
        do {
            _ = try CSV.parse(text)
            return nil
        } catch {
            return error
        }
    }
}

/// A small deterministic generator (SplitMix64), so random tests repeat exactly.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound (bound > 0).
    mutating func next(upTo bound: Int) -> Int {
        Int(nextUInt64() % UInt64(bound))
    }

    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: nextUInt64()) }
}

import XCTest
@testable import FocusCodeKit

final class CSVTranscriptReaderTests: XCTestCase {
    static let laneTurns = [
        Turn(speaker: "Moderator", text: "Welcome, everyone. Let’s start with the training you had this year.",
             startMs: 5_000, endMs: 11_000, line: 2),
        Turn(speaker: "Officer Lane", text: "We had two days on \"digital evidence\".\nIt covered how to seize a phone safely.",
             startMs: 12_500, endMs: 17_000, line: 3),
        Turn(speaker: "Moderator", text: "Did that feel like enough?", startMs: 63_000, line: 5),
        Turn(speaker: "Officer Lane", text: "Not really.", line: 6),
    ]

    func testHeaderInAnyOrderAndCaseWithEveryTimeForm() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("lane.csv"), Self.laneTurns)
    }

    func testLineEndingsAndWindows1252() throws {
        let text = String(decoding: try ImportFixtures.data("lane.csv"), as: UTF8.self)
        for (label, variant) in [("CRLF", text.replacingOccurrences(of: "\n", with: "\r\n")),
                                 ("CR", text.replacingOccurrences(of: "\n", with: "\r"))] {
            XCTAssertEqual(try ImportFixtures.turns(text: variant, fileName: "lane.csv"), Self.laneTurns, label)
        }
        let cp1252 = Data("speaker,text\nOfficer Lane,caf".utf8) + Data([0xE9, 0x20, 0x92, 0x6F, 0x6B, 0x92, 0x0A])
        XCTAssertEqual(try TranscriptReader.read(data: cp1252, fileName: "w.csv"),
                       [Turn(speaker: "Officer Lane", text: "café ’ok’", line: 2)])
    }

    func testBadQuoteIsMalformedOnItsLine() throws {
        XCTAssertEqual(try ImportFixtures.error("bad_quote.csv"), .malformed(
            file: "bad_quote.csv", line: 3,
            problem: "a quote inside an unquoted field; quote the whole field and double the inner quote (\"\")"))
    }

    func testUnterminatedQuoteIsMalformedWhereItOpens() throws {
        XCTAssertEqual(try ImportFixtures.error("unterminated.csv"), .malformed(
            file: "unterminated.csv", line: 3, problem: "a quoted field opened on this line is never closed"))
    }

    func testMissingTextColumnIsMalformedOnLineOne() throws {
        XCTAssertEqual(try ImportFixtures.error("no_text_column.csv"), .malformed(
            file: "no_text_column.csv", line: 1,
            problem: "the header has no 'text' column (found 2 columns); the first row must be e.g. speaker,text,start,end"))
        XCTAssertEqual(ImportFixtures.error(text: "who,text\nA,b\n", fileName: "x.csv"), .malformed(
            file: "x.csv", line: 1,
            problem: "the header has no 'speaker' column (found 2 columns); the first row must be e.g. speaker,text,start,end"))
        XCTAssertEqual(ImportFixtures.error(text: "speaker,text,Text\nA,b,c\n", fileName: "x.csv"), .malformed(
            file: "x.csv", line: 1, problem: "the header names the same column twice (columns 2 and 3)"))
    }

    func testBadTimeIsMalformedOnItsLine() throws {
        XCTAssertEqual(try ImportFixtures.error("bad_time.csv"), .malformed(
            file: "bad_time.csv", line: 3, problem: "bad start time in column 3; use seconds (12.5), mm:ss or hh:mm:ss.mmm"))
        XCTAssertEqual(ImportFixtures.error(text: "speaker,text,start,end\nA,b,10,9\n", fileName: "x.csv"), .malformed(
            file: "x.csv", line: 2, problem: "the end time is before the start time"))
    }

    func testRowWithTheWrongNumberOfFieldsIsMalformed() {
        XCTAssertEqual(ImportFixtures.error(text: "speaker,text\nModerator,Well, yes\n", fileName: "x.csv"), .malformed(
            file: "x.csv", line: 2,
            problem: "this row has 3 fields but the header has 2; quote any text that contains a comma"))
    }

    func testTimeForms() {
        XCTAssertEqual(Timecode.secondsOrClock("12"), 12_000)
        XCTAssertEqual(Timecode.secondsOrClock("12.5"), 12_500)
        XCTAssertEqual(Timecode.secondsOrClock("0.125"), 125)
        XCTAssertEqual(Timecode.secondsOrClock("01:03"), 63_000)
        XCTAssertEqual(Timecode.secondsOrClock("1:02:03.04"), 3_723_040)
        for bad in ["", ".5", "12.", "1.2345", "-3", "1:60", "1:2", "a:00", "1::00", "1:00:00:00", "１２"] {
            XCTAssertNil(Timecode.secondsOrClock(Substring(bad)), bad)
        }
    }
}

import XCTest
@testable import FocusCodeKit

final class SRTReaderTests: XCTestCase {
    static let laneTurns = [
        Turn(speaker: "Moderator", text: "Welcome, everyone. Let’s start with the training you had this year.",
             startMs: 5_000, endMs: 11_000, line: 3),
        Turn(speaker: "Officer Lane", text: "We had two days on digital evidence.", startMs: 12_000, endMs: 15_000, line: 12),
        Turn(speaker: "Moderator", text: "Only two?", startMs: 12_000, endMs: 15_000, line: 13),
        Turn(speaker: "Officer Lane", text: "Two full days.", startMs: 15_000, endMs: 17_000, line: 17),
        Turn(speaker: nil, text: "Thank you all.", startMs: 65_000, endMs: 68_000, line: 21),
    ]

    func testSpeakersDashesFormattingAndMerging() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("lane.srt"), Self.laneTurns)
    }

    func testLineEndingsAndUTF16() throws {
        let text = String(decoding: try ImportFixtures.data("lane.srt"), as: UTF8.self)
        for (label, variant) in [("CRLF", text.replacingOccurrences(of: "\n", with: "\r\n")),
                                 ("CR", text.replacingOccurrences(of: "\n", with: "\r"))] {
            XCTAssertEqual(try ImportFixtures.turns(text: variant, fileName: "lane.srt"), Self.laneTurns, label)
        }
        var utf16 = Data([0xFF, 0xFE])
        for unit in text.replacingOccurrences(of: "\n", with: "\r\n").utf16 {
            utf16.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)])
        }
        XCTAssertEqual(try TranscriptReader.read(data: utf16, fileName: "lane.srt"), Self.laneTurns)
    }

    func testBadTimingIsMalformedOnItsLine() throws {
        XCTAssertEqual(try ImportFixtures.error("bad_timing.srt"), .malformed(
            file: "bad_timing.srt", line: 6,
            problem: "bad end time in the timing line; expected e.g. '00:00:01,000 --> 00:00:04,000'"))
        XCTAssertEqual(ImportFixtures.error(text: "1\nMorning.\n", fileName: "x.srt"), .malformed(
            file: "x.srt", line: 2, problem: "expected a timing line such as '00:00:01,000 --> 00:00:04,000'"))
        XCTAssertEqual(ImportFixtures.error(text: "1\n", fileName: "x.srt"), .malformed(
            file: "x.srt", line: 2, problem: "expected a timing line such as '00:00:01,000 --> 00:00:04,000' after cue 1"))
    }

    func testBadIndexIsMalformedOnItsLine() throws {
        XCTAssertEqual(try ImportFixtures.error("bad_index.srt"),
                       .malformed(file: "bad_index.srt", line: 5, problem: "expected a cue number (a line with only digits)"))
        XCTAssertEqual(ImportFixtures.error(text: "00:00:01,000 --> 00:00:02,000\nHi\n", fileName: "x.srt"), .malformed(
            file: "x.srt", line: 1, problem: "expected a cue number (a line with only digits)"))
    }
}

import XCTest
@testable import FocusCodeKit

final class WebVTTReaderTests: XCTestCase {
    static let laneTurns = [
        Turn(speaker: "Moderator", text: "Welcome, everyone. Let’s start with the training you had this year.",
             startMs: 5_000, endMs: 11_000, line: 12),
        Turn(speaker: "Officer Lane", text: "We had two days on digital evidence & phones. It covered seizure in <the field>.",
             startMs: 12_000, endMs: 17_000, line: 19),
        Turn(speaker: "Moderator", text: "Did that feel like enough?", startMs: 63_000, endMs: 65_000, line: 25),
        Turn(speaker: nil, text: "Not really, said someone.", startMs: 65_000, endMs: 68_000, line: 28),
    ]

    func testVoicesTagsEntitiesAndMerging() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("lane.vtt"), Self.laneTurns)
    }

    func testLineEndingsAndBOM() throws {
        let text = String(decoding: try ImportFixtures.data("lane.vtt"), as: UTF8.self)
        for (label, variant) in [("CRLF", text.replacingOccurrences(of: "\n", with: "\r\n")),
                                 ("CR", text.replacingOccurrences(of: "\n", with: "\r"))] {
            XCTAssertEqual(try ImportFixtures.turns(text: variant, fileName: "lane.vtt"), Self.laneTurns, label)
        }
        let withBOM = Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        XCTAssertEqual(try TranscriptReader.read(data: withBOM, fileName: "lane.vtt"), Self.laneTurns)
    }

    func testMissingHeaderIsMalformedOnLineOne() throws {
        XCTAssertEqual(try ImportFixtures.error("no_header.vtt"),
                       .malformed(file: "no_header.vtt", line: 1, problem: "a WebVTT file must start with 'WEBVTT'"))
        XCTAssertEqual(ImportFixtures.error(text: "WEBVTTX\n", fileName: "x.vtt"),
                       .malformed(file: "x.vtt", line: 1, problem: "a WebVTT file must start with 'WEBVTT'"))
    }

    func testBadTimingIsMalformedOnItsLine() throws {
        XCTAssertEqual(try ImportFixtures.error("bad_timing.vtt"), .malformed(
            file: "bad_timing.vtt", line: 4,
            problem: "bad end time '00:00:0x.000' in the timing line; expected e.g. '00:00:01.000 --> 00:00:04.000'"))
        XCTAssertEqual(ImportFixtures.error(text: "WEBVTT\n\n00:00:09.000 --> 00:00:02.000\nHi\n", fileName: "x.vtt"),
                       .malformed(file: "x.vtt", line: 3, problem: "the cue ends before it starts"))
        XCTAssertEqual(ImportFixtures.error(text: "WEBVTT\n\nid\nno timing here\n", fileName: "x.vtt"),
                       .malformed(file: "x.vtt", line: 4,
                                  problem: "expected a timing line such as '00:00:01.000 --> 00:00:04.000'"))
        XCTAssertEqual(ImportFixtures.error(text: "WEBVTT\n\nstray text\n", fileName: "x.vtt"),
                       .malformed(file: "x.vtt", line: 3,
                                  problem: "cue text without a timing line such as '00:00:01.000 --> 00:00:04.000'"))
    }

    func testSeveralVoicesInOneCueAndUnclosedVoiceSpans() throws {
        let text = """
        WEBVTT

        00:00:01.000 --> 00:00:03.000
        <v Moderator>Ready?</v> <v Officer Lane>Yes.</v>

        00:00:03.000 --> 00:00:05.000
        <v Officer Lane>Shall
        we begin?

        00:00:05.000 --> 00:00:06.000
        <v Moderator>Go ahead.
        """
        ImportFixtures.assertTurns(try ImportFixtures.turns(text: text, fileName: "x.vtt"), [
            Turn(speaker: "Moderator", text: "Ready?", startMs: 1_000, endMs: 3_000, line: 4),
            Turn(speaker: "Officer Lane", text: "Yes. Shall we begin?", startMs: 1_000, endMs: 5_000, line: 4),
            Turn(speaker: "Moderator", text: "Go ahead.", startMs: 5_000, endMs: 6_000, line: 11),
        ])
    }

    func testCuesWithoutSpeakersAreNotMerged() throws {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\nFirst.\n\n00:02.000 --> 00:03.000\nSecond.\n"
        XCTAssertEqual(try ImportFixtures.turns(text: text, fileName: "x.vtt"), [
            Turn(speaker: nil, text: "First.", startMs: 1_000, endMs: 2_000, line: 4),
            Turn(speaker: nil, text: "Second.", startMs: 2_000, endMs: 3_000, line: 7),
        ])
    }

    func testHeaderOnlyFileHasNoTurns() {
        XCTAssertEqual(ImportFixtures.error(text: "WEBVTT\n\nNOTE nothing yet\n", fileName: "x.vtt"), .noTurns(file: "x.vtt"))
    }
}

extension WebVTTReaderTests {
    func testFirstCueRightAfterTheHeaderLine() throws {
        XCTAssertEqual(try ImportFixtures.turns(text: "WEBVTT\n00:01.000 --> 00:02.500\n<v Officer Lane>Hi.", fileName: "x.vtt"),
                       [Turn(speaker: "Officer Lane", text: "Hi.", startMs: 1_000, endMs: 2_500, line: 3)])
    }
}

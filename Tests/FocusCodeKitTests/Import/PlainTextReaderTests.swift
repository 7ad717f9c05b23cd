import XCTest
@testable import FocusCodeKit

final class PlainTextReaderTests: XCTestCase {
    /// What every encoding and line-ending variant of the Lane exchange must read as.
    static let laneTurns = [
        Turn(speaker: "Moderator", text: "Welcome, everyone. Let’s start with the training you had this year.",
             startMs: 5_000, line: 1),
        Turn(speaker: "Officer Lane",
             text: "We had two days on digital evidence.\nIt covered how to seize a phone safely.\n\nMost of it was practical, and we talked it over in the café.",
             startMs: 12_000, line: 2),
        Turn(speaker: "Moderator", text: "Did that feel like enough?", line: 6),
        Turn(speaker: "Officer Lane", text: "Not really. We’d like a refresher every year.", startMs: 63_250, line: 7),
    ]

    func testSpeakerTurnsWithTimeStampsBeforeAndAfterTheLabel() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("lane.txt"), Self.laneTurns)
    }

    func testEveryEncodingReadsTheSame() throws {
        for name in ["lane_utf8_bom.txt", "lane_utf16le.txt", "lane_utf16be.txt", "lane_cp1252.txt"] {
            XCTAssertEqual(try ImportFixtures.turns(name), Self.laneTurns, name)
        }
    }

    func testEveryLineEndingReadsTheSame() throws {
        XCTAssertEqual(try ImportFixtures.turns("lane_crlf.txt"), Self.laneTurns)
        XCTAssertEqual(try ImportFixtures.turns("lane_cr.txt"), Self.laneTurns)
    }

    func testMarkdownVariants() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("lane.md"), [
            Turn(speaker: "Moderator", text: "Welcome, everyone. Let’s start with the training you had this year.",
                 startMs: 5_000, line: 10),
            Turn(speaker: "Officer Lane", text: "We had two days on digital evidence.\nIt covered how to seize a phone safely.", line: 12),
            Turn(speaker: "Moderator", text: "Did that feel like enough?", line: 15),
            Turn(speaker: "Officer Lane", text: "Not really. We’d like a refresher every year.", line: 17),
            Turn(speaker: "Moderator", text: "Thank you, that is all for today.", startMs: 120_000, line: 21),
        ])
    }

    func testParagraphModeWhenLabelsAreOnlyOccasional() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("paragraphs.txt"), [
            Turn(speaker: nil, text: "Note: the session was recorded with consent.\nOfficers described the training they had received.", line: 1),
            Turn(speaker: nil, text: "They asked for yearly refresher courses.\nSummary: the group agreed that welfare support matters.", line: 4),
            Turn(speaker: nil, text: "The session closed with thanks.", startMs: 750_000, line: 7),
        ])
    }

    func testOneTurnPerLineWithoutBlankLines() throws {
        let text = "Moderator: First question.\nOfficer Lane: First answer.\nModerator: Second question."
        XCTAssertEqual(try ImportFixtures.turns(text: text, fileName: "t.txt"), [
            Turn(speaker: "Moderator", text: "First question.", line: 1),
            Turn(speaker: "Officer Lane", text: "First answer.", line: 2),
            Turn(speaker: "Moderator", text: "Second question.", line: 3),
        ])
    }

    func testASingleNoteInAnEssayIsNotASpeaker() throws {
        let text = "Note: the meeting was recorded.\nIt lasted an hour.\nAll officers took part."
        XCTAssertEqual(try ImportFixtures.turns(text: text, fileName: "t.txt"), [
            Turn(speaker: nil, text: text, line: 1),
        ])
    }

    func testLongTurnsOverSeveralParagraphsStillHaveSpeakers() throws {
        let text = """
        Moderator: Tell us about workload.

        Officer Lane: It has grown.

        Every month there are more cases.

        We need more staff.

        Moderator: And welfare?

        Officer Lane: Support is patchy.

        Some teams have none.

        Others have a counsellor.
        """
        let turns = try ImportFixtures.turns(text: text, fileName: "t.txt")
        XCTAssertEqual(turns.map(\.speaker), ["Moderator", "Officer Lane", "Moderator", "Officer Lane"])
        XCTAssertEqual(turns[1].text, "It has grown.\n\nEvery month there are more cases.\n\nWe need more staff.")
        XCTAssertEqual(turns.map(\.line), [1, 3, 9, 11])
    }

    func testRunsOfBlankLinesInsideATurnBecomeOneEmptyLine() throws {
        let text = "Moderator: a\n\n\n\nb\nOfficer Lane: c\n"
        XCTAssertEqual(try ImportFixtures.turns(text: text, fileName: "t.txt").first?.text, "a\n\nb")
    }

    func testPreambleAndTimeStampOnlyLines() throws {
        let text = """
        Training focus group, session two

        [00:01:02]
        Moderator: Welcome.
        [12:30] Officer Lane: Thanks.
        [1:02:03.5] Moderator: Let us begin.
        """
        ImportFixtures.assertTurns(try ImportFixtures.turns(text: text, fileName: "t.txt"), [
            Turn(speaker: nil, text: "Training focus group, session two", line: 1),
            Turn(speaker: "Moderator", text: "Welcome.", startMs: 62_000, line: 4),
            Turn(speaker: "Officer Lane", text: "Thanks.", startMs: 750_000, line: 5),
            Turn(speaker: "Moderator", text: "Let us begin.", startMs: 3_723_500, line: 6),
        ])
    }

    func testInvalidTimeStampsStayText() throws {
        let text = "Moderator: [12:75] starts.\nOfficer Lane: [soon] ok."
        let turns = try ImportFixtures.turns(text: text, fileName: "t.txt")
        XCTAssertEqual(turns.map(\.text), ["[12:75] starts.", "[soon] ok."])
        XCTAssertEqual(turns.map(\.startMs), [nil, nil])
    }

    func testPlausibleLabels() {
        for label in ["Moderator", "Officer Lane", "P01", "Speaker 2", "Q", "Dr. Reed", "Officer de Vries",
                      "Officer A (FG2)", "PC O’Neill", "Ärztin", "Mod/Facilitator"] {
            XCTAssertTrue(SpeakerLabel.isPlausible(label), label)
        }
        for label in ["", "moderator", "So I said", "The thing is", "My point", "Well, then", "What?",
                      "One two three four five six", "\"Quoted\"", "12 Angry", String(repeating: "A", count: 41),
                      "Note; this"] {
            XCTAssertFalse(SpeakerLabel.isPlausible(label), label)
        }
    }

    func testColonMustBeFollowedBySpaceOrLineEnd() throws {
        let text = "See https://example.org for details.\nAt 10:30 we met.\nRatio 3:1 was fine."
        XCTAssertEqual(try ImportFixtures.turns(text: text, fileName: "t.txt").map(\.speaker), [nil])
    }

    func testLabelAloneOnItsLineTakesTheNextLines() throws {
        let text = "Moderator:\nWelcome to the session.\nOfficer Lane:\nThank you."
        XCTAssertEqual(try ImportFixtures.turns(text: text, fileName: "t.txt"), [
            Turn(speaker: "Moderator", text: "Welcome to the session.", line: 1),
            Turn(speaker: "Officer Lane", text: "Thank you.", line: 3),
        ])
    }

    func testMarkdownHeadingsEndATurnAndQuotesAreStripped() throws {
        let text = "# Session\n\n> Moderator: One.\n> continued\n\n## Break\n\nA paragraph after the heading.\n\nOfficer Lane: Two."
        ImportFixtures.assertTurns(try ImportFixtures.turns(text: text, fileName: "t.md"), [
            Turn(speaker: "Moderator", text: "One.\ncontinued", line: 3),
            Turn(speaker: nil, text: "A paragraph after the heading.", line: 8),
            Turn(speaker: "Officer Lane", text: "Two.", line: 10),
        ])
    }

    func testMarkdownEmphasisWithoutColonIsNotALabel() throws {
        let text = "**Important** point here.\n\n*Moderator:* Hello.\n\n*Officer Lane:* Hi."
        let turns = try ImportFixtures.turns(text: text, fileName: "t.md")
        XCTAssertEqual(turns.map(\.speaker), [nil, "Moderator", "Officer Lane"])
        XCTAssertEqual(turns.first?.text, "**Important** point here.")
    }

    func testWhitespaceOnlyTextHasNoTurnsAndEmptyFilesAreRefused() throws {
        XCTAssertEqual(try ImportFixtures.error("empty.txt"), .emptyFile(file: "empty.txt"))
        XCTAssertEqual(try ImportFixtures.error("whitespace.txt"), .emptyFile(file: "whitespace.txt"))
        XCTAssertEqual(ImportFixtures.error(text: "# Only a heading\n", fileName: "h.md"), .noTurns(file: "h.md"))
    }

    func testBinaryAndUndecodableFilesAreRefused() throws {
        XCTAssertEqual(try ImportFixtures.error("binary.txt"), .binary(file: "binary.txt"))
        XCTAssertEqual(try ImportFixtures.error("undecodable_cp1252.txt"), .undecodable(
            file: "undecodable_cp1252.txt",
            reason: "not UTF-8 (byte 0xE9 at offset 17 is invalid) and not Windows-1252 (byte 0x81 at offset 23 is undefined there)"))
    }
}

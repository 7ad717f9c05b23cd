import XCTest
@testable import FocusCodeKit

final class TranscriptReaderTests: XCTestCase {
    func testFormatComesFromTheExtensionInAnyCase() {
        XCTAssertEqual(TranscriptReader.format(forFileName: "a/b/Session.VTT"), .webvtt)
        XCTAssertEqual(TranscriptReader.format(forFileName: "notes.markdown"), .markdown)
        XCTAssertEqual(TranscriptReader.format(forFileName: "lane.txt"), .text)
        XCTAssertNil(TranscriptReader.format(forFileName: "report.pdf"))
        XCTAssertNil(TranscriptReader.format(forFileName: ".txt"))
    }

    func testUnsupportedExtensionsAreRefused() {
        XCTAssertEqual(ImportFixtures.error(text: "x", fileName: "/data/report.pdf"),
                       .unsupportedFormat(file: "report.pdf", ext: "pdf"))
        XCTAssertEqual(ImportFixtures.error(text: "x", fileName: "README"), .unsupportedFormat(file: "README", ext: ""))
    }

    func testErrorsNameTheLastPathComponent() {
        XCTAssertEqual(ImportFixtures.error { () throws(ImportError) in
            try TranscriptReader.read(data: Data(), fileName: "/home/analyst/FG1/part1.txt")
        }, .emptyFile(file: "part1.txt"))
    }

    func testGivenFormatOverridesTheExtension() throws {
        let markdown = try ImportFixtures.data("lane.md")
        XCTAssertEqual(try TranscriptReader.read(data: markdown, fileName: "export.dat", format: .markdown),
                       try ImportFixtures.turns("lane.md"))
        // Read as plain text, the Markdown markers stay and the labels are not found.
        let asText = try TranscriptReader.read(data: markdown, fileName: "lane.md", format: .text)
        XCTAssertEqual(asText.first?.speaker, nil)
    }

    func testErrorMessagesNameFileAndLine() throws {
        XCTAssertEqual(try ImportFixtures.error("bad_timing.srt")?.errorDescription,
                       "bad_timing.srt:6: bad end time '00:00:1l,000' in the timing line; expected e.g. '00:00:01,000 --> 00:00:04,000'")
    }
}

/// Random and mutated input must never crash a reader: each one returns turns or throws ImportError.
final class TranscriptReaderFuzzTests: XCTestCase {
    private static let extensions = ["txt", "md", "docx", "vtt", "srt", "csv"]
    /// Bytes that matter to some grammar, so mutations reach deeper than decoding.
    private static let structural: [[UInt8]] = [
        [0x0A], [0x0D], [0x0D, 0x0A], [0x3A, 0x20], Array("-->".utf8), Array("\"".utf8), Array(",".utf8),
        Array("<v A>".utf8), Array("</v>".utf8), Array("&amp;".utf8), Array("[00:01]".utf8), Array("WEBVTT\n".utf8),
        Array("**".utf8), Array("# ".utf8), Array("> ".utf8), [0x00], [0xFF], [0xFE], [0x81], [0xE2, 0x80], [0x50, 0x4B, 0x03, 0x04],
    ]

    private struct Tally {
        var read = 0
        var failed = 0
    }

    private func check(_ bytes: [UInt8], ext: String, tally: inout Tally, file: StaticString = #filePath, line: UInt = #line) {
        let name = "fuzz.\(ext)"
        do {
            let turns = try TranscriptReader.read(data: Data(bytes), fileName: name)
            tally.read += 1
            XCTAssertFalse(turns.isEmpty, file: file, line: line)
            for turn in turns {
                XCTAssertFalse(turn.text.isEmpty, file: file, line: line)
                XCTAssertFalse(turn.text.first!.isWhitespace || turn.text.last!.isWhitespace, file: file, line: line)
                XCTAssertGreaterThanOrEqual(turn.line, 1, file: file, line: line)
                XCTAssertNotEqual(turn.speaker, "", file: file, line: line)
            }
        } catch {
            tally.failed += 1
            XCTAssertTrue(error.errorDescription?.hasPrefix(name) == true, "\(error)", file: file, line: line)
        }
    }

    func testRandomBytesNeverCrash() {
        var random = SeededRandom(seed: 20_240_601)
        var tally = Tally()
        for round in 0..<1_800 {
            let length = random.next(upTo: 300)
            var bytes: [UInt8] = []
            switch round % 3 {
            case 0:
                bytes = (0..<length).map { _ in random.byte() }
            case 1:
                // Mostly printable ASCII with line breaks and separators.
                let alphabet = Array("ab Z:,\"<>-[]0123456789.\n\r&;#*>".utf8)
                bytes = (0..<length).map { _ in alphabet[random.next(upTo: alphabet.count)] }
            default:
                while bytes.count < length { bytes += Self.structural[random.next(upTo: Self.structural.count)] }
            }
            check(bytes, ext: Self.extensions[round % Self.extensions.count], tally: &tally)
        }
        XCTAssertGreaterThan(tally.read, 0)
        XCTAssertGreaterThan(tally.failed, 0)
    }

    func testMutatedFixturesNeverCrash() throws {
        var random = SeededRandom(seed: 42)
        for name in ["lane.txt", "lane.md", "lane.vtt", "lane.srt", "lane.csv", "lane.docx", "lane_utf16le.txt", "lane_cp1252.txt"] {
            let original = [UInt8](try ImportFixtures.data(name))
            let ext = TranscriptReader.fileExtension(of: name)
            var tally = Tally()
            for _ in 0..<250 {
                var bytes = original
                for _ in 0..<(1 + random.next(upTo: 3)) {
                    mutate(&bytes, docx: ext == "docx", random: &random)
                }
                check(bytes, ext: ext, tally: &tally)
            }
            XCTAssertGreaterThan(tally.read, 0, name)
            XCTAssertGreaterThan(tally.failed, 0, name)
        }
    }

    private func mutate(_ bytes: inout [UInt8], docx: Bool, random: inout SeededRandom) {
        guard !bytes.isEmpty else {
            bytes = [random.byte()]
            return
        }
        // In a .docx, aim half the mutations at the zip directory and end record (the last
        // 200 bytes here), where offsets and sizes live; elsewhere anywhere.
        func position() -> Int {
            if docx, random.next(upTo: 2) == 0 { return max(0, bytes.count - 1 - random.next(upTo: min(200, bytes.count))) }
            return random.next(upTo: bytes.count)
        }
        switch random.next(upTo: 7) {
        case 0:
            bytes[position()] ^= UInt8(1) << UInt8(random.next(upTo: 8))
        case 1:
            bytes[position()] = random.byte()
        case 2:
            let at = position()
            bytes.insert(contentsOf: Self.structural[random.next(upTo: Self.structural.count)], at: at)
        case 3:
            let start = position()
            let end = min(bytes.count, start + 1 + random.next(upTo: 40))
            bytes.removeSubrange(start..<end)
        case 4:
            bytes.removeSubrange(random.next(upTo: bytes.count)...)
        case 5:
            let start = position()
            let end = min(bytes.count, start + 1 + random.next(upTo: 40))
            bytes.insert(contentsOf: bytes[start..<end], at: random.next(upTo: bytes.count))
        default:
            // Set a 16- or 32-bit field to an extreme value.
            let at = position()
            let extreme: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0xFF, 0xFF, 0, 0], [0xFF, 0x7F]][random.next(upTo: 4)]
            for (offset, value) in extreme.enumerated() where at + offset < bytes.count { bytes[at + offset] = value }
        }
    }
}

import XCTest
@testable import FocusCodeKit

final class DocxReaderTests: XCTestCase {
    func testParagraphsRunsBreaksTabsAndTrackedChanges() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("lane.docx"), [
            Turn(speaker: "Moderator", text: "Welcome, everyone. Let’s start with the training you had this year.", line: 1),
            Turn(speaker: "Officer Lane",
                 text: "We had two days on digital evidence.\nIt covered how to seize a phone safely.\n\nMost of it was practical, and we talked it over in the café.",
                 line: 2),
            Turn(speaker: "Moderator", text: "Did that feel like enough?", line: 5),
            Turn(speaker: "Officer Lane", text: "Not really. We’d like a refresher every year.", startMs: 63_000, line: 6),
        ])
    }

    func testEachParagraphIsATurnWithoutSpeakers() throws {
        ImportFixtures.assertTurns(try ImportFixtures.turns("lane_paragraphs.docx"), [
            Turn(speaker: nil, text: "The officers met in the training room.", line: 1),
            Turn(speaker: nil, text: "They discussed case loads and welfare.", line: 3),
        ])
    }

    func testTruncatedArchiveIsMalformed() throws {
        XCTAssertEqual(try ImportFixtures.error("lane_truncated.docx"), .malformed(
            file: "lane_truncated.docx", line: nil,
            problem: "not a readable .docx file: the end of the zip archive is missing; the file is truncated or is not a .docx"))
    }

    func testArchiveWithoutDocumentPartIsMalformed() throws {
        XCTAssertEqual(try ImportFixtures.error("no_document.docx"), .malformed(
            file: "no_document.docx", line: nil, problem: "the archive has no word/document.xml; is this a Word .docx file?"))
    }

    func testBadXMLIsMalformed() throws {
        guard case .malformed(let file, let line, let problem)? = try ImportFixtures.error("bad_xml.docx") else {
            return XCTFail("expected malformed")
        }
        XCTAssertEqual(file, "bad_xml.docx")
        XCTAssertNil(line)
        XCTAssertTrue(problem.hasPrefix("word/document.xml is not well-formed XML (line 2, column "), problem)
    }

    func testTextThatIsNotAZipIsMalformed() {
        XCTAssertEqual(ImportFixtures.error(text: "Moderator: this is plain text, not Word.", fileName: "notes.docx"), .malformed(
            file: "notes.docx", line: nil,
            problem: "not a readable .docx file: the end of the zip archive is missing; the file is truncated or is not a .docx"))
        XCTAssertEqual(ImportFixtures.error { () throws(ImportError) in
            try TranscriptReader.read(data: Data(), fileName: "empty.docx")
        }, .emptyFile(file: "empty.docx"))
    }

    func testDamagedCompressedDataIsMalformed() throws {
        var bytes = [UInt8](try ImportFixtures.data("lane.docx"))
        // Flip a byte inside word/document.xml's compressed data: inflating or the checksum fails.
        let name = Array("word/document.xml".utf8)
        let header = try XCTUnwrap(bytes.indices.first { index in
            index + 30 + name.count <= bytes.count && bytes[index..<index + 4] == [0x50, 0x4B, 0x03, 0x04]
                && Array(bytes[(index + 30)..<(index + 30 + name.count)]) == name
        })
        let dataStart = header + 30 + name.count + Int(bytes[header + 28]) + Int(bytes[header + 29]) << 8
        bytes[dataStart + 20] ^= 0xFF
        let error = ImportFixtures.error { () throws(ImportError) in
            try TranscriptReader.read(data: Data(bytes), fileName: "damaged.docx")
        }
        guard case .malformed(let file, nil, let problem)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(file, "damaged.docx")
        XCTAssertTrue(problem.hasPrefix("cannot unpack word/document.xml: "), problem)
    }
}

extension DocxReaderTests {
    /// ZIPFoundation 0.9.20 traps on an in-memory archive whose directory points past the end
    /// of the data (a Range fatal error); the reader must refuse such files instead.
    func testDirectoryOffsetPastTheEndIsRefusedNotACrash() throws {
        var bytes = [UInt8](try ImportFixtures.data("lane.docx"))
        let offsetField = bytes.count - 22 + 16 // the end record has no comment here
        let pastEnd = UInt32(bytes.count + 1000)
        for shift in 0..<4 { bytes[offsetField + shift] = UInt8(truncatingIfNeeded: pastEnd >> (8 * UInt32(shift))) }
        XCTAssertEqual(ImportFixtures.error { () throws(ImportError) in
            try TranscriptReader.read(data: Data(bytes), fileName: "bent.docx")
        }, .malformed(file: "bent.docx", line: nil,
                      problem: "not a readable .docx file: the zip directory lies outside the file; the file is damaged"))
    }

    func testLocalHeaderOffsetPastTheEndIsRefused() throws {
        var bytes = [UInt8](try ImportFixtures.data("lane.docx"))
        let end = bytes.count - 22
        let directory = Int(bytes[end + 16]) | Int(bytes[end + 17]) << 8 | Int(bytes[end + 18]) << 16
        // The first directory entry's local header offset (at +42).
        for shift in 0..<4 { bytes[directory + 42 + shift] = 0x7F }
        XCTAssertEqual(ImportFixtures.error { () throws(ImportError) in
            try TranscriptReader.read(data: Data(bytes), fileName: "bent.docx")
        }, .malformed(file: "bent.docx", line: nil, problem: "not a readable .docx file: a zip entry's header is damaged"))
    }
}

extension DocxReaderTests {
    /// ZIPFoundation 0.9.20's Linux inflate loops forever when a deflate stream ends early; the
    /// reader must stop at the end of the entry's data and say so.
    func testDeflateStreamThatEndsEarlyIsRefusedNotAHang() throws {
        XCTAssertEqual(try ImportFixtures.error("cut_deflate.docx"), .malformed(
            file: "cut_deflate.docx", line: nil, problem: "cannot unpack word/document.xml: its compressed data is damaged or truncated"))
    }
}

extension DocxReaderTests {
    func testMainPartIsFoundThroughThePackageRelationships() throws {
        XCTAssertEqual(try ImportFixtures.turns("renamed_part.docx"), try ImportFixtures.turns("lane_paragraphs.docx"))
    }

    func testDocumentWithADTDIsRefused() throws {
        XCTAssertEqual(try ImportFixtures.error("dtd.docx"), .malformed(
            file: "dtd.docx", line: nil, problem: "word/document.xml cannot be read: it declares a DTD, which these files never have"))
    }
}

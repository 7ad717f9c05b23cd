import XCTest
@testable import FocusCodeKit

final class TextDecodingTests: XCTestCase {
    private func decode(_ name: String) throws -> DecodedText {
        try TextDecoding.decode(ImportFixtures.data(name), file: name)
    }

    private func decodeError(_ bytes: [UInt8], file: String = "t.txt") -> ImportError? {
        do {
            _ = try TextDecoding.decode(Data(bytes), file: file)
            return nil
        } catch {
            return error
        }
    }

    func testEveryEncodingDecodesToTheSameText() throws {
        let reference = try decode("lane.txt")
        XCTAssertEqual(reference.encoding, .utf8)
        XCTAssertTrue(reference.text.contains("café"))
        XCTAssertTrue(reference.text.contains("Let\u{2019}s"))
        let expected: [(String, TextEncoding)] = [
            ("lane_utf8_bom.txt", .utf8WithBOM),
            ("lane_utf16le.txt", .utf16LittleEndian),
            ("lane_utf16be.txt", .utf16BigEndian),
            ("lane_cp1252.txt", .windows1252),
        ]
        for (name, encoding) in expected {
            let decoded = try decode(name)
            XCTAssertEqual(decoded.encoding, encoding, name)
            XCTAssertEqual(decoded.text, reference.text, name)
        }
    }

    func testLineEndingsAreNormalisedToLF() throws {
        let reference = try decode("lane.txt").text
        XCTAssertEqual(try decode("lane_crlf.txt").text, reference)
        XCTAssertEqual(try decode("lane_cr.txt").text, reference)
        XCTAssertEqual(TextDecoding.normalisingLineEndings("a\r\nb\rc\n\r\rd\r"), "a\nb\nc\n\n\nd\n")
    }

    func testWindows1252HighBytes() throws {
        let decoded = try TextDecoding.decode(Data([0x93, 0x80, 0x35, 0x94, 0x20, 0x96, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x92]), file: "w.txt")
        XCTAssertEqual(decoded.encoding, .windows1252)
        XCTAssertEqual(decoded.text, "“€5” – café’")
    }

    func testEmptyAndWhitespaceOnlyFilesAreEmpty() throws {
        XCTAssertEqual(decodeError([], file: "empty.txt"), .emptyFile(file: "empty.txt"))
        XCTAssertEqual(decodeError(Array(try ImportFixtures.data("whitespace.txt")), file: "whitespace.txt"),
                       .emptyFile(file: "whitespace.txt"))
        XCTAssertEqual(decodeError([0xEF, 0xBB, 0xBF]), .emptyFile(file: "t.txt"))
        XCTAssertEqual(decodeError([0xFF, 0xFE, 0x20, 0x00]), .emptyFile(file: "t.txt"))
    }

    func testBinaryFilesAreRefused() throws {
        XCTAssertEqual(decodeError(Array(try ImportFixtures.data("binary.txt")), file: "binary.txt"), .binary(file: "binary.txt"))
        // No NUL, but mostly control bytes.
        XCTAssertEqual(decodeError([0x01, 0x02, 0x41, 0x03, 0x1B, 0x42]), .binary(file: "t.txt"))
        // NUL inside UTF-16 text.
        XCTAssertEqual(decodeError([0xFF, 0xFE, 0x41, 0x00, 0x00, 0x00]), .binary(file: "t.txt"))
    }

    func testUndefinedWindows1252ByteIsUndecodableWithOffsets() throws {
        XCTAssertEqual(decodeError(Array(try ImportFixtures.data("undecodable_cp1252.txt")), file: "undecodable_cp1252.txt"),
                       .undecodable(file: "undecodable_cp1252.txt",
                                    reason: "not UTF-8 (byte 0xE9 at offset 17 is invalid) and not Windows-1252 (byte 0x81 at offset 23 is undefined there)"))
    }

    func testInvalidUTF8AfterBOMIsUndecodable() {
        XCTAssertEqual(decodeError([0xEF, 0xBB, 0xBF, 0x41, 0xC3, 0x28]),
                       .undecodable(file: "t.txt", reason: "byte 0xC3 at offset 4 is not valid UTF-8 after its UTF-8 byte-order mark"))
    }

    func testBrokenUTF16IsUndecodable() {
        XCTAssertEqual(decodeError([0xFF, 0xFE, 0x41, 0x00, 0x42]),
                       .undecodable(file: "t.txt", reason: "UTF-16LE text has an odd number of bytes (5); the file may be truncated"))
        XCTAssertEqual(decodeError([0xFE, 0xFF, 0x00, 0x41, 0xD8, 0x00, 0x00, 0x41]),
                       .undecodable(file: "t.txt", reason: "UTF-16BE high surrogate without its low surrogate at byte offset 4"))
        XCTAssertEqual(decodeError([0xFF, 0xFE, 0x00, 0xDC]),
                       .undecodable(file: "t.txt", reason: "UTF-16LE low surrogate without a high surrogate at byte offset 2"))
        // A valid surrogate pair decodes.
        XCTAssertEqual(try? TextDecoding.decode(Data([0xFF, 0xFE, 0x3D, 0xD8, 0x00, 0xDE]), file: "t.txt").text, "😀")
    }

    func testUTF8ValidatorFindsTheFirstBadSequence() {
        XCTAssertNil(TextDecoding.firstInvalidUTF8Offset(Array("aé€😀".utf8), from: 0))
        XCTAssertEqual(TextDecoding.firstInvalidUTF8Offset([0x61, 0xC0, 0xAF], from: 0), 1) // overlong
        XCTAssertEqual(TextDecoding.firstInvalidUTF8Offset([0x61, 0xED, 0xA0, 0x80], from: 0), 1) // surrogate
        XCTAssertEqual(TextDecoding.firstInvalidUTF8Offset([0xF4, 0x90, 0x80, 0x80], from: 0), 0) // > U+10FFFF
        XCTAssertEqual(TextDecoding.firstInvalidUTF8Offset([0x61, 0x62, 0xE2, 0x82], from: 0), 2) // truncated
    }

    func testNeverCrashesOnShortByteStrings() {
        // Every one- and two-byte input, and BOM prefixes with every next byte.
        for first in 0...255 {
            _ = decodeError([UInt8(first)])
            for second in 0...255 { _ = decodeError([UInt8(first), UInt8(second)]) }
        }
        for prefix in [[0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF]] as [[UInt8]] {
            for next in 0...255 { _ = decodeError(prefix + [UInt8(next)]) }
        }
    }
}

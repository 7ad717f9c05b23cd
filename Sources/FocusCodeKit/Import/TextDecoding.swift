import Foundation

/// The character encoding a transcript's bytes were decoded from.
public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
    /// UTF-8 without a byte-order mark.
    case utf8
    /// UTF-8 after the byte-order mark EF BB BF.
    case utf8WithBOM
    /// UTF-16 little-endian, after the byte-order mark FF FE.
    case utf16LittleEndian
    /// UTF-16 big-endian, after the byte-order mark FE FF.
    case utf16BigEndian
    /// Windows-1252 (a superset of Latin-1's printable characters), for files that are not UTF-8.
    case windows1252
}

/// Text decoded from a file, with its line endings normalised to LF.
public struct DecodedText: Sendable, Equatable {
    /// The text; every CRLF and lone CR is now LF, and no byte-order mark remains.
    public let text: String
    /// The encoding the bytes were read as.
    public let encoding: TextEncoding
}

/// Turns file bytes into text, refusing what cannot be decoded rather than importing mojibake.
///
/// The rules, in order: an empty file is refused; a UTF-8 or UTF-16 byte-order mark decides the
/// encoding (and the rest must be valid in it); otherwise a NUL byte means binary; valid UTF-8
/// is UTF-8; anything else is read as Windows-1252 unless it holds one of the five bytes that
/// code page leaves undefined. Text whose characters are more than a tenth control characters
/// is refused as binary, and text that is only whitespace as empty.
public enum TextDecoding {
    /// Decodes `data`; `file` names the file in errors.
    public static func decode(_ data: Data, file: String) throws(ImportError) -> DecodedText {
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { throw .emptyFile(file: file) }

        let text: String
        let encoding: TextEncoding
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            text = try decodeUTF8(bytes, from: 3, file: file, context: "after its UTF-8 byte-order mark")
            encoding = .utf8WithBOM
        } else if bytes.starts(with: [0xFF, 0xFE]) {
            text = try decodeUTF16(bytes, bigEndian: false, file: file)
            encoding = .utf16LittleEndian
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            text = try decodeUTF16(bytes, bigEndian: true, file: file)
            encoding = .utf16BigEndian
        } else if bytes.contains(0) {
            // No text encoding we accept without a BOM puts NUL in a transcript.
            throw .binary(file: file)
        } else if let utf8 = String(validating: bytes, as: UTF8.self) {
            text = utf8
            encoding = .utf8
        } else {
            text = try decodeWindows1252(bytes, file: file)
            encoding = .windows1252
        }

        guard !looksBinary(text) else { throw .binary(file: file) }
        let normalised = normalisingLineEndings(text)
        guard normalised.contains(where: { !$0.isWhitespace }) else { throw .emptyFile(file: file) }
        return DecodedText(text: normalised, encoding: encoding)
    }

    /// `text` with every CRLF and lone CR replaced by LF.
    public static func normalisingLineEndings(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "\r")) else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(text.utf8.count)
        var afterCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r":
                scalars.append("\n")
                afterCR = true
            case "\n":
                if !afterCR { scalars.append("\n") }
                afterCR = false
            default:
                scalars.append(scalar)
                afterCR = false
            }
        }
        return String(scalars)
    }

    // MARK: - Encodings

    private static func decodeUTF8(_ bytes: [UInt8], from start: Int, file: String, context: String) throws(ImportError) -> String {
        let body = bytes[start...]
        if let text = String(validating: body, as: UTF8.self) { return text }
        let offset = firstInvalidUTF8Offset(bytes, from: start) ?? start
        throw .undecodable(file: file, reason: "byte \(hex(bytes[offset])) at offset \(offset) is not valid UTF-8 \(context)")
    }

    private static func decodeUTF16(_ bytes: [UInt8], bigEndian: Bool, file: String) throws(ImportError) -> String {
        let name = bigEndian ? "UTF-16BE" : "UTF-16LE"
        guard bytes.count % 2 == 0 else {
            throw .undecodable(file: file, reason: "\(name) text has an odd number of bytes (\(bytes.count)); the file may be truncated")
        }
        var scalars = String.UnicodeScalarView()
        var offset = 2 // after the byte-order mark
        func unit(at offset: Int) -> UInt16 {
            let (high, low) = bigEndian ? (bytes[offset], bytes[offset + 1]) : (bytes[offset + 1], bytes[offset])
            return UInt16(high) << 8 | UInt16(low)
        }
        while offset < bytes.count {
            let first = unit(at: offset)
            switch first {
            case 0xD800...0xDBFF:
                guard offset + 3 < bytes.count, case let second = unit(at: offset + 2), (0xDC00...0xDFFF).contains(second) else {
                    throw .undecodable(file: file, reason: "\(name) high surrogate without its low surrogate at byte offset \(offset)")
                }
                let value = 0x10000 + (UInt32(first - 0xD800) << 10) + UInt32(second - 0xDC00)
                // Always valid: the value lies in 0x10000...0x10FFFF.
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
                offset += 4
            case 0xDC00...0xDFFF:
                throw .undecodable(file: file, reason: "\(name) low surrogate without a high surrogate at byte offset \(offset)")
            default:
                if let scalar = Unicode.Scalar(first) { scalars.append(scalar) }
                offset += 2
            }
        }
        return String(scalars)
    }

    private static func decodeWindows1252(_ bytes: [UInt8], file: String) throws(ImportError) -> String {
        let invalidUTF8 = firstInvalidUTF8Offset(bytes, from: 0) ?? 0
        if let undefined = bytes.firstIndex(where: { (0x80...0x9F).contains($0) && windows1252High[Int($0 - 0x80)] == nil }) {
            throw .undecodable(
                file: file,
                reason: "not UTF-8 (byte \(hex(bytes[invalidUTF8])) at offset \(invalidUTF8) is invalid) "
                    + "and not Windows-1252 (byte \(hex(bytes[undefined])) at offset \(undefined) is undefined there)"
            )
        }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let scalar = windows1252High[Int(byte - 0x80)] {
                scalars.append(scalar)
            } else {
                // Outside 0x80–0x9F, Windows-1252 agrees with Latin-1, i.e. with Unicode.
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// Windows-1252 bytes 0x80–0x9F; `nil` for the five the code page leaves undefined.
    private static let windows1252High: [Unicode.Scalar?] = [
        "\u{20AC}", nil, "\u{201A}", "\u{0192}", "\u{201E}", "\u{2026}", "\u{2020}", "\u{2021}",
        "\u{02C6}", "\u{2030}", "\u{0160}", "\u{2039}", "\u{0152}", nil, "\u{017D}", nil,
        nil, "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}", "\u{2022}", "\u{2013}", "\u{2014}",
        "\u{02DC}", "\u{2122}", "\u{0161}", "\u{203A}", "\u{0153}", nil, "\u{017E}", "\u{0178}",
    ]

    /// The offset of the first byte that starts an invalid UTF-8 sequence, or `nil` if all is valid.
    static func firstInvalidUTF8Offset(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // (number of continuation bytes, allowed range of the first one): excludes
            // overlong forms, surrogates and values above U+10FFFF.
            let shape: (count: Int, first: ClosedRange<UInt8>)
            switch lead {
            case 0xC2...0xDF: shape = (1, 0x80...0xBF)
            case 0xE0: shape = (2, 0xA0...0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: shape = (2, 0x80...0xBF)
            case 0xED: shape = (2, 0x80...0x9F)
            case 0xF0: shape = (3, 0x90...0xBF)
            case 0xF1...0xF3: shape = (3, 0x80...0xBF)
            case 0xF4: shape = (3, 0x80...0x8F)
            default: return index
            }
            guard index + shape.count < bytes.count, shape.first.contains(bytes[index + 1]) else { return index }
            for next in stride(from: index + 2, through: index + shape.count, by: 1) where !(0x80...0xBF).contains(bytes[next]) {
                return index
            }
            index += shape.count + 1
        }
        return nil
    }

    // MARK: - Binary detection

    /// Whether more than a tenth of the characters are control characters other than tab, LF, CR, VT and FF.
    private static func looksBinary(_ text: String) -> Bool {
        var total = 0
        var control = 0
        for scalar in text.unicodeScalars {
            total += 1
            switch scalar.value {
            case 0x00:
                return true
            case 0x09...0x0D:
                break
            case 0x01...0x1F, 0x7F, 0x80...0x9F:
                control += 1
            default:
                break
            }
        }
        return control * 10 > total
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}

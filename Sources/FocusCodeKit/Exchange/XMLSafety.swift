import Foundation

/// Checks that every XML part we hand to Foundation's parser is safe to parse.
///
/// FoundationXML on Linux traps (signal 4) on an element or attribute name that is not valid
/// UTF-8, and substitutes entities declared in a DTD, so every XML part — REFI project files,
/// the parts of a .docx — passes through `prepare` first: bytes must be UTF-8 (or UTF-16 with a
/// BOM, which is converted), DTDs are refused, and so is a processing instruction with a target
/// but no data (`<?name?>`), on which FoundationXML reads a null pointer and crashes (found by the
/// REFI codebook fuzzer; real files write `<?xml version="1.0"?>` and `<?mso-application progid=…?>`,
/// which always have data). `maximumDepth` bounds element nesting: real
/// REFI projects and Word documents stay far below it (tens of levels), and a tree built from a
/// file nested deeper would overflow the stack when walked or released.
enum XMLSafety {
    /// The deepest element nesting accepted. Word nests tables in tables a handful of times; a REFI
    /// code tree of 500 levels is not a codebook anyone reads.
    static let maximumDepth = 512

    /// UTF-8 bytes ready for `XMLParser`, or why the part cannot be parsed.
    static func prepare(_ input: Data) -> Result<Data, ExchangeProblem> {
        var data = input
        let bom = [UInt8](input.prefix(2))
        if bom == [0xFF, 0xFE] || bom == [0xFE, 0xFF] {
            guard let text = String(data: input.dropFirst(2), encoding: bom == [0xFF, 0xFE] ? .utf16LittleEndian : .utf16BigEndian) else {
                return .failure(ExchangeProblem("it is not valid UTF-16 text"))
            }
            var utf8 = text
            if let range = utf8.range(of: #"encoding\s*=\s*["'][Uu][Tt][Ff]-?16[^"']*["']"#, options: .regularExpression) {
                utf8.replaceSubrange(range, with: "encoding=\"UTF-8\"")
            }
            data = Data(utf8.utf8)
        } else if !isValidUTF8(input) {
            return .failure(ExchangeProblem("it is not UTF-8 text (invalid bytes)"))
        }
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!ENTITY".utf8)) != nil {
            return .failure(ExchangeProblem("it declares a DTD, which these files never have"))
        }
        if let target = emptyProcessingInstruction(in: data) {
            return .failure(ExchangeProblem("it has a processing instruction <?\(target)?> with no content, which these files never have"))
        }
        return .success(data)
    }

    /// The target of the first `<?target?>` (a processing instruction with nothing after its
    /// target), if there is one. One pass over the bytes; the target is shown at most 40 bytes long.
    static func emptyProcessingInstruction(in data: Data) -> String? {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            let count = bytes.count
            var index = 0
            while index + 1 < count {
                guard bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "?") else {
                    index += 1
                    continue
                }
                var end = index + 2
                while end < count, !isTargetEnd(bytes[end]) { end += 1 }
                if end > index + 2, end + 1 < count, bytes[end] == UInt8(ascii: "?"), bytes[end + 1] == UInt8(ascii: ">") {
                    let target = Data(bytes[(index + 2)..<min(end, index + 42)])
                    return String(decoding: target, as: UTF8.self)
                }
                index = max(end, index + 2)
            }
            return nil
        }
    }

    private static func isTargetEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
             UInt8(ascii: "?"), UInt8(ascii: ">"), UInt8(ascii: "<"): return true
        default: return false
        }
    }

    /// Whether the bytes are valid UTF-8 (total: never traps, any bytes give an answer).
    static func isValidUTF8(_ data: Data) -> Bool {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    static var depthProblem: String {
        "its elements are nested more than \(maximumDepth) deep, which real files never are"
    }
}

import Foundation

/// A small streaming XML writer: elements, attributes and text, always escaped.
///
/// REFI-QDA files are plain XML with a strict element order; the writer leaves ordering to the
/// caller and only guarantees well-formed, correctly escaped output (UTF-8, LF line breaks).
struct XMLWriter {
    private(set) var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var stack: [String] = []
    private var openTagPending = false

    /// Opens an element; attributes with a `nil` value are left out.
    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        closePendingTag()
        output += indent + "<" + name
        for (key, value) in attributes {
            if let value { output += " \(key)=\"\(Self.escapeAttribute(value))\"" }
        }
        openTagPending = true
        stack.append(name)
    }

    /// Closes the innermost open element (as `<x/>` when it had no content).
    mutating func close() {
        let name = stack.removeLast()
        if openTagPending {
            output += "/>\n"
            openTagPending = false
        } else {
            output += indent + "</\(name)>\n"
        }
    }

    /// An element with no children.
    mutating func empty(_ name: String, _ attributes: KeyValuePairs<String, String?> = [:]) {
        open(name, attributes)
        close()
    }

    /// An element holding only text, written exactly (no added whitespace inside).
    mutating func textElement(_ name: String, _ text: String) {
        closePendingTag()
        output += indent + "<\(name)>" + Self.escapeText(text) + "</\(name)>\n"
    }

    private mutating func closePendingTag() {
        if openTagPending {
            output += ">\n"
            openTagPending = false
        }
    }

    private var indent: String { String(repeating: "  ", count: stack.count - (openTagPending ? 1 : 0)) }

    /// Escapes text content. CR is written as a character reference, or a parser would turn it into LF.
    static func escapeText(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            default:
                if Self.isAllowed(scalar) { out.unicodeScalars.append(scalar) } else { out += "\u{FFFD}" }
            }
        }
        return out
    }

    /// Escapes an attribute value; tabs and line breaks become references so they survive normalisation.
    static func escapeAttribute(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                if Self.isAllowed(scalar) { out.unicodeScalars.append(scalar) } else { out += "\u{FFFD}" }
            }
        }
        return out
    }

    /// Characters XML 1.0 allows (control characters other than tab, LF and CR are not).
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
    }
}

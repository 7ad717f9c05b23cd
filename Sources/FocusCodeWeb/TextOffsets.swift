import FocusCodeKit

/// Browser selections count UTF-16 code units; the library's spans count Unicode code points.
/// The conversion lives on the server so the page never has to know the library's unit.
enum TextOffsets {
    /// The code-point offset of a UTF-16 offset into `text`, or nil when the offset is past the end or
    /// falls inside a surrogate pair (half an astral character).
    static func codePoint(fromUTF16 offset: Int, in text: String) -> Int? {
        guard offset >= 0 else { return nil }
        var units = 0
        var points = 0
        for scalar in text.unicodeScalars {
            if units == offset { return points }
            units += scalar.utf16.count
            points += 1
            if units > offset { return nil }
        }
        return units == offset ? points : nil
    }

    /// A UTF-16 selection as a code-point span, checked against the quoted text the browser saw.
    static func span(utf16Start: Int, utf16End: Int, quote: String?, in text: String, excerpt: String) throws -> Span {
        guard utf16Start < utf16End else {
            throw WebError.badRequest("The selection in \(excerpt) is empty; select some words first.")
        }
        guard let start = codePoint(fromUTF16: utf16Start, in: text), let end = codePoint(fromUTF16: utf16End, in: text) else {
            throw WebError.unprocessable("The selection \(utf16Start)–\(utf16End) does not fit \(excerpt) (past its end or inside a character); reload the page.")
        }
        if let quote {
            let scalars = Array(text.unicodeScalars)
            var seen = String.UnicodeScalarView()
            seen.append(contentsOf: scalars[start..<end])
            if String(seen) != quote {
                throw WebError.conflict("The text of \(excerpt) on the page is not the text in the project; reload the page.")
            }
        }
        return Span(start: start, end: end)
    }
}

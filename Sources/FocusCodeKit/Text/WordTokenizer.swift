import Foundation

/// A word of a turn, case-folded, with where it stands in the text.
public struct WordToken: Sendable, Equatable {
    /// The word in lower case, with typographic apostrophes and hyphens made plain (`’` → `'`).
    public var term: String
    /// Where the word is in the text it came from.
    public var range: Range<String.Index>
    /// True when a sentence end, a line break or a placeholder lies between this word and the one before:
    /// an n-gram never spans it.
    public var afterBreak: Bool
}

/// Splits transcript text into words for counting, keyword-in-context and the machine coder.
///
/// A word is a run of letters and digits (any script) with at least one letter; an apostrophe or hyphen between two
/// letters or digits stays inside it ("don't", "uh-huh", "co-worker"). Placeholders such as `[NAME-3]` are never
/// words, and no n-gram spans them.
public enum WordTokenizer {
    public static func tokens(_ text: String) -> [WordToken] {
        var tokens: [WordToken] = []
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        let end = scalars.endIndex
        var pendingBreak = false
        while i < end {
            let s = scalars[i]
            if isWordScalar(s) {
                let start = i
                var hasLetter = false
                var j = i
                while j < end {
                    let c = scalars[j]
                    if isWordScalar(c) {
                        if !hasLetter, c.properties.isAlphabetic { hasLetter = true }
                        j = scalars.index(after: j)
                    } else if isJoiner(c) {
                        let next = scalars.index(after: j)
                        if next < end, isWordScalar(scalars[next]) { j = next } else { break }
                    } else {
                        break
                    }
                }
                if hasLetter {
                    tokens.append(WordToken(term: fold(String(scalars[start..<j])), range: start..<j, afterBreak: pendingBreak))
                    pendingBreak = false
                }
                i = j
                continue
            }
            if s == "[", let after = placeholderEnd(scalars, from: i) {
                pendingBreak = true
                i = after
                continue
            }
            if isSentenceBreak(s) { pendingBreak = true }
            i = scalars.index(after: i)
        }
        return tokens
    }

    /// Lower case, with `’`/`‘` as `'` and the Unicode hyphens as `-` (so "Don’t" and "don't" are one term).
    public static func fold(_ word: String) -> String {
        var folded = word.lowercased()
        if folded.unicodeScalars.contains(where: { $0.value > 0x7F }) {
            folded = folded.replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
                .replacingOccurrences(of: "\u{2010}", with: "-").replacingOccurrences(of: "\u{2011}", with: "-")
        }
        return folded
    }

    @inline(__always) static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) }
        let p = s.properties
        if p.isAlphabetic || p.numericType != nil { return true }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    @inline(__always) static func isJoiner(_ s: Unicode.Scalar) -> Bool {
        s == "'" || s == "-" || s == "\u{2019}" || s == "\u{2010}" || s == "\u{2011}"
    }

    @inline(__always) static func isSentenceBreak(_ s: Unicode.Scalar) -> Bool {
        s == "." || s == "!" || s == "?" || s == ";" || s == ":" || s == "\n" || s == "\u{2026}"
    }

    /// After `[KIND-N]` (an upper-case letter, up to 19 more upper-case letters, digits or `_`, a hyphen, digits, `]`).
    static func placeholderEnd(_ scalars: String.UnicodeScalarView, from open: String.Index) -> String.Index? {
        var i = scalars.index(after: open)
        let end = scalars.endIndex
        guard i < end, ("A"..."Z").contains(scalars[i]) else { return nil }
        var kindLength = 0
        while i < end, ("A"..."Z").contains(scalars[i]) || ("0"..."9").contains(scalars[i]) || scalars[i] == "_" {
            kindLength += 1
            if kindLength > 20 { return nil }
            i = scalars.index(after: i)
        }
        guard i < end, scalars[i] == "-" else { return nil }
        i = scalars.index(after: i)
        var digits = 0
        while i < end, ("0"..."9").contains(scalars[i]) { digits += 1; i = scalars.index(after: i) }
        guard digits > 0, i < end, scalars[i] == "]" else { return nil }
        return scalars.index(after: i)
    }
}

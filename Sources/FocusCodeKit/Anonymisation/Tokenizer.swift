import Foundation

/// A word in a text: a run of letters and digits (any script), as UTF-8 byte offsets.
///
/// Apostrophes and hyphens end a word, so "Sarah’s" is the word "Sarah" followed by "’s", and a
/// name matched in it leaves the possessive in place (`[NAME-1]’s`).
struct Token: Equatable {
    var start: Int
    var end: Int
    /// FNV-1a of the lower-cased bytes: lets the name matcher look a word up without making a String.
    var hash: UInt64
    var flags: Flags

    struct Flags: OptionSet, Equatable {
        let rawValue: UInt8
        /// Starts with an upper-case letter.
        static let capitalised = Flags(rawValue: 1)
        /// Two or more letters, all upper case.
        static let allCaps = Flags(rawValue: 2)
        static let hasDigit = Flags(rawValue: 4)
        static let hasLetter = Flags(rawValue: 8)
        /// Holds bytes outside ASCII (lower-casing takes the slow path).
        static let nonASCII = Flags(rawValue: 16)
        /// First word of the text, or after . ! ? : … a line break or an opening quote.
        static let sentenceInitial = Flags(rawValue: 32)
    }

    var length: Int { end - start }

    /// The word as written.
    func text(in bytes: [UInt8]) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    /// The word in lower case (the key of the name matcher and of the common-word list).
    func lowercased(in bytes: [UInt8]) -> String {
        if flags.contains(.nonASCII) { return text(in: bytes).lowercased() }
        return String(unsafeUninitializedCapacity: length) { buffer in
            for i in 0..<length { buffer[i] = asciiLower(bytes[start + i]) }
            return length
        }
    }
}

@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
@inline(__always) func isASCIIDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
@inline(__always) func isASCIIUpper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
@inline(__always) func isASCIILower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
@inline(__always) func isASCIILetter(_ b: UInt8) -> Bool { isASCIIUpper(b) || isASCIILower(b) }
@inline(__always) func isASCIIAlnum(_ b: UInt8) -> Bool { isASCIILetter(b) || isASCIIDigit(b) }

/// FNV-1a, 64 bits.
struct FNV1a {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) mutating func add(_ b: UInt8) { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
    static func hash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h = FNV1a()
        for b in bytes { h.add(b) }
        return h.value
    }
}

enum Tokenizer {
    /// The byte length of a non-ASCII sequence that is punctuation or a space (general
    /// punctuation U+2000–U+206F, no-break space, guillemets, ideographic punctuation), or 0.
    @inline(__always) static func punctuationLength(_ bytes: [UInt8], _ i: Int) -> Int {
        let b = bytes[i]
        if b == 0xE2, i + 1 < bytes.count, bytes[i + 1] == 0x80 || bytes[i + 1] == 0x81 { return 3 }
        if b == 0xC2, i + 1 < bytes.count, [0xA0, 0xAB, 0xBB, 0xA1, 0xBF, 0xB7].contains(bytes[i + 1]) { return 2 }
        if b == 0xE3, i + 1 < bytes.count, bytes[i + 1] == 0x80 { return 3 }
        return 0
    }

    /// The length of the UTF-8 sequence starting with `lead`.
    @inline(__always) static func sequenceLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// Splits UTF-8 text into words.
    static func tokens(_ bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 5)
        var i = 0
        let n = bytes.count
        var sentenceStart = true
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if !isASCIIAlnum(b) {
                    switch b {
                    case 0x2E, 0x21, 0x3F, 0x3A, 0x0A, 0x22: sentenceStart = true   // . ! ? : newline "
                    case 0x20, 0x09, 0x0D, 0x27, 0x28, 0x29, 0x5B, 0x5D: break     // spaces, ' ( ) [ ] keep the state
                    default: sentenceStart = false
                    }
                    i += 1
                    continue
                }
            } else {
                let p = punctuationLength(bytes, i)
                if p > 0 {
                    // … (E2 80 A6) and opening quotes “ ‘ (E2 80 9C / 98) start a sentence.
                    if p == 3, bytes[i] == 0xE2, bytes[i + 1] == 0x80, [0xA6, 0x9C, 0x98].contains(bytes[i + 2]) { sentenceStart = true }
                    i += p
                    continue
                }
            }
            // A word.
            let start = i
            var hash = FNV1a()
            var flags: Token.Flags = sentenceStart ? [.sentenceInitial] : []
            var upper = 0, lower = 0
            var nonASCII = false
            while i < n {
                let c = bytes[i]
                if c < 0x80 {
                    if !isASCIIAlnum(c) { break }
                    if isASCIIDigit(c) { flags.insert(.hasDigit) } else if isASCIIUpper(c) { upper += 1 } else { lower += 1 }
                    hash.add(asciiLower(c))
                    i += 1
                } else {
                    if punctuationLength(bytes, i) > 0 { break }
                    nonASCII = true
                    let len = min(sequenceLength(c), n - i)
                    for k in 0..<len { hash.add(bytes[i + k]) }
                    i += len
                }
            }
            if nonASCII {
                // Lower-case and case flags through Unicode for non-ASCII words (rare).
                let word = String(decoding: bytes[start..<i], as: UTF8.self)
                hash = FNV1a()
                for c in word.lowercased().utf8 { hash.add(c) }
                flags.insert(.nonASCII)
                let letters = word.filter(\.isLetter)
                upper = letters.filter(\.isUppercase).count
                lower = letters.count - upper
                if word.first?.isUppercase == true { flags.insert(.capitalised) }
            } else if isASCIIUpper(bytes[start]) {
                flags.insert(.capitalised)
            }
            if upper + lower > 0 { flags.insert(.hasLetter) }
            if upper >= 2, lower == 0 { flags.insert(.allCaps) }
            tokens.append(Token(start: start, end: i, hash: hash.value, flags: flags))
            sentenceStart = false
        }
        return tokens
    }
}

/// A hash map from 64-bit word hashes to values: open addressing, linear probing. The words'
/// FNV hashes are already well mixed, so this skips the SipHash that `Dictionary` runs on every
/// look-up (which was the largest single cost of matching a million turns).
struct WordHashMap<Value> {
    private var keys: [UInt64]
    private var values: [Value?]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: nil, count: size)
        mask = size - 1
    }

    /// 0 marks an empty slot, so a hash of 0 is stored as 1.
    @inline(__always) private static func key(_ k: UInt64) -> UInt64 { k == 0 ? 1 : k }
    @inline(__always) private func slot(_ k: UInt64) -> Int { Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask }

    subscript(_ hash: UInt64) -> Value? {
        get {
            let k = Self.key(hash)
            var i = slot(k)
            while true {
                let stored = keys[i]
                if stored == k { return values[i] }
                if stored == 0 { return nil }
                i = (i + 1) & mask
            }
        }
        set {
            guard let newValue else { return }   // removal is never needed
            let k = Self.key(hash)
            var i = slot(k)
            while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
            if keys[i] == 0 {
                keys[i] = k
                count += 1
            }
            values[i] = newValue
            if count * 2 > keys.count { grow() }
        }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        values = Array(repeating: nil, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (i, k) in oldKeys.enumerated() where k != 0 {
            var j = slot(k)
            while keys[j] != 0 { j = (j + 1) & mask }
            keys[j] = k
            values[j] = oldValues[i]
            count += 1
        }
    }
}

import Foundation

/// The ordinary English words that are never review candidates (see `CommonWords.swift`).
enum CommonWords {
    static let set: Set<String> = Set(CommonWordList.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// Whether a lower-case word is ordinary, allowing for common inflections ("caseloads",
    /// "forensically", "redacted") of an ordinary word.
    static func contains(_ word: String) -> Bool {
        if set.contains(word) { return true }
        for (suffix, replacements) in suffixes where word.hasSuffix(suffix) && word.count > suffix.count + 2 {
            let stem = String(word.dropLast(suffix.count))
            for r in replacements where set.contains(stem + r) { return true }
        }
        return false
    }

    private static let suffixes: [(String, [String])] = [
        ("s", [""]), ("es", [""]), ("ies", ["y"]), ("ly", ["", "le"]), ("ally", [""]), ("ed", ["", "e"]),
        ("ing", ["", "e"]), ("er", ["", "e"]), ("ers", ["", "e"]), ("ness", [""]), ("ment", [""]),
    ]
}

/// Names, places and organisations to find in text, matched whole-word and case-insensitively
/// in one pass over the words: each entry is filed under the hash of its first word, so a text
/// costs one dictionary look-up per word however many entries there are.
struct NameLexicon {
    struct Entry {
        var words: [[UInt8]]
        var kind: IdentifierKind
        /// Every word of the entry is also an ordinary word ("Mark", "Rose Hill"): only a
        /// capitalised occurrence counts, so "a mark" stays.
        var requiresCapital: Bool
    }

    private(set) var entries: [Entry] = []
    /// First word's hash → index into `buckets` (entries sharing that first word, longest first).
    private var byFirstWord = WordHashMap<Int32>()
    private var buckets: [[Int32]] = []
    private var seen: Set<String> = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// Titles and role words that are not part of a person's name in a speaker label or list entry.
    static let titles: Set<String> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lord", "lady",
                                      "dc", "ds", "di", "dci", "dsi", "pc", "psc", "sgt", "insp", "det", "supt", "officer",
                                      "constable", "sergeant", "inspector", "detective", "superintendent", "chief", "rev"]
    static let roleWords: Set<String> = ["moderator", "facilitator", "interviewer", "mod", "speaker", "participant", "respondent",
                                         "interviewee", "unknown", "male", "female", "man", "woman", "all", "group", "audience",
                                         "inaudible", "crosstalk", "everyone", "several", "voice", "voices", "researcher", "note",
                                         "observer", "host", "guest", "other", "others", "unidentified"]

    /// Adds an entry: its words in lower case. With `parts`, each word of a person's name is
    /// also an entry of its own ("Sarah Jones" also finds "Sarah" and "Jones"), titles left out.
    mutating func add(_ text: String, kind: IdentifierKind, parts: Bool = false) {
        // A part is a space-separated word, so "Anne-Marie" and "O’Neill" stay whole.
        var partWords = text.split(whereSeparator: \.isWhitespace).map { part -> [String] in
            let bytes = Array(part.utf8)
            return Tokenizer.tokens(bytes).map { $0.lowercased(in: bytes) }
        }.filter { !$0.isEmpty }
        if parts { partWords.removeAll { $0.count == 1 && Self.titles.contains($0[0]) } }
        let words = partWords.flatMap { $0 }
        guard !words.isEmpty else { return }
        insert(words, kind: kind)
        if parts, partWords.count > 1 {
            for part in partWords where part.joined().count >= 2 && !part.joined().allSatisfy(\.isNumber) { insert(part, kind: kind) }
        }
    }

    /// Adds the person's name in a speaker label ("DC Ruth Baker" → "Ruth Baker", "Ruth", "Baker");
    /// role labels such as "Moderator" or "Speaker 2" name no one and add nothing.
    /// Returns the names found (as written: the full name, then its parts), empty for a role label.
    @discardableResult
    mutating func addSpeakerLabel(_ label: String) -> [String] {
        let words = label.split(whereSeparator: \.isWhitespace).map(String.init)
            .filter { !$0.contains(where: \.isNumber) }
        if words.isEmpty || words.contains(where: { Self.roleWords.contains(WordNormaliser.words($0)) }) { return [] }
        let name = words.filter { !Self.titles.contains(WordNormaliser.words($0)) && !WordNormaliser.words($0).isEmpty }
        guard !name.isEmpty else { return [] }
        add(name.joined(separator: " "), kind: .name, parts: true)
        return name.count > 1 ? [name.joined(separator: " ")] + name : name
    }

    private mutating func insert(_ words: [String], kind: IdentifierKind) {
        let key = words.joined(separator: " ")
        guard seen.insert(key).inserted else { return }
        let entry = Entry(words: words.map { Array($0.utf8) }, kind: kind,
                          requiresCapital: words.allSatisfy { CommonWords.contains($0) || $0.count < 2 })
        let index = Int32(entries.count)
        entries.append(entry)
        let hash = FNV1a.hash(entry.words[0])
        if let b = byFirstWord[hash] {
            buckets[Int(b)].append(index)
            buckets[Int(b)].sort { entries[Int($0)].words.count > entries[Int($1)].words.count }
        } else {
            byFirstWord[hash] = Int32(buckets.count)
            buckets.append([index])
        }
    }

    /// The longest entry matching the words from `t` on: its index and the number of words.
    func match(_ tokens: [Token], at t: Int, in bytes: [UInt8]) -> (entry: Int, words: Int)? {
        guard let b = byFirstWord[tokens[t].hash] else { return nil }
        for index in buckets[Int(b)] {
            let entry = entries[Int(index)]
            if entry.requiresCapital, !tokens[t].flags.contains(.capitalised) { continue }
            guard t + entry.words.count <= tokens.count else { continue }
            var ok = true
            for (m, word) in entry.words.enumerated() {
                let token = tokens[t + m]
                if m > 0, !Self.joinable(bytes, from: tokens[t + m - 1].end, to: token.start) { ok = false; break }
                if !Self.equal(token, word, bytes) { ok = false; break }
            }
            if ok { return (Int(index), entry.words.count) }
        }
        return nil
    }

    /// Whether the bytes between two words of one name may join them: spaces, a hyphen, an
    /// apostrophe or a full stop ("Anne-Marie", "O’Brien", "St. Helens"), at most four bytes.
    static func joinable(_ bytes: [UInt8], from: Int, to: Int) -> Bool {
        guard to - from >= 1, to - from <= 4 else { return false }
        var i = from
        while i < to {
            let b = bytes[i]
            if b == 0x20 || b == 0x2D || b == 0x27 || b == 0x2E { i += 1; continue }
            if b == 0xE2, i + 2 < to + 1, bytes[i + 1] == 0x80, bytes[i + 2] == 0x99 || bytes[i + 2] == 0x90 || bytes[i + 2] == 0x91 { i += 3; continue }
            return false
        }
        return true
    }

    static func equal(_ token: Token, _ word: [UInt8], _ bytes: [UInt8]) -> Bool {
        if token.flags.contains(.nonASCII) { return Array(token.lowercased(in: bytes).utf8) == word }
        guard token.length == word.count else { return false }
        for k in 0..<word.count where asciiLower(bytes[token.start + k]) != word[k] { return false }
        return true
    }
}

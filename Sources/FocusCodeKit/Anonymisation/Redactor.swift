import Crypto
import Foundation

/// Placeholders of a project: found again by a keyed digest of the normalised original, never by the original.
struct PlaceholderRegistry {
    struct Placeholder: Equatable {
        var digest: String
        var kind: IdentifierKind
        var number: Int
        var text: String { kind.placeholder(number) }
    }

    /// The HMAC key of the digests: the project's salt, or the key file's secret.
    let digestKey: String
    private let key: SymmetricKey
    private(set) var all: [Placeholder] = []
    private var byDigest: [String: Int] = [:]
    private var next: [IdentifierKind: Int] = [:]
    /// Placeholders made since loading (to store), by index into `all`.
    private(set) var firstNew: Int = 0
    /// The original behind each placeholder seen in this run (memory only: for the key file and previews).
    private(set) var originals: [Int: String] = [:]
    /// Normalised original → index in `all`, or -1 when the project has no placeholder for it.
    private var byNormalised: [String: Int] = [:]

    init(digestKey: String, existing: [Placeholder]) {
        self.digestKey = digestKey
        key = Digest.symmetricKey(hex: digestKey)
        for p in existing {
            byDigest[p.digest] = all.count
            all.append(p)
            next[p.kind] = max(next[p.kind] ?? 1, p.number + 1)
        }
        firstNew = all.count
    }

    var isEmpty: Bool { all.isEmpty }
    var created: ArraySlice<Placeholder> { all[firstNew...] }

    /// The digest stored for an original (in its normalised form).
    static func digest(_ normalised: String, key: String) -> String {
        Digest.hmacHex("original\u{0}" + normalised, keyHex: key)
    }

    func digest(_ normalised: String) -> String { Digest.hmacHex("original\u{0}" + normalised, key: key) }

    /// The index of the placeholder of a normalised original, if the project has one.
    mutating func lookup(normalised: String) -> Int? {
        if let index = byNormalised[normalised] { return index >= 0 ? index : nil }
        let found = byDigest[digest(normalised)]
        if byNormalised.count < 1_000_000 { byNormalised[normalised] = found ?? -1 }
        return found
    }

    /// The placeholder for an original, made if new.
    mutating func placeholder(for original: String, kind: IdentifierKind) -> Int {
        let normalised = kind.normalise(original)
        let index: Int
        if let found = lookup(normalised: normalised) {
            index = found
        } else {
            let digest = digest(normalised)
            let number = next[kind] ?? 1
            next[kind] = number + 1
            index = all.count
            all.append(Placeholder(digest: digest, kind: kind, number: number))
            byDigest[digest] = index
            byNormalised[normalised] = index
        }
        if originals[index] == nil { originals[index] = original }
        return index
    }

    /// Notes the original seen for an existing placeholder (for the key file).
    mutating func saw(_ original: String, at index: Int) {
        if originals[index] == nil { originals[index] = original }
    }
}

/// One identifier replaced in a text.
public struct Replacement: Equatable, Sendable {
    public var kind: IdentifierKind
    public var placeholder: String
    /// The original text; kept in memory only (previews, the key file), never stored in the project.
    public var original: String
}

/// A stretch of text that may identify someone, with where it was found.
public struct ReviewCandidate: Equatable, Sendable {
    /// The text as written (it stays in the project's text until someone decides).
    public var text: String
    /// The form under which occurrences are counted together and decisions are remembered.
    public var key: String
    public var reason: CandidateReason
    /// About 40 characters either side, from the text as stored.
    public var context: String
}

/// The result of anonymising one text.
public struct RedactionOutcome: Equatable, Sendable {
    public var text: String
    public var replacements: [Replacement]
    public var candidates: [ReviewCandidate]
}

/// Finds identifiers in a text and replaces them with placeholders, and lists what it is unsure of.
///
/// The order of precedence: a user's custom patterns, then the shape detectors (e-mail, URL, NI
/// number, postcode, vehicle registration, date of birth, phone), then the name lists and speaker
/// names (longest entry first), then originals the project has replaced before (by digest),
/// and what is left is looked at as a review candidate.
struct Redactor {
    var scanner: PatternScanner
    var patterns: [CustomPattern]
    var lexicon = NameLexicon()
    var registry: PlaceholderRegistry
    /// The project salt, for "keep" decisions (the kept text stays in the project in plain, so a salt suffices).
    var salt: String
    var keepDigests: Set<String>
    var findCandidates = true

    private struct TokenInfo { var common: Bool; var remembered: Int32 }   // remembered: -2 unknown, -1 none
    private var tokenCache = WordHashMap<TokenInfo>(capacity: 65_536)
    private var keepCache: [String: Bool] = [:]
    private static let cacheLimit = 500_000

    init(scanner: PatternScanner, patterns: [CustomPattern], registry: PlaceholderRegistry, salt: String, keepDigests: Set<String>) {
        self.scanner = scanner
        self.patterns = patterns
        self.registry = registry
        self.salt = salt
        self.keepDigests = keepDigests
    }

    static func keepDigest(_ key: String, salt: String) -> String { Digest.hmacHex("keep\u{0}" + key, keyHex: salt) }

    /// The key under which a candidate's occurrences are counted and a keep decision remembered.
    static func candidateKey(_ text: String) -> String {
        text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: "’", with: "'")
    }

    private mutating func isKept(_ key: String) -> Bool {
        if keepDigests.isEmpty { return false }
        if let kept = keepCache[key] { return kept }
        let kept = keepDigests.contains(Self.keepDigest(key, salt: salt))
        if keepCache.count < Self.cacheLimit { keepCache[key] = kept }
        return kept
    }

    private mutating func info(_ token: Token, _ bytes: [UInt8]) -> TokenInfo {
        if let cached = tokenCache[token.hash] { return cached }
        let info = TokenInfo(common: CommonWords.contains(token.lowercased(in: bytes)), remembered: -2)
        if tokenCache.count < Self.cacheLimit { tokenCache[token.hash] = info }
        return info
    }

    /// Whether a word is one the project replaced before (by the digest of its lower-case form).
    private mutating func remembered(_ token: Token, _ bytes: [UInt8], common: Bool) -> Int? {
        if registry.isEmpty { return nil }
        let interesting = token.flags.contains(.capitalised) || token.flags.contains(.allCaps) || token.flags.contains(.hasDigit)
            || token.flags.contains(.nonASCII) || !common
        guard interesting else { return nil }
        var cached = tokenCache[token.hash] ?? TokenInfo(common: common, remembered: -2)
        if cached.remembered == -2 {
            cached.remembered = registry.lookup(normalised: token.lowercased(in: bytes)).map(Int32.init) ?? -1
            if tokenCache.count < Self.cacheLimit { tokenCache[token.hash] = cached }
        }
        guard cached.remembered >= 0 else { return nil }
        // Confirm with the word itself (the cache is keyed by a 64-bit hash).
        return registry.lookup(normalised: token.lowercased(in: bytes))
    }

    private func customSpans(_ text: String, _ bytes: [UInt8]) -> [DetectedSpan] {
        guard !patterns.isEmpty else { return [] }
        var spans: [DetectedSpan] = []
        let ns = NSRange(text.startIndex..<text.endIndex, in: text)
        for pattern in patterns {
            for match in pattern.expression.matches(in: text, range: ns) where match.range.length > 0 {
                guard let range = Range(match.range, in: text) else { continue }
                let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
                let end = text.utf8.distance(from: text.startIndex, to: range.upperBound)
                spans.append(DetectedSpan(start: start, end: end, kind: pattern.kind))
            }
        }
        spans.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var kept: [DetectedSpan] = []
        for span in spans where kept.last.map({ span.start >= $0.end }) ?? true { kept.append(span) }
        return kept
    }

    /// Anonymises one text.
    mutating func redact(_ text: String) -> RedactionOutcome {
        let bytes = Array(text.utf8)
        let custom = customSpans(text, bytes)
        var (spans, patternCandidates) = scanner.scan(bytes, skipping: custom)
        var rememberedAt: [Int: Int] = [:]   // span start → placeholder index, for spans found by digest
        spans.append(contentsOf: custom)
        spans.sort { $0.start < $1.start }
        var candidateSpans: [CandidateSpan] = []
        // Pattern candidates that were replaced before are replaced again; the rest stay candidates.
        for c in patternCandidates {
            let original = String(decoding: bytes[c.start..<c.end], as: UTF8.self)
            if !registry.isEmpty, let index = registry.lookup(normalised: WordNormaliser.words(original)) {
                spans.append(DetectedSpan(start: c.start, end: c.end, kind: registry.all[index].kind))
                rememberedAt[c.start] = index
            } else if findCandidates {
                candidateSpans.append(c)
            }
        }
        spans.sort { $0.start < $1.start }
        let blocked = (spans.map { ($0.start, $0.end) } + patternCandidates.map { ($0.start, $0.end) }).sorted { $0.0 < $1.0 }

        let tokens = Tokenizer.tokens(bytes)
        var wordSpans: [DetectedSpan] = []
        var b = 0
        var t = 0
        while t < tokens.count {
            let token = tokens[t]
            while b < blocked.count, blocked[b].1 <= token.start { b += 1 }
            if b < blocked.count, blocked[b].0 < token.end { t += 1; continue }
            let nextBlock = b < blocked.count ? blocked[b].0 : Int.max
            if let (entry, count) = lexicon.match(tokens, at: t, in: bytes), tokens[t + count - 1].end <= nextBlock {
                wordSpans.append(DetectedSpan(start: token.start, end: tokens[t + count - 1].end, kind: lexicon.entries[entry].kind))
                t += count
                continue
            }
            if !registry.isEmpty, token.flags.contains(.capitalised), let (index, count) = rememberedPhrase(tokens, t, bytes, limit: nextBlock) {
                wordSpans.append(DetectedSpan(start: token.start, end: tokens[t + count - 1].end, kind: registry.all[index].kind))
                rememberedAt[token.start] = index
                t += count
                continue
            }
            let info = info(token, bytes)
            if let index = remembered(token, bytes, common: info.common) {
                wordSpans.append(DetectedSpan(start: token.start, end: token.end, kind: registry.all[index].kind))
                rememberedAt[token.start] = index
                t += 1
                continue
            }
            if findCandidates, let reason = Self.reason(token) {
                // After a title ("Sergeant Moss", "Dr Green") a capitalised word is a candidate even when it is an ordinary word.
                let afterTitle = t > 0 && tokens[t - 1].flags.contains(.capitalised)
                    && NameLexicon.titles.contains(tokens[t - 1].lowercased(in: bytes)) && NameLexicon.joinable(bytes, from: tokens[t - 1].end, to: token.start)
                if afterTitle || (!info.common && !NameLexicon.titles.contains(token.lowercased(in: bytes))) {
                    candidateSpans.append(CandidateSpan(start: token.start, end: token.end, reason: reason))
                }
            }
            t += 1
        }
        spans.append(contentsOf: wordSpans)
        spans.sort { $0.start < $1.start }
        candidateSpans.sort { $0.start < $1.start }

        // Build the output, and the candidates' places in it.
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var replacements: [Replacement] = []
        var position = 0
        var shifts: [(at: Int, delta: Int)] = []
        for span in spans where span.start >= position {
            out.append(contentsOf: bytes[position..<span.start])
            let original = String(decoding: bytes[span.start..<span.end], as: UTF8.self)
            if span.kind == .skip {
                out.append(contentsOf: bytes[span.start..<span.end])
            } else {
                let index: Int
                if let known = rememberedAt[span.start] { index = known; registry.saw(original, at: index) } else {
                    index = registry.placeholder(for: original, kind: span.kind)
                }
                let placeholder = registry.all[index]
                let text = placeholder.text
                out.append(contentsOf: text.utf8)
                replacements.append(Replacement(kind: placeholder.kind, placeholder: text, original: original))
                shifts.append((span.end, text.utf8.count - (span.end - span.start)))
            }
            position = span.end
        }
        out.append(contentsOf: bytes[position...])
        let result = replacements.isEmpty ? text : String(decoding: out, as: UTF8.self)

        var candidates: [ReviewCandidate] = []
        if !candidateSpans.isEmpty {
            var s = 0, delta = 0
            for c in candidateSpans {
                while s < shifts.count, shifts[s].at <= c.start { delta += shifts[s].delta; s += 1 }
                let original = String(decoding: bytes[c.start..<c.end], as: UTF8.self)
                let key = Self.candidateKey(original)
                if isKept(key) { continue }
                candidates.append(ReviewCandidate(text: original, key: key, reason: c.reason,
                                                  context: Self.context(out, c.start + delta, c.end + delta)))
            }
        }
        return RedactionOutcome(text: result, replacements: replacements, candidates: candidates)
    }

    /// A run of two to four capitalised words that the project replaced before ("Harbour View Road").
    private mutating func rememberedPhrase(_ tokens: [Token], _ t: Int, _ bytes: [UInt8], limit: Int) -> (Int, Int)? {
        var run = 1
        while run < 4, t + run < tokens.count, tokens[t + run].flags.contains(.capitalised) || tokens[t + run].flags.contains(.hasDigit),
              tokens[t + run].end <= limit, NameLexicon.joinable(bytes, from: tokens[t + run - 1].end, to: tokens[t + run].start) {
            run += 1
        }
        guard run >= 2 else { return nil }
        for count in stride(from: run, through: 2, by: -1) {
            let key = tokens[t..<(t + count)].map { $0.lowercased(in: bytes) }.joined(separator: " ")
            if let index = registry.lookup(normalised: key) { return (index, count) }
        }
        return nil
    }

    static func reason(_ token: Token) -> CandidateReason? {
        let f = token.flags
        if f.contains(.hasDigit), f.contains(.hasLetter), token.length >= 3 { return .code }
        if f.contains(.allCaps) { return .acronym }
        if f.contains(.capitalised), f.contains(.hasLetter), token.length >= 2 { return .capitalised }
        return nil
    }

    /// About 40 bytes either side of a stretch, on character boundaries, on one line.
    static func context(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        var from = max(0, start - 40)
        while from > 0, from < bytes.count, bytes[from] & 0xC0 == 0x80 { from -= 1 }
        var to = min(bytes.count, end + 40)
        while to < bytes.count, bytes[to] & 0xC0 == 0x80 { to += 1 }
        let text = String(decoding: bytes[from..<to], as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
        return (from > 0 ? "…" : "") + text + (to < bytes.count ? "…" : "")
    }
}

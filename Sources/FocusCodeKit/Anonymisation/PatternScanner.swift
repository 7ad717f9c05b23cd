import Foundation

/// A stretch of text (UTF-8 byte offsets) that a detector is sure is an identifier.
struct DetectedSpan: Equatable {
    var start: Int
    var end: Int
    var kind: IdentifierKind
}

/// Why a stretch of text is on the review list.
public enum CandidateReason: String, Sendable, Codable, CaseIterable {
    /// A capitalised word that is not an ordinary English word.
    case capitalised
    /// An upper-case abbreviation that is not a common one (a unit, an operation name).
    case acronym
    /// A word mixing letters and digits (a reference, a collar number).
    case code
    /// A run of six or more digits that is not a phone number.
    case digits
    /// A social-media handle (`@name`).
    case handle
    /// A full date without a word such as "born" before it.
    case date
    /// Something a detector replaces, left in the text (imported with `--no-detect`).
    case detected
}

/// A stretch of text that may be an identifier; a person decides.
struct CandidateSpan: Equatable {
    var start: Int
    var end: Int
    var reason: CandidateReason
}

/// The detectors that work on the shape of the text: e-mail addresses, URLs, phone numbers, UK
/// postcodes, National Insurance numbers, dates of birth, vehicle registrations, and the
/// review candidates of the same kinds (handles, digit runs, dates without a birth cue).
///
/// One left-to-right pass over the UTF-8 bytes: at each word start the detectors are tried in
/// order of priority and the first that matches takes the text. No regular expressions: the
/// import of a million turns must not be dominated by them.
struct PatternScanner {
    // One flag per detector: a Set look-up per word was a tenth of the import's time.
    let email, url, phone, postcode, nino, dob, vehicle: Bool

    init(enabled: Set<IdentifierKind>) {
        email = enabled.contains(.email)
        url = enabled.contains(.url)
        phone = enabled.contains(.phone)
        postcode = enabled.contains(.postcode)
        nino = enabled.contains(.nationalInsurance)
        dob = enabled.contains(.dateOfBirth)
        vehicle = enabled.contains(.vehicle)
    }

    static let tlds: Set<String> = ["com", "org", "net", "uk", "gov", "edu", "info", "io", "co", "ac", "eu", "ie", "us",
                                    "biz", "app", "dev", "online", "nhs", "police", "scot", "wales"]
    static let months: [String: Int] = [
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
        "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
        "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    ]
    static let birthCues = ["born", "birth", "dob", "d.o.b", "birthday"]

    /// Finds spans and candidates, skipping the byte ranges in `taken` (sorted, non-overlapping).
    func scan(_ b: [UInt8], skipping taken: [DetectedSpan] = []) -> (spans: [DetectedSpan], candidates: [CandidateSpan]) {
        var spans: [DetectedSpan] = []
        var candidates: [CandidateSpan] = []
        let n = b.count
        var i = 0
        var takenIndex = 0
        while i < n {
            while takenIndex < taken.count, taken[takenIndex].end <= i { takenIndex += 1 }
            if takenIndex < taken.count, taken[takenIndex].start <= i { i = taken[takenIndex].end; continue }
            let c = b[i]
            let atBoundary = i == 0 || !(isASCIIAlnum(b[i - 1]) || b[i - 1] == 0x2E && i >= 2 && isASCIIAlnum(b[i - 2]))
            guard atBoundary, c < 0x80, isASCIIAlnum(c) || c == 0x2B || c == 0x28 || c == 0x40 || c == 0x5B else { i += 1; continue }
            let limit = takenIndex < taken.count ? taken[takenIndex].start : n
            switch detect(b, i, limit: limit) {
            case .span(let end, let kind):
                spans.append(DetectedSpan(start: i, end: end, kind: kind))
                i = max(end, i + 1)
                continue
            case .candidate(let end, let reason):
                candidates.append(CandidateSpan(start: i, end: end, reason: reason))
                i = max(end, i + 1)
                continue
            case .none:
                break
            }
            // Skip the rest of this word.
            i += 1
            while i < n, isASCIIAlnum(b[i]) { i += 1 }
        }
        return (spans, candidates)
    }

    private enum Found { case span(Int, IdentifierKind), candidate(Int, CandidateReason), none }

    /// What starts at `i`: a sure identifier, a review candidate, or nothing.
    private func detect(_ b: [UInt8], _ i: Int, limit: Int) -> Found {
        let c = b[i]
        if c == 0x5B {                                                   // an existing placeholder: [NAME-3]
            if let end = Self.placeholder(b, i) { return .span(end, .skip) }
            return .none
        }
        if c == 0x40 {
            if let end = Self.handle(b, i), end <= limit { return .candidate(end, .handle) }
            return .none
        }
        if email, isASCIIAlnum(c), let end = Self.email(b, i), end <= limit { return .span(end, .email) }
        if url, isASCIIAlnum(c), let end = Self.url(b, i), end <= limit { return .span(end, .url) }
        if isASCIILetter(c), Self.digitSoon(b, i) {
            if nino, let end = Self.nino(b, i), end <= limit { return .span(end, .nationalInsurance) }
            if postcode, let end = Self.postcode(b, i), end <= limit { return .span(end, .postcode) }
            if vehicle, isASCIIUpper(c), let end = Self.vehicle(b, i), end <= limit { return .span(end, .vehicle) }
        }
        if vehicle, isASCIIUpper(c), i + 3 < b.count, isASCIIUpper(b[i + 1]), isASCIIUpper(b[i + 2]),
           let end = Self.vehicle(b, i), end <= limit { return .span(end, .vehicle) }   // the suffix format: ABC 123D
        if isASCIIDigit(c) || Self.mayBeMonth(c), let (end, cue) = Self.date(b, i), end <= limit {
            if cue && dob { return .span(end, .dateOfBirth) }
            if Self.dateHasYear(b, i, end) { return .candidate(end, .date) }
        }
        if isASCIIDigit(c) || c == 0x2B || c == 0x28 {
            if phone, let end = Self.phone(b, i), end <= limit { return .span(end, .phone) }
            if isASCIIDigit(c), let end = Self.digitRun(b, i), end <= limit { return .candidate(end, .digits) }
        }
        return .none
    }

    // MARK: - Individual detectors (each returns the end offset of a match starting at i)

    /// Whether a digit comes within the first three bytes (or after a space): postcodes, NI numbers
    /// and registrations all have one there; ordinary words do not, and skip those detectors.
    @inline(__always) static func digitSoon(_ b: [UInt8], _ i: Int) -> Bool {
        for k in 1...3 where i + k < b.count {
            if isASCIIDigit(b[i + k]) { return true }
            if b[i + k] == 0x20 { return k >= 2 && i + k + 1 < b.count && isASCIIDigit(b[i + k + 1]) }
        }
        return false
    }

    /// Whether a word starting with this letter may be a month (j f m a s o n d).
    @inline(__always) static func mayBeMonth(_ c: UInt8) -> Bool {
        switch c | 0x20 { case 0x6A, 0x66, 0x6D, 0x61, 0x73, 0x6F, 0x6E, 0x64: return true; default: return false }
    }

    @inline(__always) static func boundaryAfter(_ b: [UInt8], _ j: Int) -> Bool {
        j >= b.count || !isASCIIAlnum(b[j])
    }

    static func placeholder(_ b: [UInt8], _ i: Int) -> Int? {
        var j = i + 1
        guard j < b.count, isASCIIUpper(b[j]) else { return nil }
        while j < b.count, isASCIIUpper(b[j]) || isASCIIDigit(b[j]) || b[j] == 0x5F { j += 1 }
        guard j < b.count, b[j] == 0x2D else { return nil }
        j += 1
        let digitsStart = j
        while j < b.count, isASCIIDigit(b[j]) { j += 1 }
        guard j > digitsStart, j < b.count, b[j] == 0x5D else { return nil }
        return j + 1
    }

    @inline(__always) static func isLocalPart(_ c: UInt8) -> Bool {
        isASCIIAlnum(c) || c == 0x2E || c == 0x5F || c == 0x25 || c == 0x2B || c == 0x2D
    }

    /// A host name of two or more labels; returns the end and the last label (the TLD).
    static func host(_ b: [UInt8], _ i: Int) -> (end: Int, labels: Int, tld: String)? {
        var j = i
        var labels = 1
        var labelStart = i
        var lastLabelStart = i
        while j < b.count {
            let c = b[j]
            if isASCIIAlnum(c) || c == 0x2D { j += 1; continue }
            if c == 0x2E, j + 1 < b.count, isASCIIAlnum(b[j + 1]), j > labelStart {
                labels += 1
                j += 1
                labelStart = j
                lastLabelStart = j
                continue
            }
            break
        }
        guard labels >= 2 else { return nil }
        let tldBytes = b[lastLabelStart..<j]
        guard tldBytes.count >= 2, tldBytes.allSatisfy(isASCIILetter) else { return nil }
        return (j, labels, String(decoding: tldBytes.map(asciiLower), as: UTF8.self))
    }

    static func email(_ b: [UInt8], _ i: Int) -> Int? {
        var j = i
        while j < b.count, isLocalPart(b[j]) { j += 1 }
        guard j > i, j < b.count, b[j] == 0x40, b[j - 1] != 0x2E else { return nil }
        guard j + 1 < b.count, isASCIIAlnum(b[j + 1]), let host = host(b, j + 1) else { return nil }
        return host.end
    }

    static let httpPrefix = Array("http://".utf8), httpsPrefix = Array("https://".utf8), wwwPrefix = Array("www.".utf8)
    static let ofPrefix = Array("of ".utf8)

    static func hasPrefixFolded(_ b: [UInt8], _ i: Int, _ p: [UInt8]) -> Bool {
        guard i + p.count <= b.count else { return false }
        for k in 0..<p.count where asciiLower(b[i + k]) != p[k] { return false }
        return true
    }

    /// The end of a URL's path: up to white space, quotes or angle brackets; trailing sentence punctuation left out.
    static func urlTail(_ b: [UInt8], _ j: Int) -> Int {
        var k = j
        while k < b.count, b[k] > 0x20, b[k] < 0x80, b[k] != 0x22, b[k] != 0x3C, b[k] != 0x3E { k += 1 }
        while k > j, [0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x29, 0x5D, 0x27].contains(b[k - 1]) { k -= 1 }
        return k
    }

    static func url(_ b: [UInt8], _ i: Int) -> Int? {
        let first = b[i] | 0x20
        if first == 0x68, hasPrefixFolded(b, i, httpsPrefix) || hasPrefixFolded(b, i, httpPrefix) {
            let start = i + (b[i + 4] == 0x3A ? 7 : 8)
            let end = urlTail(b, start)
            return end > start ? end : nil
        }
        if first == 0x77, hasPrefixFolded(b, i, wwwPrefix), let host = host(b, i) { return urlTail(b, host.end) }
        guard let host = host(b, i), tlds.contains(host.tld) else { return nil }
        // The label before the TLD must be a real name (not "e.g" or "St.John").
        if host.end < b.count, b[host.end] == 0x40 { return nil }
        var k = host.end - host.tld.utf8.count - 2
        var secondLength = 0
        while k >= i, b[k] != 0x2E { secondLength += 1; k -= 1 }
        guard secondLength >= 2 else { return nil }
        if host.end < b.count, b[host.end] == 0x2F { return urlTail(b, host.end) }
        return boundaryAfter(b, host.end) ? host.end : nil
    }

    /// Letters and digits in a fixed shape: L = letter, D = digit, S = an optional space.
    /// All letters must share one case (NI numbers, postcodes are written in capitals, or all in small letters).
    static func shape(_ b: [UInt8], _ i: Int, _ pattern: [UInt8], upperOnly: Bool = false) -> Int? {
        var j = i
        var sawUpper = false, sawLower = false
        for p in pattern {
            switch p {
            case 0x53: // S
                if j < b.count, b[j] == 0x20 { j += 1 }
            case 0x4C: // L
                guard j < b.count, isASCIILetter(b[j]) else { return nil }
                if isASCIIUpper(b[j]) { sawUpper = true } else { sawLower = true }
                j += 1
            case 0x44: // D
                guard j < b.count, isASCIIDigit(b[j]) else { return nil }
                j += 1
            default: // A: letter A–D (NI suffix)
                guard j < b.count, [0x41, 0x42, 0x43, 0x44].contains(b[j] & ~0x20) else { return nil }
                if isASCIIUpper(b[j]) { sawUpper = true } else { sawLower = true }
                j += 1
            }
        }
        if sawUpper && sawLower { return nil }
        if upperOnly && sawLower { return nil }
        return boundaryAfter(b, j) ? j : nil
    }

    static let ninoShape = Array("LLSDDSDDSDDSA".utf8)
    static func nino(_ b: [UInt8], _ i: Int) -> Int? { shape(b, i, ninoShape) }

    static let postcodeShapes = ["LLDLSDLL", "LLDDSDLL", "LDLSDLL", "LDDSDLL", "LLDSDLL", "LDSDLL"].map { Array($0.utf8) }
    static func postcode(_ b: [UInt8], _ i: Int) -> Int? {
        for s in postcodeShapes { if let end = shape(b, i, s) { return end } }
        return nil
    }

    static let vehicleShapes = ["LLDDSLLL", "LDDDSLLL", "LDDSLLL", "LDSLLL", "LLLSDDDL", "LLLSDDL", "LLLSDL"].map { Array($0.utf8) }
    static func vehicle(_ b: [UInt8], _ i: Int) -> Int? {
        for s in vehicleShapes { if let end = shape(b, i, s, upperOnly: true) { return end } }
        return nil
    }

    /// Digits at j (at most `max`): the value and the end.
    static func number(_ b: [UInt8], _ j: Int, max: Int) -> (Int, Int)? {
        var k = j, value = 0
        while k < b.count, k - j < max, isASCIIDigit(b[k]) { value = value * 10 + Int(b[k] - 0x30); k += 1 }
        guard k > j, k >= b.count || !isASCIIDigit(b[k]) else { return nil }
        return (value, k)
    }

    static let monthBytes: [[UInt8]] = months.keys.sorted().map { Array($0.utf8) }

    /// The end of a month's name (or abbreviation) at j; compared byte by byte, as this runs at every word.
    static func monthName(_ b: [UInt8], _ j: Int) -> Int? {
        var k = j
        while k < b.count, isASCIILetter(b[k]) { k += 1 }
        let length = k - j
        guard length >= 3, length <= 9 else { return nil }
        outer: for month in monthBytes where month.count == length {
            for m in 0..<length where asciiLower(b[j + m]) != month[m] { continue outer }
            return k
        }
        return nil
    }

    static func skipSpaces(_ b: [UInt8], _ j: Int) -> Int {
        var k = j
        while k < b.count, b[k] == 0x20 { k += 1 }
        return k
    }

    /// A date starting at i: numeric (12/03/1985, 1985-03-12) or in words (12 March 1985,
    /// 12th of March 1985, March 12, 1985; without a year only after a birth cue).
    /// Returns its end and whether a birth cue ("born", "date of birth", "DOB") comes just before it.
    static func date(_ b: [UInt8], _ i: Int) -> (Int, Bool)? {
        var end: Int?
        if isASCIIDigit(b[i]) {
            if let (first, j) = number(b, i, max: 4), j < b.count, [0x2F, 0x2E, 0x2D].contains(b[j]) {
                let sep = b[j]
                if let (second, k) = number(b, j + 1, max: 2), k < b.count, b[k] == sep, let (third, m) = number(b, k + 1, max: 4) {
                    let yearFirst = j - i == 4 && (1...12).contains(second) && (1...31).contains(third) && m - k - 1 == 2
                    let dayFirst = j - i <= 2 && (m - k - 1 == 4 || m - k - 1 == 2) && (1...31).contains(first) && (1...12).contains(second)
                    let monthFirst = j - i <= 2 && (m - k - 1 == 4 || m - k - 1 == 2) && (1...12).contains(first) && (1...31).contains(second)
                    if (yearFirst || dayFirst || monthFirst), boundaryAfter(b, m), !(m < b.count && b[m] == sep) { end = m }
                }
            }
            if end == nil, let (day, j) = number(b, i, max: 2), (1...31).contains(day) {
                var k = j
                if k + 1 < b.count, ["st", "nd", "rd", "th"].contains(String(decoding: b[k..<k + 2].map(asciiLower), as: UTF8.self)) { k += 2 }
                k = skipSpaces(b, k)
                if hasPrefixFolded(b, k, ofPrefix) { k = skipSpaces(b, k + 3) }
                if k > j, let afterMonth = monthName(b, k) {
                    end = afterMonth
                    var y = afterMonth
                    if y < b.count, b[y] == 0x2C { y += 1 }
                    y = skipSpaces(b, y)
                    if y > afterMonth, let (_, ye) = number(b, y, max: 4), ye - y == 4 { end = ye }
                }
            }
        } else if let afterMonth = monthName(b, i) {
            let k = skipSpaces(b, afterMonth)
            if k > afterMonth, let (day, j) = number(b, k, max: 2), (1...31).contains(day) {
                var e = j
                if e + 1 < b.count, ["st", "nd", "rd", "th"].contains(String(decoding: b[e..<e + 2].map(asciiLower), as: UTF8.self)) { e += 2 }
                end = e
                var y = e
                if y < b.count, b[y] == 0x2C { y += 1 }
                y = skipSpaces(b, y)
                if y > e, let (_, ye) = number(b, y, max: 4), ye - y == 4 { end = ye }
            }
        }
        guard let end, boundaryAfter(b, end) else { return nil }
        let cue = birthCue(b, before: i)
        if !cue, !dateHasYear(b, i, end) { return nil }
        return (end, cue)
    }

    static func dateHasYear(_ b: [UInt8], _ start: Int, _ end: Int) -> Bool {
        // A numeric date always has one; a date in words has one when it ends in four digits.
        if end - start >= 6, !b[start..<end].contains(where: isASCIILetter) { return true }
        return end - start >= 4 && b[(end - 4)..<end].allSatisfy(isASCIIDigit)
    }

    /// Whether "born", "birth", "DOB" or "D.O.B" occurs in the 40 bytes before i.
    static func birthCue(_ b: [UInt8], before i: Int) -> Bool {
        let from = max(0, i - 40)
        guard from < i else { return false }
        let window = String(decoding: b[from..<i].map(asciiLower), as: UTF8.self)
        return birthCues.contains { window.contains($0) }
    }

    static func phone(_ b: [UInt8], _ i: Int) -> Int? {
        var j = i
        let plus = b[i] == 0x2B
        if plus { j += 1 }
        var digits: [UInt8] = []
        var lastDigitEnd = i
        while j < b.count {
            let c = b[j]
            if isASCIIDigit(c) { digits.append(c); j += 1; lastDigitEnd = j; continue }
            if c == 0x20 || c == 0x2D || c == 0x2E || c == 0x28 || c == 0x29 {
                // A separator (or two, as in ") ") only when a digit or '(' follows.
                var k = j + 1
                if k < b.count, b[k] == 0x20 || b[k] == 0x28 { k += 1 }
                if k < b.count, isASCIIDigit(b[k]) { j = k; continue }
            }
            break
        }
        guard boundaryAfter(b, lastDigitEnd) else { return nil }
        let count = digits.count
        if plus { return (8...15).contains(count) ? lastDigitEnd : nil }
        if digits.starts(with: [0x30, 0x30]) { return (10...15).contains(count) ? lastDigitEnd : nil }
        if digits.first == 0x30 { return (10...11).contains(count) ? lastDigitEnd : nil }
        return nil
    }

    static func handle(_ b: [UInt8], _ i: Int) -> Int? {
        var j = i + 1
        while j < b.count, isASCIIAlnum(b[j]) || b[j] == 0x5F || (b[j] == 0x2E && j + 1 < b.count && isASCIIAlnum(b[j + 1])) { j += 1 }
        return j - i >= 3 ? j : nil
    }

    /// Six or more digits, possibly grouped by single spaces or hyphens.
    static func digitRun(_ b: [UInt8], _ i: Int) -> Int? {
        var j = i, count = 0, end = i
        while j < b.count {
            if isASCIIDigit(b[j]) { count += 1; j += 1; end = j; continue }
            if (b[j] == 0x20 || b[j] == 0x2D), j + 1 < b.count, isASCIIDigit(b[j + 1]) { j += 1; continue }
            break
        }
        return count >= 6 && boundaryAfter(b, end) ? end : nil
    }
}

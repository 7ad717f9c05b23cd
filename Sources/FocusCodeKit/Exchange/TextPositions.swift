import Foundation

/// How an exporter counted character positions in a source's text.
///
/// The standard says Unicode code points over the text as stored. Real exporters differ: some
/// count UTF-16 code units (the string length of .NET, Java and JavaScript), and some count a
/// CRLF line break as one character (or, having LF text, as two). Each reading maps a position
/// in the file to an index in the *normalised* text (LF line breaks, code points), or to nil
/// where the position falls inside a character.
struct PositionReading {
    var name: String
    /// Indexed by the position as written; `nil` where it falls inside a surrogate pair.
    var table: [Int?]

    func normalised(_ position: Int) -> Int? {
        position >= 0 && position < table.count ? table[position] : nil
    }
}

/// A source's text, normalised, with the readings its positions may have been written in.
struct SourcePositions {
    /// The text with CRLF and CR turned into LF: what turns are split from, as code points.
    let normalised: [Unicode.Scalar]
    private let raw: [Unicode.Scalar]
    private let rawToNorm: [Int]

    /// The standard's reading: code points over the text as stored.
    var standard: PositionReading { PositionReading(name: "Unicode code points", table: rawToNorm.map { Optional($0) }) }

    init(raw: String) {
        let rawScalars = Array(raw.unicodeScalars)
        var norm: [Unicode.Scalar] = []
        norm.reserveCapacity(rawScalars.count)
        var rawToNorm: [Int] = []
        rawToNorm.reserveCapacity(rawScalars.count + 1)
        var i = 0
        while i < rawScalars.count {
            let c = rawScalars[i]
            rawToNorm.append(norm.count)
            if c == "\r" {
                if i + 1 < rawScalars.count, rawScalars[i + 1] == "\n" {
                    // A position between CR and LF is read as before the line break.
                    rawToNorm.append(norm.count)
                    i += 1
                }
                norm.append("\n")
            } else {
                norm.append(c)
            }
            i += 1
        }
        rawToNorm.append(norm.count)
        normalised = norm
        self.raw = rawScalars
        self.rawToNorm = rawToNorm
    }

    /// Every reading that differs for this text, the standard's first. Built on demand: tables as long as the text.
    var readings: [PositionReading] {
        let rawScalars = raw, norm = normalised
        // Each base text, as scalars with the normalised index at each of its positions.
        var bases: [(String, [Unicode.Scalar], [Int])] = [("as stored", rawScalars, rawToNorm)]
        let hasCR = rawScalars.contains("\r")
        if hasCR {
            bases.append(("with CRLF counted as one character", norm, Array(0...norm.count)))
        } else if norm.contains("\n") {
            var expanded: [Unicode.Scalar] = [], map: [Int] = []
            for (n, c) in norm.enumerated() {
                if c == "\n" { expanded.append("\r"); map.append(n) }
                expanded.append(c)
                map.append(n)
            }
            map.append(norm.count)
            bases.append(("with each line break counted as two (CRLF)", expanded, map))
        }
        var readings: [PositionReading] = []
        for (label, scalars, map) in bases {
            let points = map.map { Optional($0) }
            var units: [Int?] = []
            units.reserveCapacity(points.count)
            for (k, s) in scalars.enumerated() {
                units.append(map[k])
                if s.value > 0xFFFF { units.append(nil) }
            }
            units.append(map[scalars.count])
            let suffix = label == "as stored" ? "" : ", " + label
            readings.append(PositionReading(name: "Unicode code points" + suffix, table: points))
            if units.count != points.count { readings.append(PositionReading(name: "UTF-16 code units" + suffix, table: units)) }
        }
        return readings
    }

    /// Whether a normalised index falls between words (or at an end): the test of a plausible selection boundary.
    func isWordBoundary(_ i: Int) -> Bool {
        if i <= 0 || i >= normalised.count { return i == 0 || i == normalised.count }
        return !(Self.isWord(normalised[i - 1]) && Self.isWord(normalised[i]))
    }

    static func isWord(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic || s.properties.numericType != nil || s.properties.generalCategory == .nonspacingMark
    }

    /// The reading under which the most selection ends fall on word boundaries, invalid positions
    /// counting against; ties go to the standard's reading (listed first).
    func bestReading(for selections: [(start: Int, end: Int)]) -> PositionReading {
        let readings = self.readings
        if readings.count == 1 || selections.isEmpty { return readings[0] }
        var best = readings[0]
        var bestScore = Int.min
        for reading in readings {
            var score = 0
            for (s, e) in selections {
                guard let a = reading.normalised(s), let b = reading.normalised(e), a <= b else { score -= 4; continue }
                if isWordBoundary(a) { score += 1 }
                if isWordBoundary(b) { score += 1 }
            }
            if score > bestScore { best = reading; bestScore = score }
        }
        return best
    }
}

import Foundation

/// A generated corpus with known planted themes, for testing and measuring the machine coder.
///
/// Each turn is 8–20 background words drawn from a made-up vocabulary (Zipf-like), plus, for each theme the turn
/// carries (independently, with probability `prevalence`), one to three of that theme's cue words. A share `noise` of
/// turns also get one cue word of a theme they do not carry, so that single words are not perfect evidence.
public struct PlantedCorpus: Sendable {
    public var themes: [String]
    public var texts: [String]
    /// `labels[k][i]`: turn i carries theme k.
    public var labels: [[Bool]]

    public init(turns: Int, themes themeCount: Int = 6, prevalence: Double = 0.15, noise: Double = 0.1, seed: UInt64 = 1) {
        var random = AgreementSplitMix64(seed: seed)
        func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }
        let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ba", "de", "fi", "go", "ha", "ju", "pe", "zo"]
        func word(_ i: Int) -> String {
            var n = i, s = ""
            repeat { s += syllables[n % syllables.count]; n /= syllables.count } while n > 0
            return s + "n"
        }
        let background = (0..<2000).map { word($0 + 40) }
        // Zipf-like: index ⌊2000·u²⌋ favours the first words.
        themes = (0..<themeCount).map { "Theme \($0 + 1)" }
        let cues = (0..<themeCount).map { k in (0..<8).map { "cue\(k + 1)" + word($0) } }
        texts = []
        labels = [[Bool]](repeating: [], count: themeCount)
        texts.reserveCapacity(turns)
        for _ in 0..<turns {
            var words: [String] = []
            let length = 8 + pick(13)
            for _ in 0..<length { let u = uniform(); words.append(background[Int(2000 * u * u) % 2000]) }
            for k in 0..<themeCount {
                let carries = uniform() < prevalence
                labels[k].append(carries)
                if carries { for _ in 0..<(1 + pick(3)) { words.insert(cues[k][pick(8)], at: pick(words.count + 1)) } }
            }
            if uniform() < noise { words.insert(cues[pick(themeCount)][pick(8)], at: pick(words.count + 1)) }
            texts.append(words.joined(separator: " ").prefix(1).uppercased() + words.joined(separator: " ").dropFirst() + ".")
        }
    }
}

import Foundation

/// Reads SubRip (.srt) subtitles: `Name:` prefixes give speakers, and a speaker's consecutive
/// cues merge into one turn (see `SubtitleReader`).
enum SRTReader {
    /// Reads decoded text (LF line endings).
    static func read(text: String, file: String) throws(ImportError) -> [Turn] {
        let lines = text.splitLines()
        var cues: [SubtitleReader.Cue] = []
        for block in SubtitleReader.blocks(lines, from: 0) {
            let index = block[0]
            let number = index.text.trimmingWhitespace()
            guard !number.isEmpty, number.count <= 9, number.allSatisfy(\.isASCIIDigit) else {
                throw .malformed(file: file, line: index.number,
                                 problem: "expected a cue number, found '\(index.text.prefix(40))'")
            }
            guard block.count >= 2 else {
                throw .malformed(file: file, line: index.number + 1,
                                 problem: "expected a timing line such as '00:00:01,000 --> 00:00:04,000' after cue \(number)")
            }
            let timingLine = block[1]
            // SubRip writes a comma before the milliseconds; some tools write a full stop.
            let times: (Int, Int)
            switch SubtitleReader.timing(timingLine.text, fractionSeparators: [",", "."], example: "00:00:01,000 --> 00:00:04,000") {
            case .success(let value): times = value
            case .failure(let failure): throw .malformed(file: file, line: timingLine.number, problem: failure.problem)
            }
            let pieces = block.dropFirst(2).map { line in
                SubtitleReader.Piece(line: line.number, text: stripFormatting(line.text), voice: nil, startsLine: true)
            }
            cues.append(SubtitleReader.Cue(startMs: times.0, endMs: times.1, pieces: pieces))
        }
        return SubtitleReader.turns(from: cues)
    }

    /// The line without the HTML-like tags (`<i>`, `</font>`) and `{\an8}` overrides that players use for styling.
    static func stripFormatting(_ line: Substring) -> String {
        var result = ""
        // Once no closing bracket follows, stop looking for one (else a line of "<a" repeated
        // would take quadratic time).
        var closers: Set<Character> = [">", "}"]
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            let opensTag = character == "<" && next < line.endIndex && (line[next].isLetter || line[next] == "/")
            let opensOverride = character == "{" && next < line.endIndex && line[next] == "\\"
            if opensTag || opensOverride {
                let closer: Character = opensTag ? ">" : "}"
                if closers.contains(closer), let close = line[index...].firstIndex(of: closer) {
                    index = line.index(after: close)
                    continue
                }
                closers.remove(closer)
            }
            result.append(character)
            index = next
        }
        return result
    }
}

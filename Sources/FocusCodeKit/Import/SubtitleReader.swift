import Foundation

/// What the WebVTT and SubRip readers share: timed cues, speakers within them, and merging
/// a speaker's consecutive cues into one turn.
///
/// Subtitle files cut one utterance into display-sized cues, so consecutive pieces by the same
/// named speaker are merged into one turn: their texts are joined with a single space (cue
/// lines are a display wrap, not a paragraph), `startMs` is the first cue's start and `endMs`
/// the last cue's end. Pieces with no known speaker are never merged, since nothing says two of
/// them are the same person: each is a turn of its own.
enum SubtitleReader {
    /// A stretch of cue text, tags removed: a whole line, or the part of a line in one voice span.
    struct Piece: Equatable {
        /// The 1-based source line.
        var line: Int
        var text: String
        /// The WebVTT voice (`<v Name>`) in force, if any.
        var voice: String?
        /// Whether the piece starts its line, where a `Name:` or `- ` prefix may stand.
        var startsLine: Bool
    }

    /// A cue's timing and its pieces in order.
    struct Cue: Equatable {
        var startMs: Int
        var endMs: Int
        var pieces: [Piece]
    }

    /// Who says what within one cue.
    struct Segment: Equatable {
        var speaker: String?
        var line: Int
        var texts: [String] = []
    }

    /// Splits a cue into speaker segments: a voice span names its speaker; otherwise a line
    /// starting `Name:` or `- Name:` starts that speaker's segment, a line starting with a bare
    /// `- ` (a dialogue dash) starts an unknown speaker's segment, and any other line continues
    /// the segment before it in the same cue (or starts an unknown speaker's one).
    static func segments(of cue: Cue) -> [Segment] {
        var segments: [Segment] = []
        for piece in cue.pieces {
            let text = piece.text.trimmingWhitespace()
            if let voice = piece.voice {
                if segments.last?.speaker != voice {
                    segments.append(Segment(speaker: voice, line: piece.line))
                }
                segments[segments.count - 1].texts.append(String(text))
            } else if piece.startsLine, let (speaker, rest) = speakerPrefix(text) {
                segments.append(Segment(speaker: speaker, line: piece.line, texts: [String(rest)]))
            } else if segments.isEmpty {
                segments.append(Segment(speaker: nil, line: piece.line, texts: [String(text)]))
            } else {
                segments[segments.count - 1].texts.append(String(text))
            }
        }
        return segments
    }

    /// `Name: text`, `- Name: text` or `- text` at the start of a line: the speaker (nil for a bare dash) and the rest.
    private static func speakerPrefix(_ text: Substring) -> (String?, Substring)? {
        var rest = text
        var dashed = false
        if rest.first == "-", rest.dropFirst().first?.isWhitespace == true {
            rest = rest.dropFirst().drop(while: \.isWhitespace)
            dashed = true
        }
        if let (label, after) = SpeakerLabel.prefix(of: rest) { return (label, after) }
        return dashed ? (nil, rest) : nil
    }

    /// The turns of a file's cues, merged as the type's documentation says.
    static func turns(from cues: [Cue]) -> [Turn] {
        var turns: [Turn] = []
        for cue in cues {
            for segment in segments(of: cue) {
                let text = segment.texts.filter { !$0.isEmpty }.joined(separator: " ")
                guard !text.isEmpty else { continue }
                if let speaker = segment.speaker, let last = turns.last, last.speaker == speaker {
                    turns[turns.count - 1].text += " " + text
                    turns[turns.count - 1].endMs = cue.endMs
                } else {
                    turns.append(Turn(speaker: segment.speaker, text: text, startMs: cue.startMs, endMs: cue.endMs,
                                      line: segment.line))
                }
            }
        }
        return turns
    }

    /// Splits text into blocks separated by blank lines, each line with its 1-based number.
    static func blocks(_ lines: [Substring], from start: Int) -> [[(number: Int, text: Substring)]] {
        var blocks: [[(number: Int, text: Substring)]] = []
        var current: [(number: Int, text: Substring)] = []
        for index in lines.indices where index >= start {
            let line = lines[index]
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { blocks.append(current) }
                current = []
            } else {
                current.append((index + 1, line))
            }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    /// Parses `start --> end [settings]`, or explains what is wrong.
    static func timing(_ line: Substring, fractionSeparators: Set<Character>, example: String) -> Result<(Int, Int), TimingProblem> {
        guard let arrow = line.range(of: "-->") else { return .failure(TimingProblem("expected a timing line such as '\(example)'")) }
        let startText = line[..<arrow.lowerBound].trimmingWhitespace()
        let afterArrow = line[arrow.upperBound...].drop(while: \.isWhitespace)
        let endText = afterArrow.prefix(while: { !$0.isWhitespace })
        guard let start = Timecode.clock(startText, fractionSeparators: fractionSeparators) else {
            return .failure(TimingProblem("bad start time '\(startText)' in the timing line; expected e.g. '\(example)'"))
        }
        guard let end = Timecode.clock(endText, fractionSeparators: fractionSeparators) else {
            return .failure(TimingProblem("bad end time '\(endText)' in the timing line; expected e.g. '\(example)'"))
        }
        guard end >= start else { return .failure(TimingProblem("the cue ends before it starts")) }
        return .success((start, end))
    }

    /// Why a timing line is wrong.
    struct TimingProblem: Error {
        let problem: String
        init(_ problem: String) { self.problem = problem }
    }
}

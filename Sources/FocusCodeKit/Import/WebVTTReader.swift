import Foundation

/// Reads WebVTT captions: voice tags give speakers, and a speaker's consecutive cues merge
/// into one turn (see `SubtitleReader`).
enum WebVTTReader {
    /// Reads decoded text (LF line endings).
    static func read(text: String, file: String) throws(ImportError) -> [Turn] {
        let lines = text.splitLines()
        guard let first = lines.first, isSignature(first) else {
            throw .malformed(file: file, line: 1, problem: "a WebVTT file must start with 'WEBVTT'")
        }
        // The header runs to the first blank line; tolerate a missing one before the first cue.
        var start = 1
        while start < lines.count, !lines[start].allSatisfy(\.isWhitespace), !lines[start].contains("-->") {
            start += 1
        }

        var cues: [SubtitleReader.Cue] = []
        for block in SubtitleReader.blocks(lines, from: start) {
            let head = block[0].text
            if ["NOTE", "STYLE", "REGION"].contains(where: { startsWithKeyword(head, $0) }) { continue }
            // A cue is an optional identifier line, then the timing line.
            let timingIndex = head.contains("-->") ? 0 : 1
            guard timingIndex < block.count else {
                throw .malformed(file: file, line: block[0].number,
                                 problem: "cue text without a timing line such as '00:00:01.000 --> 00:00:04.000'")
            }
            let timingLine = block[timingIndex]
            let times: (Int, Int)
            switch SubtitleReader.timing(timingLine.text, fractionSeparators: ["."], example: "00:00:01.000 --> 00:00:04.000") {
            case .success(let value): times = value
            case .failure(let failure): throw .malformed(file: file, line: timingLine.number, problem: failure.problem)
            }
            var pieces: [SubtitleReader.Piece] = []
            var voice: String?
            for payload in block[(timingIndex + 1)...] {
                pieces += self.pieces(of: payload.text, line: payload.number, voice: &voice)
            }
            cues.append(SubtitleReader.Cue(startMs: times.0, endMs: times.1, pieces: pieces))
        }
        return SubtitleReader.turns(from: cues)
    }

    /// "WEBVTT" alone or followed by a space or tab.
    private static func isSignature(_ line: Substring) -> Bool {
        startsWithKeyword(line, "WEBVTT")
    }

    private static func startsWithKeyword(_ line: Substring, _ keyword: String) -> Bool {
        guard line.hasPrefix(keyword) else { return false }
        let after = line.dropFirst(keyword.count)
        return after.isEmpty || after.first == " " || after.first == "\t"
    }

    /// Splits one cue text line into pieces at voice tags, dropping other tags and decoding entities.
    /// `voice` carries an open `<v>` span from line to line within a cue.
    static func pieces(of line: Substring, line number: Int, voice: inout String?) -> [SubtitleReader.Piece] {
        var pieces: [SubtitleReader.Piece] = []
        var text = ""
        // Only text before any voice tag stands at the line's start, where a `Name:` may be.
        var atLineStart = true
        func flush() {
            if !text.allSatisfy(\.isWhitespace) {
                pieces.append(SubtitleReader.Piece(line: number, text: text, voice: voice, startsLine: atLineStart))
            }
            text = ""
            atLineStart = false
        }
        // Once no ">" follows, no later "<" can open a tag: stop searching, or a line of "<"s
        // would take quadratic time.
        var tagsPossible = true
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "<", tagsPossible {
                if let close = line[index...].firstIndex(of: ">") {
                    let tag = line[line.index(after: index)..<close]
                    if let name = voiceName(tag) {
                        flush()
                        voice = name
                    } else if tag == "/v" {
                        flush()
                        voice = nil
                    }
                    index = line.index(after: close)
                    continue
                }
                tagsPossible = false
            }
            if character == "&", let (decoded, after) = entity(at: index, in: line) {
                text += decoded
                index = after
            } else {
                text.append(character)
                index = line.index(after: index)
            }
        }
        flush()
        return pieces
    }

    /// The annotation of `v`, `v.class…` tags (`<v Name>`, `<v.loud Name>`); `nil` for any other tag.
    private static func voiceName(_ tag: Substring) -> String? {
        guard tag.first == "v" else { return nil }
        let afterV = tag.dropFirst()
        guard afterV.isEmpty || afterV.first == "." || afterV.first?.isWhitespace == true else { return nil }
        let annotation = String(afterV.drop(while: { !$0.isWhitespace }).trimmingWhitespace())
        return annotation.isEmpty ? nil : annotation
    }

    /// The character references WebVTT defines for cue text, plus numeric ones. The
    /// direction marks (`&lrm;`, `&rlm;`) are dropped: invisible in a transcript, they would
    /// only break searching and anonymisation; `&nbsp;` becomes a plain space for the same reason.
    private static let entities: [Substring: String] = [
        "amp": "&", "lt": "<", "gt": ">", "nbsp": " ", "lrm": "", "rlm": "", "quot": "\"", "apos": "'",
    ]

    private static func entity(at index: Substring.Index, in line: Substring) -> (String, Substring.Index)? {
        let rest = line[line.index(after: index)...]
        guard let semicolon = rest.prefix(10).firstIndex(of: ";") else { return nil }
        let name = rest[..<semicolon]
        let after = line.index(after: semicolon)
        if let text = entities[name] { return (text, after) }
        guard name.first == "#" else { return nil }
        let digits = name.dropFirst()
        let value: UInt32?
        if digits.first == "x" || digits.first == "X" {
            value = UInt32(digits.dropFirst(), radix: 16)
        } else {
            value = UInt32(digits, radix: 10)
        }
        guard let value, let scalar = Unicode.Scalar(value), value != 0 else { return nil }
        return (String(Character(scalar)), after)
    }
}

import Foundation

/// Reads plain-text and Markdown transcripts: `Speaker: text` turns, or paragraphs where the
/// file has no speakers.
enum PlainTextReader {
    /// Reads decoded text (LF line endings) into turns; never fails, as any text has paragraphs.
    static func read(text: String, flavour: TurnAssembler.Flavour) -> [Turn] {
        var lines: [SourceLine] = []
        var number = 0
        for line in text.splitLines() {
            number += 1
            lines.append(SourceLine(number: number, text: String(line), startsParagraph: false))
        }
        return TurnAssembler(flavour: flavour).turns(from: lines)
    }
}

/// One line of a source, with the number that `Turn.line` reports for it.
struct SourceLine: Sendable, Equatable {
    /// The 1-based line (for .docx, the paragraph) it came from.
    var number: Int
    /// The line's text, without its line break.
    var text: String
    /// Whether a paragraph begins here even without a blank line before it (each .docx paragraph).
    var startsParagraph: Bool
}

/// Turns source lines into speaker turns or paragraphs; shared by the text, Markdown and .docx readers.
///
/// Whether a file has speakers is decided once for the whole file, so that a stray
/// "Note: the meeting was recorded" in an essay does not become a speaker. A *label line*
/// starts (after a time stamp, and in Markdown after quote and emphasis markers) with a
/// plausible label (see `SpeakerLabel`) and a colon followed by a space or the line's end.
/// The file is read in speaker mode when it has at least two label lines and one of:
/// 1. at least two paragraphs, and more than half of all paragraphs, start with a label line
///    (turns separated by blank lines, or one .docx paragraph per turn);
/// 2. at least half of the non-blank lines are label lines (one turn per line, or labels on
///    lines of their own, with no blank lines);
/// 3. at least two different labels, one of them used more than once, and label lines start at
///    least a quarter of the paragraphs (long turns that run over several paragraphs).
/// An essay with a "Note:" and a "Summary:" paragraph meets none of these.
struct TurnAssembler: Sendable {
    /// Which line syntax to recognise.
    enum Flavour: Sendable {
        /// Plain text and .docx paragraphs.
        case plain
        /// Markdown: headings, rules and front matter separate turns; `>` and emphasis around labels are stripped.
        case markdown
    }

    let flavour: Flavour

    /// The turns in `lines`, in order; turns with no text are dropped.
    func turns(from lines: [SourceLine]) -> [Turn] {
        let classified = classify(lines)
        return hasSpeakers(classified) ? speakerTurns(classified) : paragraphTurns(classified)
    }

    // MARK: - Classifying lines

    enum Kind: Equatable {
        /// An empty line: separates paragraphs.
        case blank
        /// A Markdown heading, rule or front matter: ends a turn and is not text.
        case separator
        case content(Content)
    }

    struct Content: Equatable {
        /// A time stamp at the line's start, before or after the label.
        var time: Int?
        /// The speaker label, if the line starts with a plausible one.
        var label: String?
        /// The text after the label and time stamps, for speaker mode.
        var body: String
        /// The text with only a leading time stamp removed, label kept, for paragraph mode.
        var plain: String
    }

    struct Line: Equatable {
        var number: Int
        var startsParagraph: Bool
        var kind: Kind
    }

    private func classify(_ lines: [SourceLine]) -> [Line] {
        var result: [Line] = []
        result.reserveCapacity(lines.count)
        let frontMatterEnd = flavour == .markdown ? Self.frontMatterEnd(lines) : nil
        for (index, line) in lines.enumerated() {
            let kind: Kind
            if let end = frontMatterEnd, index <= end {
                kind = .separator
            } else {
                kind = classify(line.text)
            }
            result.append(Line(number: line.number, startsParagraph: line.startsParagraph, kind: kind))
        }
        return result
    }

    /// The index of the line closing YAML front matter (`---` … `---`) at the very start, if any;
    /// without this its `title: …` lines would read as speakers.
    private static func frontMatterEnd(_ lines: [SourceLine]) -> Int? {
        guard let first = lines.first, first.text.trimmingWhitespace() == "---" else { return nil }
        for index in lines.indices.dropFirst() {
            let text = lines[index].text.trimmingWhitespace()
            if text == "---" || text == "..." { return index }
        }
        return nil
    }

    private func classify(_ raw: String) -> Kind {
        var text = raw.trimmingWhitespace()
        if flavour == .markdown {
            // Block quotes, possibly nested ("> > text").
            while text.first == ">" {
                text = text.dropFirst().drop(while: \.isWhitespace)
            }
            if Self.isHeading(text) || Self.isRule(text) { return .separator }
        }
        guard !text.isEmpty else { return .blank }

        var time: Int?
        var rest = text
        if let (stamp, after) = Self.leadingTimeStamp(rest) {
            time = stamp
            rest = after
        }
        let plain = String(rest)
        var label: String?
        var body = rest
        if let (found, after) = labelPrefix(rest) {
            label = found
            body = after
            if time == nil, let (stamp, afterStamp) = Self.leadingTimeStamp(body) {
                time = stamp
                body = afterStamp
            }
        }
        return .content(Content(time: time, label: label, body: String(body), plain: plain))
    }

    /// A label and the text after its colon, when `text` starts with one.
    private func labelPrefix(_ text: Substring) -> (String, Substring)? {
        if flavour == .markdown, let emphasised = Self.emphasisedLabel(text) { return emphasised }
        return SpeakerLabel.prefix(of: text)
    }

    /// `**Name:** text`, `**Name**: text`, and the same with `*`, `__` or `_`.
    private static func emphasisedLabel(_ text: Substring) -> (String, Substring)? {
        guard let markerChar = text.first, markerChar == "*" || markerChar == "_" else { return nil }
        let marker = text.prefix(while: { $0 == markerChar })
        guard marker.count <= 3 else { return nil }
        let inner = text.dropFirst(marker.count)
        guard let close = inner.range(of: String(marker)) else { return nil }
        var label = inner[..<close.lowerBound]
        var after = inner[close.upperBound...]
        if label.last == ":" {
            label = label.dropLast()
        } else if after.first == ":" {
            after = after.dropFirst()
        } else {
            return nil
        }
        guard after.isEmpty || after.first?.isWhitespace == true else { return nil }
        let trimmed = String(label.trimmingWhitespace())
        guard SpeakerLabel.isPlausible(trimmed) else { return nil }
        return (trimmed, after.drop(while: \.isWhitespace))
    }

    /// `[hh:mm:ss]`, `[mm:ss]` or `[hh:mm:ss.mmm]` at the start of `text`, and the text after it.
    static func leadingTimeStamp(_ text: Substring) -> (Int, Substring)? {
        // The longest stamp, "[123456789:59:59.999]", has 21 characters.
        guard text.first == "[", let close = text.prefix(22).firstIndex(of: "]") else { return nil }
        let inside = text[text.index(after: text.startIndex)..<close]
        guard let ms = Timecode.clock(inside) else { return nil }
        return (ms, text[text.index(after: close)...].drop(while: \.isWhitespace))
    }

    private static func isHeading(_ text: Substring) -> Bool {
        let hashes = text.prefix(while: { $0 == "#" })
        guard (1...6).contains(hashes.count) else { return false }
        let after = text.dropFirst(hashes.count)
        return after.isEmpty || after.first?.isWhitespace == true
    }

    /// A thematic break: three or more of one of `-`, `*`, `_`, optionally spaced.
    private static func isRule(_ text: Substring) -> Bool {
        guard let mark = text.first, "-*_".contains(mark) else { return false }
        let marks = text.filter { !$0.isWhitespace }
        guard marks.count >= 3 else { return false }
        return marks.allSatisfy { $0 == mark }
    }

    // MARK: - Deciding the mode

    private func hasSpeakers(_ lines: [Line]) -> Bool {
        var labelCounts: [String: Int] = [:]
        var labelLines = 0
        var contentLines = 0
        var paragraphs = 0
        var paragraphsOpeningWithLabel = 0
        var inParagraph = false
        for line in lines {
            guard case .content(let content) = line.kind else {
                inParagraph = false
                continue
            }
            // A line that is only a time stamp says nothing about speakers.
            if content.label == nil, content.body.isEmpty { continue }
            contentLines += 1
            if !inParagraph || line.startsParagraph {
                paragraphs += 1
                if content.label != nil { paragraphsOpeningWithLabel += 1 }
                inParagraph = true
            }
            if let label = content.label {
                labelLines += 1
                labelCounts[label.lowercased(), default: 0] += 1
            }
        }
        guard labelLines >= 2 else { return false }
        if paragraphsOpeningWithLabel >= 2, paragraphsOpeningWithLabel * 2 > paragraphs { return true }
        if labelLines * 2 >= contentLines { return true }
        let recurring = labelCounts.values.contains { $0 >= 2 }
        return labelCounts.count >= 2 && recurring && paragraphsOpeningWithLabel * 4 >= paragraphs
    }

    // MARK: - Building turns

    /// A turn being built: lines so far, and whether blank lines wait to be kept as one.
    private struct Draft {
        var speaker: String?
        var line: Int
        var startMs: Int?
        var lines: [String] = []
        var blankPending = false

        mutating func append(_ text: String) {
            guard !text.isEmpty else { return }
            if blankPending, !lines.isEmpty { lines.append("") }
            blankPending = false
            lines.append(text)
        }

        var turn: Turn? {
            let text = String(lines.joined(separator: "\n").trimmingWhitespace())
            guard !text.isEmpty else { return nil }
            return Turn(speaker: speaker, text: text, startMs: startMs, line: line)
        }
    }

    /// Speaker mode: a label line starts a turn and the lines after it continue it; a run of
    /// blank lines inside a turn is kept as one empty line ("\n\n"). Text before the first label,
    /// or after a Markdown heading, forms speaker-less turns, one per paragraph. A line that is
    /// only a time stamp dates the next turn; time stamps on continuation lines are dropped.
    private func speakerTurns(_ lines: [Line]) -> [Turn] {
        var turns: [Turn] = []
        var draft: Draft?
        var pendingTime: Int?
        func finish() {
            if let turn = draft?.turn { turns.append(turn) }
            draft = nil
        }
        for line in lines {
            switch line.kind {
            case .separator:
                finish()
                pendingTime = nil
            case .blank:
                if draft?.speaker == nil {
                    finish()
                } else {
                    draft?.blankPending = true
                }
            case .content(let content):
                if let label = content.label {
                    finish()
                    draft = Draft(speaker: label, line: line.number, startMs: content.time ?? pendingTime)
                    draft?.append(content.body)
                    pendingTime = nil
                } else if content.body.isEmpty {
                    pendingTime = content.time
                } else {
                    if draft != nil, draft?.speaker == nil, line.startsParagraph { finish() }
                    if draft == nil {
                        draft = Draft(speaker: nil, line: line.number, startMs: content.time ?? pendingTime)
                    }
                    draft?.append(content.body)
                    pendingTime = nil
                }
            }
        }
        finish()
        return turns
    }

    /// Paragraph mode: each paragraph (blank-line separated; each .docx paragraph) is one
    /// speaker-less turn, its lines joined with "\n", dated by a time stamp on its first line.
    private func paragraphTurns(_ lines: [Line]) -> [Turn] {
        var turns: [Turn] = []
        var draft: Draft?
        func finish() {
            if let turn = draft?.turn { turns.append(turn) }
            draft = nil
        }
        for line in lines {
            guard case .content(let content) = line.kind else {
                finish()
                continue
            }
            if line.startsParagraph { finish() }
            if draft == nil {
                draft = Draft(speaker: nil, line: line.number, startMs: content.time)
            } else if draft?.lines.isEmpty == true, draft?.startMs == nil {
                // Only time stamps so far: the paragraph really starts here.
                draft?.startMs = content.time
            }
            draft?.append(content.plain)
        }
        finish()
        return turns
    }
}

/// What counts as a speaker label at the start of a line.
///
/// A label is short (at most 40 characters and 5 words), starts with a letter that is not
/// lower case, holds only letters, digits, spaces and `- ' ’ . ( ) _ & / #`, and has no
/// sentence punctuation. After the first word, a lower-case word may only be a short
/// particle (≤ 3 letters, e.g. "de") and not the last word, so "So I said: no" is not a label.
enum SpeakerLabel {
    /// The label and the text after its colon, when `text` starts with `Label:` and then a space or its end.
    static func prefix(of text: Substring) -> (String, Substring)? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let after = text[text.index(after: colon)...]
        guard after.isEmpty || after.first?.isWhitespace == true else { return nil }
        let label = String(text[..<colon].trimmingWhitespace())
        guard isPlausible(label) else { return nil }
        return (label, after.drop(while: \.isWhitespace))
    }

    private static let allowedPunctuation: Set<Character> = ["-", "'", "’", ".", "(", ")", "_", "&", "/", "#"]

    /// Whether `label` looks like a speaker's name or role.
    static func isPlausible(_ label: String) -> Bool {
        // Checked on UTF-8 length first: a long prefix before a colon is rejected without counting characters.
        guard label.utf8.count <= 160, let first = label.first, first.isLetter, !first.isLowercase, label.count <= 40 else {
            return false
        }
        guard label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " || allowedPunctuation.contains($0) }) else {
            return false
        }
        let words = label.split(separator: " ")
        guard words.count <= 5 else { return false }
        for (position, word) in words.enumerated().dropFirst() {
            guard let initial = word.first, initial.isLowercase else { continue }
            if position == words.count - 1 || word.count > 3 { return false }
        }
        return true
    }
}

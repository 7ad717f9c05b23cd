import Foundation

/// The one entry point for reading transcripts: picks the reader for a file and returns its turns.
public enum TranscriptReader {
    /// Reads a transcript's bytes into turns.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - fileName: the file's name or path; its last path component names the file in errors,
    ///     and its extension picks the format unless `format` is given.
    ///   - format: the format to read, overriding the extension.
    /// - Throws: `ImportError`, naming the file and, where there is one, the line.
    public static func read(data: Data, fileName: String, format: TranscriptFormat? = nil) throws(ImportError) -> [Turn] {
        let file = displayName(of: fileName)
        let ext = fileExtension(of: file)
        guard let format = format ?? TranscriptFormat(fileExtension: ext) else {
            throw .unsupportedFormat(file: file, ext: ext)
        }
        func decoded() throws(ImportError) -> String {
            try TextDecoding.decode(data, file: file).text
        }
        let turns: [Turn]
        switch format {
        case .text: turns = PlainTextReader.read(text: try decoded(), flavour: .plain)
        case .markdown: turns = PlainTextReader.read(text: try decoded(), flavour: .markdown)
        case .docx: turns = try DocxReader.read(data: data, file: file)
        case .webvtt: turns = try WebVTTReader.read(text: try decoded(), file: file)
        case .srt: turns = try SRTReader.read(text: try decoded(), file: file)
        case .csv: turns = try CSVTranscriptReader.read(text: try decoded(), file: file)
        }
        guard !turns.isEmpty else { throw .noTurns(file: file) }
        return turns
    }

    /// The format that `fileName`'s extension names, or `nil`.
    public static func format(forFileName fileName: String) -> TranscriptFormat? {
        TranscriptFormat(fileExtension: fileExtension(of: displayName(of: fileName)))
    }

    /// The last path component of `fileName`, as errors name the file.
    static func displayName(of fileName: String) -> String {
        fileName.split(separator: "/").last.map(String.init) ?? fileName
    }

    /// The extension of a file name without its dot, or "" when there is none.
    static func fileExtension(of name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return String(name[name.index(after: dot)...])
    }
}

/// Clock times as transcripts write them, in milliseconds.
enum Timecode {
    /// Parses `[h]h:mm:ss`, `mm:ss`, each with an optional fraction of up to three digits after
    /// one of `fractionSeparators`. The first field may be any width (up to 9 digits); later
    /// fields are two digits below 60.
    static func clock(_ text: Substring, fractionSeparators: Set<Character> = ["."]) -> Int? {
        var whole = text
        var fractionMs = 0
        if let separator = text.firstIndex(where: { fractionSeparators.contains($0) }) {
            let fraction = text[text.index(after: separator)...]
            guard (1...3).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit),
                  let value = Int(fraction) else { return nil }
            // ".5" is half a second: pad the digits on the right to milliseconds.
            fractionMs = value * [100, 10, 1][fraction.count - 1]
            whole = text[..<separator]
        }
        let fields = whole.split(separator: ":", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3 else { return nil }
        var total = 0
        for (position, field) in fields.enumerated() {
            guard field.allSatisfy(\.isASCIIDigit), !field.isEmpty, let value = Int(field) else { return nil }
            if position == 0 {
                guard field.count <= 9 else { return nil }
            } else {
                guard field.count == 2, value < 60 else { return nil }
            }
            total = total * 60 + value
        }
        return total * 1000 + fractionMs
    }

    /// Parses plain seconds (`12`, `12.5`, up to three decimals) or a `clock` time.
    static func secondsOrClock(_ text: Substring) -> Int? {
        if text.contains(":") { return clock(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let secondsPart = parts.first,
              !secondsPart.isEmpty, secondsPart.count <= 9, secondsPart.allSatisfy(\.isASCIIDigit),
              let seconds = Int(secondsPart) else { return nil }
        var ms = seconds * 1000
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...3).contains(fraction.count), fraction.allSatisfy(\.isASCIIDigit),
                  let value = Int(fraction) else { return nil }
            ms += value * [100, 10, 1][fraction.count - 1]
        }
        return ms
    }
}

extension Character {
    /// Whether this is one of the ASCII digits 0–9 (not any Unicode number).
    var isASCIIDigit: Bool { isASCII && ("0"..."9").contains(self) }
}

extension StringProtocol where SubSequence == Substring {
    /// The text without leading and trailing whitespace or line breaks; cheap when its ends are ASCII.
    ///
    /// Foundation's `trimmingCharacters(in:)` goes through UTF-16 on Linux and dominated the
    /// readers' profiles, so the readers use this instead.
    func trimmingWhitespace() -> Substring {
        var slice = self[...]
        while let byte = slice.utf8.first, byte < 0x80 ? Self.isASCIIWhitespace(byte) : slice.first?.isWhitespace == true {
            slice = slice.dropFirst()
        }
        while let byte = slice.utf8.last, byte < 0x80 ? Self.isASCIIWhitespace(byte) : slice.last?.isWhitespace == true {
            slice = slice.dropLast()
        }
        return slice
    }

    /// The lines of `self`, split at LF (which never joins a grapheme, so splitting bytes is safe).
    func splitLines() -> [Substring] {
        var lines: [Substring] = []
        var start = startIndex
        var index = startIndex
        let utf8 = self.utf8
        while index < endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                lines.append(self[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        lines.append(self[start..<endIndex])
        return lines
    }

    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}

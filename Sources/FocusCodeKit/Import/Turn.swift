import Foundation

/// One speaker turn (or one paragraph where a file has no speakers), as every reader yields it.
public struct Turn: Sendable, Equatable, Hashable {
    /// The speaker label exactly as the file gives it (trimmed); `nil` in paragraph mode.
    public var speaker: String?
    /// The text of the turn; inner line breaks kept as "\n", no leading/trailing whitespace.
    public var text: String
    /// Start time in milliseconds, where the file gives one.
    public var startMs: Int?
    /// End time in milliseconds, where the file gives one.
    public var endMs: Int?
    /// 1-based line (or, for .docx, paragraph) where the turn starts in the source, for messages.
    public var line: Int

    public init(speaker: String?, text: String, startMs: Int? = nil, endMs: Int? = nil, line: Int) {
        self.speaker = speaker
        self.text = text
        self.startMs = startMs
        self.endMs = endMs
        self.line = line
    }
}

/// The transcript formats FocusCode reads.
public enum TranscriptFormat: String, Sendable, CaseIterable, Codable {
    case text, markdown, docx, webvtt, srt, csv

    /// The format for a file name's extension, or `nil` when it is not one FocusCode reads.
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "txt", "text": self = .text
        case "md", "markdown": self = .markdown
        case "docx": self = .docx
        case "vtt", "webvtt": self = .webvtt
        case "srt": self = .srt
        case "csv": self = .csv
        default: return nil
        }
    }
}

/// Why a transcript could not be read. Every case names the file; most name a line.
public enum ImportError: LocalizedError, Equatable, Sendable {
    case emptyFile(file: String)
    case unsupportedFormat(file: String, ext: String)
    case undecodable(file: String, reason: String)
    case binary(file: String)
    case malformed(file: String, line: Int?, problem: String)
    case noTurns(file: String)

    public var errorDescription: String? {
        switch self {
        case .emptyFile(let f):
            return "\(f): the file is empty; nothing to import."
        case .unsupportedFormat(let f, let ext):
            return "\(f): unsupported file type '.\(ext)'; use .txt, .md, .docx, .vtt, .srt or .csv (or --format)."
        case .undecodable(let f, let reason):
            return "\(f): cannot decode the text (\(reason)); save it as UTF-8 and import again."
        case .binary(let f):
            return "\(f): this looks like a binary file, not a transcript; check that you chose the right file."
        case .malformed(let f, let line, let problem):
            if let line { return "\(f):\(line): \(problem)" }
            return "\(f): \(problem)"
        case .noTurns(let f):
            return "\(f): no speaker turns or paragraphs found; check the file's format."
        }
    }
}

/// Whether a string may need trimming: checks the first and last bytes, and falls back to
/// Unicode properties only for non-ASCII ends (Character properties are slow on hot paths).
func mayNeedTrimming(_ text: String) -> Bool {
    guard let first = text.utf8.first, let last = text.utf8.last else { return false }
    func ascii(_ b: UInt8) -> Bool? { b < 0x80 ? (b == 0x20 || (0x09...0x0D).contains(b)) : nil }
    if ascii(first) ?? (text.first?.isWhitespace ?? false) { return true }
    return ascii(last) ?? (text.last?.isWhitespace ?? false)
}

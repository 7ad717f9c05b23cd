import Foundation

/// Reads CSV transcripts: a header naming `speaker` and `text` (and optionally `start`, `end`)
/// in any order and case, then one turn per record.
///
/// Every record must have as many fields as the header, which catches a text with an unquoted
/// comma. Records whose text is empty are skipped; an empty speaker is `nil`. Times may be
/// seconds (`12.5`), `mm:ss` or `hh:mm:ss[.mmm]`.
enum CSVTranscriptReader {
    /// Reads decoded text (LF line endings).
    static func read(text: String, file: String) throws(ImportError) -> [Turn] {
        let records: [CSVRecord]
        do {
            records = try CSV.parse(text)
        } catch {
            throw .malformed(file: file, line: error.line, problem: error.problem)
        }
        guard let headerRecord = records.first else { throw .noTurns(file: file) }
        let columns = try Columns(header: headerRecord, file: file)
        var turns: [Turn] = []
        for record in records.dropFirst() {
            if let turn = try columns.turn(record, file: file) { turns.append(turn) }
        }
        return turns
    }

    /// Where the transcript's columns are, found from the header; turns records into turns.
    /// Shared with the streaming reader for large files.
    struct Columns {
        let count: Int
        let text: Int
        let speaker: Int
        let start: Int?
        let end: Int?

        init(header headerRecord: CSVRecord, file: String) throws(ImportError) {
            let header = CSVHeader(headerRecord)
            let headerLine = headerRecord.line
            if let duplicate = header.duplicates.first {
                throw .malformed(file: file, line: headerLine, problem: "the header names the column '\(duplicate)' more than once")
            }
            let found = header.names.joined(separator: ",")
            guard let textColumn = header.index(of: "text") else {
                throw .malformed(file: file, line: headerLine,
                                 problem: "the header has no 'text' column (found '\(found)'); the first row must be e.g. speaker,text,start,end")
            }
            guard let speakerColumn = header.index(of: "speaker") else {
                throw .malformed(file: file, line: headerLine,
                                 problem: "the header has no 'speaker' column (found '\(found)'); the first row must be e.g. speaker,text,start,end")
            }
            count = header.names.count
            text = textColumn
            speaker = speakerColumn
            start = header.index(of: "start")
            end = header.index(of: "end")
        }

        /// The turn in `record`, or `nil` when its text is empty.
        func turn(_ record: CSVRecord, file: String) throws(ImportError) -> Turn? {
            guard record.fields.count == count else {
                throw .malformed(file: file, line: record.line,
                                 problem: "this row has \(record.fields.count) fields but the header has \(count); quote any text that contains a comma")
            }
            let body = trimmed(record.fields[text])
            guard !body.isEmpty else { return nil }
            let who = trimmed(record.fields[speaker])
            let startMs = try time(record, start, name: "start", file: file)
            let endMs = try time(record, end, name: "end", file: file)
            if let startMs, let endMs, endMs < startMs {
                throw .malformed(file: file, line: record.line, problem: "the end time is before the start time")
            }
            return Turn(speaker: who.isEmpty ? nil : who, text: body, startMs: startMs, endMs: endMs, line: record.line)
        }
    }

    /// Trims whitespace, skipping Foundation's (slow) trimming when there is none to trim.
    private static func trimmed(_ s: String) -> String {
        guard mayNeedTrimming(s) else { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func time(_ record: CSVRecord, _ column: Int?, name: String, file: String) throws(ImportError) -> Int? {
        guard let column else { return nil }
        let value = record.fields[column].trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        guard let ms = Timecode.secondsOrClock(Substring(value)) else {
            throw .malformed(file: file, line: record.line,
                             problem: "bad \(name) time '\(value.prefix(40))'; use seconds (12.5), mm:ss or hh:mm:ss.mmm")
        }
        return ms
    }
}

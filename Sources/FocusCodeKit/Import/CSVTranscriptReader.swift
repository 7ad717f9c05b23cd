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
        let startColumn = header.index(of: "start")
        let endColumn = header.index(of: "end")

        var turns: [Turn] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.names.count else {
                throw .malformed(file: file, line: record.line,
                                 problem: "this row has \(record.fields.count) fields but the header has \(header.names.count); quote any text that contains a comma")
            }
            let text = record.fields[textColumn].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            let speaker = record.fields[speakerColumn].trimmingCharacters(in: .whitespacesAndNewlines)
            let start = try time(record, startColumn, name: "start", file: file)
            let end = try time(record, endColumn, name: "end", file: file)
            if let start, let end, end < start {
                throw .malformed(file: file, line: record.line, problem: "the end time is before the start time")
            }
            turns.append(Turn(speaker: speaker.isEmpty ? nil : speaker, text: text, startMs: start, endMs: end,
                              line: record.line))
        }
        return turns
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

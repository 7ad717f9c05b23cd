import Crypto
import Foundation

/// Reads a large UTF-8 CSV transcript in chunks, so that importing a file of a million turns
/// needs memory for one chunk, not for the whole file. Small files and other encodings go
/// through `TranscriptReader` instead, which reads the file whole.
struct CSVTranscriptStream {
    /// Files at least this big are streamed.
    static let threshold = 8 << 20
    static let chunkSize = 4 << 20

    let url: URL
    let file: String

    /// SHA-256 of the file's bytes, read in chunks.
    func contentHash() throws -> String {
        let handle = try open()
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty { hasher.update(data: chunk) }
        return Digest.hex(hasher.finalize())
    }

    /// Calls `body` with each turn in order. Throws `ImportError` naming the file and line.
    func forEachTurn(_ body: (Turn) throws -> Void) throws {
        let handle = try open()
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        var line = 1
        var columns: CSVTranscriptReader.Columns?
        var atStart = true
        var sawTurn = false
        var offset = 0   // bytes of the file before `buffer`
        while true {
            let chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            let final = chunk.isEmpty
            buffer.append(contentsOf: chunk)
            if atStart, buffer.count >= 3 || final {
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3); offset = 3 }
                atStart = false
            }
            if atStart { continue }
            // Parse up to the last record boundary (a line break outside quotes); keep the rest.
            let end = final ? buffer.count : Self.lastRecordBoundary(buffer)
            if end > 0 {
                let (hasNUL, hasCR) = buffer.withUnsafeBufferPointer { b in
                    (memchr(b.baseAddress!, 0, end) != nil, memchr(b.baseAddress!, 0x0D, end) != nil)
                }
                if hasNUL { throw ImportError.binary(file: file) }
                guard let raw = String(validating: buffer[..<end], as: UTF8.self) else {
                    throw ImportError.undecodable(file: file, reason: "not valid UTF-8 after byte \(offset); large CSV files (over \(Self.threshold >> 20) MB) must be UTF-8")
                }
                // As for files read whole: CRLF and CR inside quoted fields become LF.
                let text = hasCR ? TextDecoding.normalisingLineEndings(raw) : raw
                let records: [CSVRecord]
                do throws(CSVError) { records = try CSV.parse(text, firstLine: line) } catch {
                    throw ImportError.malformed(file: file, line: error.line, problem: error.problem)
                }
                for record in records {
                    guard let cols = columns else {
                        columns = try CSVTranscriptReader.Columns(header: record, file: file)
                        continue
                    }
                    if let turn = try cols.turn(record, file: file) {
                        sawTurn = true
                        try body(turn)
                    }
                }
                line += Self.lineBreaks(buffer[..<end])
                buffer.removeFirst(end)
                offset += end
            }
            if final { break }
        }
        if columns == nil { throw ImportError.emptyFile(file: file) }
        if !sawTurn { throw ImportError.noTurns(file: file) }
    }

    private func open() throws -> FileHandle {
        do { return try FileHandle(forReadingFrom: url) } catch {
            throw ProjectError.unreadable(path: url.path, reason: error.localizedDescription)
        }
    }

    /// The index just past the last LF (or CR not followed by a possible LF) outside quotes, or 0.
    static func lastRecordBoundary(_ bytes: [UInt8]) -> Int {
        var inQuotes = false
        var boundary = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x22 {
                inQuotes.toggle()
            } else if !inQuotes {
                if b == 0x0A {
                    boundary = i + 1
                } else if b == 0x0D, i + 1 < n, bytes[i + 1] != 0x0A {
                    boundary = i + 1
                }
            }
            i += 1
        }
        return boundary
    }

    /// How many lines the bytes end: LF, CRLF and lone CR each count once.
    static func lineBreaks(_ bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        var previous: UInt8 = 0
        for b in bytes {
            if b == 0x0A { if previous != 0x0D { count += 1 } } else if b == 0x0D { count += 1 }
            previous = b
        }
        return count
    }
}

import Foundation
import GRDB
// The row loop binds and steps its two prepared statements through the C API: at millions of rows GRDB's
// per-call argument boxing and queue checks cost more than the inserts themselves.
import GRDBSQLite

/// Options for a bulk codings import.
public struct CodingsImportOptions: Sendable {
    /// Import the good rows and report the bad ones, instead of importing nothing.
    public var skipInvalid: Bool
    /// Accept rows for the reserved coder `consensus` (reconciled codings from another copy of the project).
    public var allowConsensus: Bool
    /// How many problems an error or summary lists (all are counted).
    public var maxProblems: Int
    public var actor: String?

    public init(skipInvalid: Bool = false, allowConsensus: Bool = false, maxProblems: Int = 20, actor: String? = nil) {
        self.skipInvalid = skipInvalid
        self.allowConsensus = allowConsensus
        self.maxProblems = maxProblems
        self.actor = actor
    }
}

/// What a bulk codings import did.
public struct CodingsImportSummary: Sendable, Equatable {
    /// Data rows read (the header and blank lines not counted).
    public var rows = 0
    public var codingsAdded = 0
    /// Passages the project had already: same excerpt, code, coder and span (a note in the file updates them).
    public var codingsExisting = 0
    public var codingsUpdated = 0
    /// New (excerpt, coder) reviews.
    public var reviewsAdded = 0
    public var codersCreated: [String] = []
    /// Rows left out with `skipInvalid`: how many, and the first few as `file:line: problem`.
    public var skipped = 0
    public var problems: [String] = []
}

/// The long-form codings CSV: `excerpt,coder,code[,note,span_start,span_end]`, one row per passage (no span: the whole
/// turn); an empty code means reviewed, none applied.
public enum CodingsCSV {
    /// Rows per multi-row INSERT during `codings import` (7 bound values each: well under SQLite's 32,766).
    static let importBatchSize = 1000

    public static let columns = ["excerpt", "coder", "code", "note", "span_start", "span_end"]

    /// The CSV header line.
    public static var header: String { CSV.row(columns) }

    /// One CSV line for a record.
    public static func row(_ r: CodingRecord) -> String {
        CSV.row([r.excerpt, r.coder, r.code ?? "", r.note ?? "", r.span.map { String($0.start) } ?? "", r.span.map { String($0.end) } ?? ""])
    }
}

/// SQLite copies a text bound with this destructor.
private let sqliteTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A passage read from a codings CSV, checked, waiting for its batch.
private struct PendingCoding {
    var excerpt: Int64, code: Int64, coder: Int64
    var span: Span?
    var note: String?
}

/// `INSERT … VALUES (row), (row), …` for a given number of rows: one prepared statement per row count used (a whole
/// batch, and the shorter last one).
private final class MultiRowInsert {
    private let db: Database
    private let head: String, row: String
    private var statements: [Int: Statement] = [:]

    init(_ db: Database, _ head: String, row: String) {
        self.db = db
        self.head = head
        self.row = row
    }

    func handle(rows count: Int) throws -> SQLiteStatement {
        if let statement = statements[count] { return statement.sqliteStatement }
        let statement = try db.makeStatement(sql: head + Array(repeating: row, count: count).joined(separator: ", "))
        statements[count] = statement
        return statement.sqliteStatement
    }
}

extension Project {
    /// Spaces and tabs around a field are not part of an excerpt ID, coder or code; a leading `'`
    /// that an export added to neutralise a formula is dropped (`CSV.restored`).
    static func trimmed(_ field: String) -> String {
        guard let first = field.utf8.first, let last = field.utf8.last else { return field }
        guard first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return first == 0x27 ? CSV.restored(field) : field }
        return CSV.restored(field.trimmingCharacters(in: .whitespaces))
    }

    /// Imports codings from long-form CSV text. Every row is checked (unknown excerpt, unknown or retired code, bad coder
    /// name, bad span); unless `skipInvalid`, nothing is written when any row is bad, and the error lists the problems with
    /// their line numbers. Import adds codings and reviews; it never removes one. One transaction.
    @discardableResult
    public func importCodings(csv text: String, fileName: String, options: CodingsImportOptions = CodingsImportOptions()) throws -> CodingsImportSummary {
        try importCodings(fileName: fileName, options: options) { body in try CSV.forEachRecord(text, body) }
    }

    /// Imports codings from a CSV file (see `importCodings(csv:)`). A UTF-8 file is memory-mapped and parsed in place,
    /// so a file of millions of rows is never copied into memory; other encodings go through `TextDecoding`.
    @discardableResult
    public func importCodings(contentsOf url: URL, options: CodingsImportOptions = CodingsImportOptions()) throws -> CodingsImportSummary {
        let fileName = url.lastPathComponent
        guard FileManager.default.fileExists(atPath: url.path) else { throw ProjectError.fileMissing(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw ProjectError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        let plainUTF8: Bool = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || bytes.contains(0) { return false }
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = bytes.makeIterator()
            while true {
                switch parser.parseScalar(from: &iterator) {
                case .valid: continue
                case .emptyInput: return !bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
                case .error: return false
                }
            }
        }
        guard plainUTF8 else {
            return try importCodings(csv: try TextDecoding.decode(data, file: fileName).text, fileName: fileName, options: options)
        }
        return try importCodings(fileName: fileName, options: options) { body in
            try data.withUnsafeBytes { raw in
                var bytes = raw.bindMemory(to: UInt8.self)
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeBufferPointer(rebasing: bytes[3...]) }
                try CSV.forEachRecord(utf8: bytes, body)
            }
        }
    }

    private func importCodings(fileName: String, options: CodingsImportOptions,
                               records: ((CSVRecord) throws -> Void) throws -> Void) throws -> CodingsImportSummary {
        var summary = CodingsImportSummary()
        var problemCount = 0
        var problems: [String] = []
        func problem(_ line: Int, _ text: String) {
            problemCount += 1
            if problems.count < options.maxProblems { problems.append("\(fileName):\(line): \(text)") }
        }
        let result: CodingsImportSummary = try write(statementJournalInMemory: true) { db in
            let tree = try CodeTree.load(db)
            // Lookups loaded once: excerpt refs (the big one), code paths, coders.
            var excerpts: [String: Int64] = [:]
            excerpts.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM excerpts") ?? 0)
            let refCursor = try Row.fetchCursor(db, sql: "SELECT ref, id FROM excerpts")
            while let row = try refCursor.next() { excerpts[row[0]] = row[1] }
            var codeCache: [String: Code?] = [:]
            var coderCache: [String: Result<Int64, CodingError>] = [:]
            let now = Clock.nowString()
            // Rows are inserted `batchSize` at a time by one multi-row INSERT, so that SQLite starts a statement and
            // opens its cursors (the table, four indexes, three foreign keys) once per batch instead of once per row.
            // Each such statement keeps an undo journal of the pages it changed, kept in memory
            // (`statementJournalInMemory`): a 3,000,000-row import is then as fast as before codings had uids
            // (Docs/benchmarks.md).
            let stamp = "'" + now.replacingOccurrences(of: "'", with: "''") + "'"
            let codingInserts = MultiRowInsert(db, "INSERT OR IGNORE INTO codings(excerpt_id, code_id, coder_id, span_start, span_end, note, uid, created_at) VALUES ",
                                               row: "(?, ?, ?, ?, ?, ?, ?, \(stamp))")
            let reviewInserts = MultiRowInsert(db, "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES ", row: "(?, ?, \(stamp))")
            // A row for a passage the coder has already (same span, or the whole turn) only updates its note. Run for
            // every row with a note after its batch: a row that the batch inserted has that note already and is unchanged.
            let updateCoding = try db.makeStatement(sql: """
                UPDATE codings SET note = ?1
                WHERE excerpt_id = ?2 AND code_id = ?3 AND coder_id = ?4 AND span_start IS ?5 AND span_end IS ?6 AND note IS NOT ?1
                """)
            let textLength = try db.makeStatement(sql: "SELECT length(text) FROM excerpts WHERE id = ?")

            let connection = db.sqliteConnection
            let batchSize = CodingsCSV.importBatchSize
            var codings: [PendingCoding] = [], reviews: [(excerpt: Int64, coder: Int64)] = []
            codings.reserveCapacity(batchSize)
            reviews.reserveCapacity(batchSize)
            // The time-ordered IDs of one batch (36 bytes each), bound without copying.
            let uidBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 36 * batchSize)
            defer { uidBuffer.deallocate() }
            func step(_ handle: SQLiteStatement) throws {
                let code = sqlite3_step(handle)
                sqlite3_reset(handle)
                if code != SQLITE_DONE {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
                }
            }
            func flushCodings() throws {
                guard !codings.isEmpty else { return }
                let handle = try codingInserts.handle(rows: codings.count)
                for (i, c) in codings.enumerated() {
                    let p = Int32(i * 7)
                    sqlite3_bind_int64(handle, p + 1, c.excerpt)
                    sqlite3_bind_int64(handle, p + 2, c.code)
                    sqlite3_bind_int64(handle, p + 3, c.coder)
                    if let span = c.span {
                        sqlite3_bind_int64(handle, p + 4, Int64(span.start))
                        sqlite3_bind_int64(handle, p + 5, Int64(span.end))
                    } else {
                        sqlite3_bind_null(handle, p + 4)
                        sqlite3_bind_null(handle, p + 5)
                    }
                    if let note = c.note { sqlite3_bind_text(handle, p + 6, note, -1, sqliteTransient) } else { sqlite3_bind_null(handle, p + 6) }
                    // A time-ordered ID, so that the insert appends to the uid index (see `OrderedUID`).
                    let uid = uidBuffer + 36 * i
                    OrderedUID.write(into: uid)
                    sqlite3_bind_text(handle, p + 7, UnsafeRawPointer(uid).assumingMemoryBound(to: CChar.self), 36, nil)
                }
                try step(handle)
                let added = Int(sqlite3_changes(connection))
                summary.codingsAdded += added
                summary.codingsExisting += codings.count - added
                for c in codings {
                    guard let note = c.note else { continue }
                    updateCoding.setUncheckedArguments([note, c.excerpt, c.code, c.coder, c.span?.start, c.span?.end])
                    try updateCoding.execute()
                    summary.codingsUpdated += db.changesCount
                }
                codings.removeAll(keepingCapacity: true)
            }
            func flushReviews() throws {
                guard !reviews.isEmpty else { return }
                let handle = try reviewInserts.handle(rows: reviews.count)
                for (i, r) in reviews.enumerated() {
                    sqlite3_bind_int64(handle, Int32(2 * i + 1), r.excerpt)
                    sqlite3_bind_int64(handle, Int32(2 * i + 2), r.coder)
                }
                try step(handle)
                summary.reviewsAdded += Int(sqlite3_changes(connection))
                reviews.removeAll(keepingCapacity: true)
            }
            var columnIndex: [String: Int] = [:]
            var width = 0
            var (excerptColumn, coderColumn, codeColumn) = (0, 0, 0)
            var lastReview: (Int64, Int64)?
            var sawHeader = false
            do {
                try records { record in
                    if !sawHeader {
                        sawHeader = true
                        let header = CSVHeader(record)
                        for (i, name) in header.names.enumerated() {
                            guard CodingsCSV.columns.contains(name) else {
                                throw ProjectError.badRow(file: fileName, line: record.line,
                                                          problem: "unknown column '\(record.fields[i])'; the columns are \(CodingsCSV.columns.joined(separator: ", ")) (the last three optional)")
                            }
                            if columnIndex[name] != nil {
                                throw ProjectError.badRow(file: fileName, line: record.line, problem: "the column '\(name)' appears twice")
                            }
                            columnIndex[name] = i
                        }
                        for required in ["excerpt", "coder", "code"] where columnIndex[required] == nil {
                            throw ProjectError.badRow(file: fileName, line: record.line,
                                                      problem: "the header needs the columns excerpt, coder, code (and optionally note, span_start, span_end)")
                        }
                        if (columnIndex["span_start"] == nil) != (columnIndex["span_end"] == nil) {
                            throw ProjectError.badRow(file: fileName, line: record.line, problem: "give both span_start and span_end, or neither")
                        }
                        width = header.names.count
                        (excerptColumn, coderColumn, codeColumn) = (columnIndex["excerpt"]!, columnIndex["coder"]!, columnIndex["code"]!)
                        return
                    }
                    summary.rows += 1
                    let line = record.line
                    guard record.fields.count == width else {
                        problem(line, "expected \(width) fields as in the header, found \(record.fields.count)")
                        return
                    }
                    let ref = Self.trimmed(record.fields[excerptColumn])
                    let coderName = Self.trimmed(record.fields[coderColumn])
                    let codeText = CSV.restored(record.fields[codeColumn])
                    var bad = false
                    guard let excerptId = excerpts[ref] else {
                        problem(line, ref.isEmpty ? "the excerpt is empty" : "unknown excerpt '\(ref)' ('focuscode excerpts' lists them)")
                        return
                    }
                    // The coder: validated and created once per name.
                    let coderResult: Result<Int64, CodingError>
                    if let cached = coderCache[coderName] { coderResult = cached } else {
                        do {
                            try Self.validateCoderName(coderName, allowConsensus: options.allowConsensus)
                            let existed = try Self.coderId(db, coderName, create: false) != nil
                            let id = try Self.coderId(db, coderName, create: true)!
                            if !existed { summary.codersCreated.append(coderName) }
                            coderResult = .success(id)
                        } catch let error as CodingError {
                            coderResult = .failure(error)
                        }
                        coderCache[coderName] = coderResult
                    }
                    var coderId: Int64 = 0
                    switch coderResult {
                    case .success(let id): coderId = id
                    case .failure(let error):
                        problem(line, (error.errorDescription ?? "invalid coder").replacingOccurrences(of: "code under your own name", with: "pass --allow-consensus to import reconciled codings"))
                        bad = true
                    }
                    // The code: empty means reviewed with none applied.
                    var code: Code?
                    if !Self.trimmed(codeText).isEmpty {
                        let found: Code?
                        if let cached = codeCache[codeText] { found = cached } else {
                            found = try? tree.resolve(codeText)
                            codeCache[codeText] = found
                        }
                        if let found {
                            if found.isRetired {
                                problem(line, "the code '\(found.path)' is retired; restore it ('focuscode codebook retire --restore') or use another code")
                                bad = true
                            }
                            code = found
                        } else {
                            problem(line, "unknown code '\(codeText)' ('focuscode codebook' lists the paths)")
                            bad = true
                        }
                    }
                    // Optional span and note.
                    var span: Span?
                    if let si = columnIndex["span_start"], let ei = columnIndex["span_end"] {
                        let s = Self.trimmed(record.fields[si]), e = Self.trimmed(record.fields[ei])
                        if !s.isEmpty || !e.isEmpty {
                            if let start = Int(s), let end = Int(e) {
                                span = Span(start: start, end: end)
                                textLength.setUncheckedArguments([excerptId])
                                let length = try Int.fetchOne(textLength) ?? 0
                                if let why = Self.spanProblem(span!, length: length) {
                                    problem(line, "invalid span \(s):\(e) on \(ref): \(why)")
                                    bad = true
                                }
                            } else {
                                problem(line, "span_start and span_end must both be whole numbers (characters, end exclusive)")
                                bad = true
                            }
                            if code == nil, !bad {
                                problem(line, "a span needs a code")
                                bad = true
                            }
                        }
                    }
                    var note: String?
                    if let ni = columnIndex["note"], !record.fields[ni].isEmpty {
                        note = CSV.restored(record.fields[ni])
                        if code == nil, !bad {
                            problem(line, "a note needs a code")
                            bad = true
                        }
                    }
                    if bad { return }
                    if lastReview.map({ $0 != (excerptId, coderId) }) ?? true {
                        reviews.append((excerptId, coderId))
                        if reviews.count == batchSize { try flushReviews() }
                        lastReview = (excerptId, coderId)
                    }
                    guard let code else { return }
                    codings.append(PendingCoding(excerpt: excerptId, code: code.rowId, coder: coderId, span: span, note: note))
                    if codings.count == batchSize { try flushCodings() }
                }
                try flushCodings()
                try flushReviews()
            } catch let error as CSVError {
                throw ProjectError.badRow(file: fileName, line: error.line, problem: error.problem)
            }
            if !sawHeader { throw ImportError.emptyFile(file: fileName) }
            if problemCount > 0 && !options.skipInvalid {
                throw CodingError.invalidRows(file: fileName, problems: problems, total: problemCount)
            }
            summary.skipped = problemCount
            summary.problems = problems
            try AuditLog.record(db, actor: options.actor, action: "codings.import", objectKind: "codings", objectRef: fileName,
                                detail: "rows=\(summary.rows) added=\(summary.codingsAdded) existing=\(summary.codingsExisting) reviews=\(summary.reviewsAdded) skipped=\(summary.skipped)")
            return summary
        }
        return result
    }
}

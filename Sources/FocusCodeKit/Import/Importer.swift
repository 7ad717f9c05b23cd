import Foundation
import GRDB

/// What to import and how.
public struct ImportOptions: Sendable {
    /// The focus group the document belongs to (created if new), e.g. `FG1`.
    public var group: String
    /// Speaker labels to flag as moderators, besides the usual role labels ("Moderator", "Facilitator", "Interviewer").
    public var moderators: [String]
    /// The format to read, when the extension does not say it.
    public var format: TranscriptFormat?
    /// Show what would be imported and write nothing.
    public var dryRun: Bool
    /// Who is importing, for the audit log.
    public var actor: String?
    /// Pseudonyms chosen by the user: normalised speaker label (`Importer.normaliseLabel`) → pseudonym.
    public var pseudonyms: [String: String]
    /// Keep labels that are already FocusCode pseudonyms (`P07`, `Moderator 2`) as the pseudonym, when free.
    /// For files FocusCode wrote itself (a REFI export), whose labels are pseudonyms, not names.
    public var keepPseudonymLabels: Bool

    public init(group: String, moderators: [String] = [], format: TranscriptFormat? = nil, dryRun: Bool = false, actor: String? = nil,
                pseudonyms: [String: String] = [:], keepPseudonymLabels: Bool = false) {
        self.group = group
        self.moderators = moderators
        self.format = format
        self.dryRun = dryRun
        self.actor = actor
        self.pseudonyms = pseudonyms
        self.keepPseudonymLabels = keepPseudonymLabels
    }
}

/// What an import did (or, with `dryRun`, would do).
public struct ImportSummary: Codable, Sendable, Equatable {
    public struct Speaker: Codable, Sendable, Equatable {
        /// The speaker's label in the file; only filled in for a dry run, never stored.
        public var label: String?
        public var pseudonym: String
        public var isModerator: Bool
        public var isNew: Bool
        public var turns: Int
    }
    public var file: String
    public var format: TranscriptFormat
    public var group: String
    public var groupIsNew: Bool
    public var alreadyImported: Bool
    public var dryRun: Bool
    public var turns: Int
    public var words: Int
    public var skippedEmptyTurns: Int
    public var firstRef: String?
    public var lastRef: String?
    public var speakers: [Speaker]
}

/// Imports transcripts into a project: read → prepare (the anonymisation seam) → store, in one transaction.
public enum Importer {
    /// A file read and parsed, ready to store.
    struct LoadedFile {
        var fileName: String
        var format: TranscriptFormat
        var hash: String
        /// Calls its argument with each turn in order (an array read whole, or a large CSV streamed).
        var forEachTurn: ((Turn) throws -> Void) throws -> Void
    }

    /// Reads, checks and imports files into one group, all in one transaction: if any file is
    /// bad, nothing is written. A file whose content was imported before is skipped (idempotent).
    /// With `options.dryRun` the same work runs and is rolled back, so the summary is exact.
    public static func importFiles(_ urls: [URL], into project: Project, options: ImportOptions,
                                   preparer: inout some TurnPreparing) throws -> [ImportSummary] {
        let loaded = try load(urls, options: options)
        // The speakers of every file of the command, so that part 1 may name someone who speaks only in part 2.
        let speakers = preparer.wantsSpeakers ? try speakerLabels(loaded.map(\.forEachTurn)) : []
        return try transaction(project, dryRun: options.dryRun) { db in
            var summaries: [ImportSummary] = []
            for file in loaded {
                summaries.append(try store(file.forEachTurn, fileName: file.fileName, format: file.format, contentHash: file.hash,
                                           db: db, options: options, preparer: &preparer, speakers: speakers))
            }
            if !options.dryRun { try preparer.willCommit(db) }
            return summaries
        }
    }

    /// Reads and checks every file (nothing is written): large CSV files are streamed later.
    static func load(_ urls: [URL], options: ImportOptions) throws -> [LoadedFile] {
        try validateGroupName(options.group)
        var loaded: [LoadedFile] = []
        for url in urls {
            let fileName = url.lastPathComponent
            guard FileManager.default.fileExists(atPath: url.path) else { throw ProjectError.fileMissing(path: url.path) }
            let format: TranscriptFormat
            if let f = options.format { format = f } else if let f = TranscriptFormat(fileExtension: url.pathExtension) { format = f } else {
                throw ImportError.unsupportedFormat(file: fileName, ext: url.pathExtension)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            if format == .csv, size >= CSVTranscriptStream.threshold, !Self.startsWithUTF16BOM(url) {
                let stream = CSVTranscriptStream(url: url, file: fileName)
                loaded.append(LoadedFile(fileName: fileName, format: format, hash: try stream.contentHash(),
                                         forEachTurn: { try stream.forEachTurn($0) }))
                continue
            }
            let data: Data
            do { data = try Data(contentsOf: url) } catch {
                throw ProjectError.unreadable(path: url.path, reason: error.localizedDescription)
            }
            let turns = try TranscriptReader.read(data: data, fileName: fileName, format: format)
            loaded.append(LoadedFile(fileName: fileName, format: format, hash: Digest.sha256Hex(data),
                                     forEachTurn: { body in for turn in turns { try body(turn) } }))
        }
        return loaded
    }

    /// Imports turns that are already read, in one transaction (also used to stream large synthetic imports).
    public static func importTurns<S: Sequence>(_ turns: S, fileName: String, format: TranscriptFormat, contentHash: String,
                                                into project: Project, options: ImportOptions,
                                                preparer: inout some TurnPreparing) throws -> ImportSummary where S.Element == Turn {
        try validateGroupName(options.group)
        return try transaction(project, dryRun: options.dryRun) { db in
            let forEachTurn: ((Turn) throws -> Void) throws -> Void = { body in for turn in turns { try body(turn) } }
            let summary = try store(forEachTurn, fileName: fileName, format: format, contentHash: contentHash, db: db, options: options,
                                    preparer: &preparer, speakers: preparer.wantsSpeakers ? try speakerLabels([forEachTurn]) : [])
            if !options.dryRun { try preparer.willCommit(db) }
            return summary
        }
    }

    static func startsWithUTF16BOM(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url), let head = try? handle.read(upToCount: 2) else { return false }
        try? handle.close()
        return head.elementsEqual([0xFF, 0xFE]) || head.elementsEqual([0xFE, 0xFF])
    }

    /// Runs `body` in a write transaction that commits, or for a dry run always rolls back.
    static func transaction<T>(_ project: Project, dryRun: Bool, _ body: (Database) throws -> T) throws -> T {
        if !dryRun { return try project.write(body) }
        var result: T?
        try project.write { db in
            // A savepoint inside the write transaction, always rolled back: nothing is committed.
            try db.execute(sql: "SAVEPOINT dry_run")
            do {
                result = try body(db)
            } catch {
                try db.execute(sql: "ROLLBACK TO SAVEPOINT dry_run; RELEASE SAVEPOINT dry_run")
                throw error
            }
            try db.execute(sql: "ROLLBACK TO SAVEPOINT dry_run; RELEASE SAVEPOINT dry_run")
        }
        return result!
    }

    /// Every speaker label of the given turn sequences, in order of first appearance (a first pass over large files).
    static func speakerLabels(_ sequences: [((Turn) throws -> Void) throws -> Void]) throws -> [String] {
        var speakers: [String] = []
        var seen = Set<String>()
        for forEachTurn in sequences {
            try forEachTurn { turn in if let s = turn.speaker, seen.insert(s).inserted { speakers.append(s) } }
        }
        return speakers
    }

    static func store(_ forEachTurn: ((Turn) throws -> Void) throws -> Void, fileName: String, format: TranscriptFormat,
                      contentHash: String, db: Database, options: ImportOptions,
                      preparer: inout some TurnPreparing, speakers: [String]) throws -> ImportSummary {
        if let existing = try existingDocument(db, hash: contentHash) {
            return ImportSummary(file: fileName, format: format, group: existing, groupIsNew: false, alreadyImported: true,
                                 dryRun: options.dryRun, turns: 0, words: 0, skippedEmptyTurns: 0,
                                 firstRef: nil, lastRef: nil, speakers: [])
        }
        // Every label first, so that a name is found even where it is said before its speaker first speaks.
        preparer.beginDocument(fileName: fileName, speakers: speakers)
        var run = try ImportRun(db: db, options: options, fileName: fileName, storedName: preparer.storedFileName(fileName),
                                format: format, hash: contentHash, labelKey: preparer.labelDigestKey)
        try forEachTurn { turn in try run.add(preparer.prepare(turn)) }
        let summary = try run.finish()
        try preparer.endDocument(id: run.documentId, in: db)
        return summary
    }

    /// A speaker label as compared for pseudonyms: lower case, single spaces.
    public static func normaliseLabel(_ label: String) -> String {
        label.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether a user-chosen pseudonym is acceptable: 1–32 letters, digits, spaces, '-' or '_', starting with a letter or digit.
    public static func isValidPseudonym(_ p: String) -> Bool {
        guard let first = p.unicodeScalars.first, p.count <= 32, CharacterSet.alphanumerics.contains(first) else { return false }
        return p.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == " " || $0 == "-" || $0 == "_" }
    }

    /// The pseudonym for a new speaker: the user's choice, else the next "Moderator" or "P01"-style number.
    static func choosePseudonym(normalised: String, label: String, isModerator: Bool, options: ImportOptions,
                                used: inout Set<String>, next: inout Int) throws -> String {
        var pseudonym: String
        if options.keepPseudonymLabels, Importer.isPseudonymLabel(label), !used.contains(label.lowercased()) {
            pseudonym = label
        } else if let chosen = options.pseudonyms[normalised] {
            guard !used.contains(chosen.lowercased()) else { throw AnonymisationError.pseudonymTaken(chosen) }
            pseudonym = chosen
        } else if isModerator {
            pseudonym = "Moderator"
            var n = 2
            while used.contains(pseudonym.lowercased()) { pseudonym = "Moderator \(n)"; n += 1 }
        } else {
            repeat {
                pseudonym = String(format: "P%02d", next)
                next += 1
            } while used.contains(pseudonym.lowercased())
        }
        used.insert(pseudonym.lowercased())
        return pseudonym
    }

    /// Group names become part of excerpt IDs (`FG1-0007`), so they are kept simple.
    public static func validateGroupName(_ name: String) throws {
        let ok = !name.isEmpty && name.count <= 32 && name.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "_"
        }
        if !ok { throw ProjectError.invalidGroupName(name) }
    }

    static func existingDocument(_ db: Database, hash: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT g.name FROM documents d JOIN groups g ON g.id = d.group_id WHERE d.content_hash = ?
            """, arguments: [hash])
    }

    /// Whether a label has the shape of a pseudonym FocusCode assigns: `P` and digits, or `Moderator` with an optional number.
    static func isPseudonymLabel(_ label: String) -> Bool {
        if label.hasPrefix("P"), label.count >= 2, label.count <= 6, label.dropFirst().allSatisfy(\.isASCIIDigit) { return true }
        if label == "Moderator" { return true }
        if label.hasPrefix("Moderator "), let n = Int(label.dropFirst("Moderator ".count)), n > 1 { return true }
        return false
    }

    /// Role labels that mark a moderator without `--moderator`.
    static func isRoleModeratorLabel(_ label: String) -> Bool {
        let l = label.lowercased().trimmingCharacters(in: .whitespaces)
        return ["moderator", "facilitator", "interviewer", "mod"].contains(where: { l == $0 || l.hasPrefix($0 + " ") })
    }
}

/// Counts words the way reports do: runs of non-whitespace.
func wordCount(_ text: String) -> Int {
    func count<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        var count = 0
        var inWord = false
        for byte in bytes {
            let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if space { inWord = false } else if !inWord { inWord = true; count += 1 }
        }
        return count
    }
    return text.utf8.withContiguousStorageIfAvailable { count($0) } ?? count(text.utf8)
}

/// Formats an excerpt's stable ID: group name and a zero-padded turn number.
func excerptRef(group: String, seq: Int) -> String {
    let n = String(seq)
    return group + "-" + (n.count < 4 ? String(repeating: "0", count: 4 - n.count) + n : n)
}

/// One import in progress inside a transaction (or a read, for a dry run).
private struct ImportRun {
    struct ParticipantSlot { var id: Int64?; var pseudonym: String; var isModerator: Bool; var isNew: Bool; var label: String?; var turns: Int }

    let db: Database
    let options: ImportOptions
    let fileName: String
    let format: TranscriptFormat
    let groupName: String
    let groupIsNew: Bool
    let groupId: Int64
    let documentId: Int64
    let salt: String
    let moderatorLabels: Set<String>
    var nextSeq: Int
    var firstRef: String?
    var lastRef: String?
    var firstId: Int64?
    var lastId: Int64?
    var turns = 0
    var words = 0
    var skipped = 0
    var byDigest: [String: Int] = [:]      // digest → index in slots
    var byLabel: [String: Int] = [:]       // label as written → index in slots (this import only; saves an HMAC per turn)
    var slots: [ParticipantSlot] = []
    var usedPseudonyms: Set<String>
    var nextParticipantNumber: Int
    let insert: Statement

    init(db: Database, options: ImportOptions, fileName: String, storedName: String, format: TranscriptFormat, hash: String,
         labelKey: String?) throws {
        self.db = db
        self.options = options
        self.fileName = fileName
        self.format = format
        if let labelKey { salt = labelKey } else {
            salt = try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'label_salt'") ?? ""
        }
        moderatorLabels = Set(options.moderators.map { $0.lowercased().trimmingCharacters(in: .whitespaces) })
        let now = Clock.nowString()
        if let row = try Row.fetchOne(db, sql: "SELECT id, name FROM groups WHERE name = ?", arguments: [options.group]) {
            groupId = row["id"]
            groupName = row["name"]
            groupIsNew = false
        } else {
            groupIsNew = true
            groupName = options.group
            try db.execute(sql: "INSERT INTO groups(name, position, created_at) VALUES (?, (SELECT ifnull(max(position), 0) + 1 FROM groups), ?)",
                           arguments: [options.group, now])
            groupId = db.lastInsertedRowID
        }
        nextSeq = try Int.fetchOne(db, sql: "SELECT ifnull(max(seq), 0) + 1 FROM excerpts WHERE group_id = ?", arguments: [groupId]) ?? 1
        do {
            try db.execute(sql: """
                INSERT INTO documents(group_id, file_name, format, content_hash, position, turn_count, word_count, imported_at, imported_by)
                VALUES (?, ?, ?, ?, (SELECT ifnull(max(position), 0) + 1 FROM documents WHERE group_id = ?), 0, 0, ?, ?)
                """, arguments: [groupId, storedName, format.rawValue, hash, groupId, now, options.actor ?? AuditLog.defaultActor])
            documentId = db.lastInsertedRowID
            insert = try db.makeStatement(sql: """
                INSERT INTO excerpts(ref, group_id, document_id, participant_id, seq, start_ms, end_ms, text, word_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        }
        var used = Set<String>()
        var maxNumber = 0
        for row in try Row.fetchAll(db, sql: "SELECT id, pseudonym, is_moderator, label_digest FROM participants") {
            let pseudonym: String = row["pseudonym"]
            used.insert(pseudonym.lowercased())
            if let digest: String = row["label_digest"] {
                byDigest[digest] = slots.count
                slots.append(ParticipantSlot(id: row["id"], pseudonym: pseudonym, isModerator: row["is_moderator"],
                                             isNew: false, label: nil, turns: 0))
            }
            if pseudonym.hasPrefix("P"), let n = Int(pseudonym.dropFirst()) { maxNumber = max(maxNumber, n) }
        }
        usedPseudonyms = used
        nextParticipantNumber = maxNumber + 1
    }

    mutating func participant(for label: String) throws -> Int {
        if let index = byLabel[label] { return index }
        let index = try participantSlot(for: label)
        byLabel[label] = index
        return index
    }

    mutating func participantSlot(for label: String) throws -> Int {
        let normalised = Importer.normaliseLabel(label)
        let digest = Digest.hmacHex(normalised, keyHex: salt)
        if let index = byDigest[digest] {
            if options.dryRun { slots[index].label = label }
            return index
        }
        let isModerator = moderatorLabels.contains(normalised) || Importer.isRoleModeratorLabel(normalised)
        let pseudonym = try Importer.choosePseudonym(normalised: normalised, label: label, isModerator: isModerator, options: options,
                                                     used: &usedPseudonyms, next: &nextParticipantNumber)
        try db.execute(sql: "INSERT INTO participants(pseudonym, is_moderator, label_digest, created_at) VALUES (?, ?, ?, ?)",
                       arguments: [pseudonym, isModerator, digest, Clock.nowString()])
        let id = db.lastInsertedRowID
        byDigest[digest] = slots.count
        slots.append(ParticipantSlot(id: id, pseudonym: pseudonym, isModerator: isModerator, isNew: true,
                                     label: options.dryRun ? label : nil, turns: 0))
        return slots.count - 1
    }

    mutating func add(_ turn: Turn) throws {
        // Readers trim already; trim again only when needed (Foundation's trimming is slow on large imports).
        var text = turn.text
        if mayNeedTrimming(text) {
            text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if text.isEmpty { skipped += 1; return }
        var participantId: Int64?
        if let label = turn.speaker, !label.isEmpty {
            let index = try participant(for: label)
            slots[index].turns += 1
            participantId = slots[index].id
        }
        let ref = excerptRef(group: groupName, seq: nextSeq)
        let n = wordCount(text)
        try insert.execute(arguments: [ref, groupId, documentId, participantId, nextSeq, turn.startMs, turn.endMs, text, n])
        lastId = db.lastInsertedRowID
        if firstId == nil { firstId = lastId }
        if firstRef == nil { firstRef = ref }
        lastRef = ref
        nextSeq += 1
        turns += 1
        words += n
    }

    func finish() throws -> ImportSummary {
        if turns == 0 { throw ImportError.noTurns(file: fileName) }
        if let firstId, let lastId { try Project.indexExcerpts(db, ids: firstId...lastId) }
        do {
            try db.execute(sql: "UPDATE documents SET turn_count = ?, word_count = ? WHERE id = ?", arguments: [turns, words, documentId])
            try AuditLog.record(db, actor: options.actor, action: "import", objectKind: "document", objectRef: String(documentId),
                                detail: "group=\(groupName) format=\(format.rawValue) turns=\(turns) words=\(words)")
        }
        let speakers = slots.filter { $0.turns > 0 }.map {
            ImportSummary.Speaker(label: $0.label, pseudonym: $0.pseudonym, isModerator: $0.isModerator, isNew: $0.isNew, turns: $0.turns)
        }
        return ImportSummary(file: fileName, format: format, group: groupName, groupIsNew: groupIsNew, alreadyImported: false,
                             dryRun: options.dryRun, turns: turns, words: words, skippedEmptyTurns: skipped,
                             firstRef: firstRef, lastRef: lastRef, speakers: speakers)
    }
}

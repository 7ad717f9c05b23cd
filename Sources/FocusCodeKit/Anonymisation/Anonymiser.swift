import Foundation
import GRDB

/// What to detect and where the key file is.
public struct AnonymisationOptions: Sendable {
    /// Off: text is stored as read (`--no-detect`); speakers still become pseudonyms.
    public var detect: Bool
    /// The shape detectors in use (all by default).
    public var detectors: Set<IdentifierKind>
    /// Find the speakers' names (from their labels) in the text.
    public var speakerNames: Bool
    public var names: [String]
    public var places: [String]
    public var organisations: [String]
    public var patterns: [CustomPattern]
    /// The key file (`--key`): created at the first anonymised import, given again after that.
    public var keyPath: String?
    /// Allow the key file in the project's folder.
    public var force: Bool

    public static let shapeDetectors: Set<IdentifierKind> = [.email, .url, .phone, .postcode, .nationalInsurance, .dateOfBirth, .vehicle]

    public init(detect: Bool = true, detectors: Set<IdentifierKind> = AnonymisationOptions.shapeDetectors, speakerNames: Bool = true,
                names: [String] = [], places: [String] = [], organisations: [String] = [], patterns: [CustomPattern] = [],
                keyPath: String? = nil, force: Bool = false) {
        self.detect = detect
        self.detectors = detectors
        self.speakerNames = speakerNames
        self.names = names
        self.places = places
        self.organisations = organisations
        self.patterns = patterns
        self.keyPath = keyPath
        self.force = force
    }
}

/// What anonymisation did to one document.
public struct DocumentRedactions: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var placeholder: String
        public var kind: IdentifierKind
        /// In memory only, for previews; never stored.
        public var original: String
        public var count: Int
    }
    public struct Candidate: Sendable, Equatable {
        public var text: String
        public var key: String
        public var reason: CandidateReason
        public var count: Int
        public var context: String
        /// The source line of the first occurrence.
        public var line: Int
    }
    public var fileName: String
    /// Replacements per kind.
    public var counts: [IdentifierKind: Int] = [:]
    /// Each placeholder used, in order of first use.
    public var items: [Item] = []
    /// Review candidates, in order of first occurrence.
    public var candidates: [Candidate] = []
    public var total: Int { counts.values.reduce(0, +) }
}

/// The anonymising `TurnPreparing`: replaces identifiers with placeholders before a turn is
/// stored, counts what it replaced, lists what it was unsure of, stores placeholder digests and
/// counts with the document, and writes the key file just before the import commits.
public struct Anonymiser: TurnPreparing {
    let options: AnonymisationOptions
    let state: AnonymisationState
    let key: KeyContext?
    /// Whether digests (placeholders and speaker labels) are keyed by the key file's secret.
    public let keyMode: Bool
    var redactor: Redactor
    private var storedPlaceholders: Int
    public private(set) var documents: [DocumentRedactions] = []
    private var current = DocumentRedactions(fileName: "")
    private var itemIndex: [String: Int] = [:]
    private var candidateIndex: [String: Int] = [:]
    private var speakersSeen = Set<String>()

    /// Reads the project's placeholders and decisions and checks the key file.
    /// `writing`: false for a preview, which must neither need nor write anything.
    public init(project: Project, options: AnonymisationOptions, writing: Bool = true) throws {
        let state = try project.read { db in try AnonymisationState.load(db) }
        if options.keyPath != nil, !options.detect, state.binding == nil { throw AnonymisationError.keyFileNotNeeded }
        // With a key file, detection needs it to keep placeholders consistent; in key mode even
        // speaker pseudonyms do (their digests are keyed by it). A preview needs it as much.
        if options.keyPath == nil, state.binding != nil, options.detect || state.keying == .key { throw AnonymisationError.keyRequired }
        let key = try KeyContext.resolve(path: options.keyPath, state: state, projectPath: project.path, writing: writing, force: options.force)
        self.init(options: options, state: state, key: key)
    }

    init(options: AnonymisationOptions, state: AnonymisationState, key: KeyContext?) {
        self.options = options
        self.state = state
        self.key = key
        keyMode = KeyContext.keyMode(state: state, key: key)
        let digestKey = keyMode ? key!.file.secret : state.salt
        let registry = PlaceholderRegistry(digestKey: digestKey, existing: state.placeholders)
        storedPlaceholders = registry.all.count
        redactor = Redactor(scanner: PatternScanner(enabled: options.detectors), patterns: options.patterns, registry: registry,
                            salt: state.salt, keepDigests: state.keepDigests)
        for name in options.names { redactor.lexicon.add(name, kind: .name, parts: true) }
        for place in options.places { redactor.lexicon.add(place, kind: .place) }
        for organisation in options.organisations { redactor.lexicon.add(organisation, kind: .organisation) }
        // With the key file, every original replaced before is known: find it again in any case and spelling of its words.
        if let key {
            for entry in key.file.entries {
                guard let kind = IdentifierKind(rawValue: entry.kind), kind.normalise(entry.original) == WordNormaliser.words(entry.original) else { continue }
                redactor.lexicon.add(entry.original, kind: kind)
            }
        }
    }

    public var wantsSpeakers: Bool { options.detect && options.speakerNames }
    public var labelDigestKey: String? { keyMode ? key?.file.secret : nil }

    public mutating func storedFileName(_ fileName: String) -> String {
        guard options.detect else { return fileName }
        let saved = redactor.findCandidates
        redactor.findCandidates = false
        defer { redactor.findCandidates = saved }
        let outcome = redactor.redact(fileName)
        record(outcome.replacements)
        return outcome.text
    }

    public mutating func beginDocument(fileName: String, speakers: [String]) {
        current = DocumentRedactions(fileName: fileName)
        itemIndex = [:]
        candidateIndex = [:]
        if options.detect, options.speakerNames { for label in speakers { addSpeaker(label) } }
    }

    /// Adds a speaker's name to the matcher, and gives it a placeholder now: a later import that
    /// mentions this person without their label (or a names list) then still finds them by digest.
    private mutating func addSpeaker(_ label: String) {
        guard speakersSeen.insert(label).inserted else { return }
        for name in redactor.lexicon.addSpeakerLabel(label) { _ = redactor.registry.placeholder(for: name, kind: .name) }
    }

    public mutating func prepare(_ turn: Turn) -> Turn {
        guard options.detect else { return turn }
        if options.speakerNames, let speaker = turn.speaker { addSpeaker(speaker) }
        let outcome = redactor.redact(turn.text)
        record(outcome.replacements)
        for c in outcome.candidates {
            if let i = candidateIndex[c.key] { current.candidates[i].count += 1; continue }
            candidateIndex[c.key] = current.candidates.count
            current.candidates.append(.init(text: c.text, key: c.key, reason: c.reason, count: 1, context: c.context, line: turn.line))
        }
        var prepared = turn
        prepared.text = outcome.text
        return prepared
    }

    private mutating func record(_ replacements: [Replacement]) {
        for r in replacements {
            current.counts[r.kind, default: 0] += 1
            if let i = itemIndex[r.placeholder] { current.items[i].count += 1; continue }
            itemIndex[r.placeholder] = current.items.count
            current.items.append(.init(placeholder: r.placeholder, kind: r.kind, original: r.original, count: 1))
        }
    }

    /// Anonymises one text outside an import (a preview, a test).
    public mutating func redact(_ text: String) -> RedactionOutcome { redactor.redact(text) }

    public mutating func endDocument(id: Int64, in db: Database) throws {
        try storeNewPlaceholders(db)
        for (kind, count) in current.counts where count > 0 {
            try db.execute(sql: """
                INSERT INTO redaction_counts(document_id, kind, count) VALUES (?, ?, ?)
                ON CONFLICT(document_id, kind) DO UPDATE SET count = count + excluded.count
                """, arguments: [id, kind.rawValue, count])
        }
        documents.append(current)
        current = DocumentRedactions(fileName: "")
    }

    private mutating func storeNewPlaceholders(_ db: Database) throws {
        let all = redactor.registry.all
        for p in all[storedPlaceholders...] {
            try db.execute(sql: "INSERT INTO placeholders(kind, number, digest) VALUES (?, ?, ?)", arguments: [p.kind.rawValue, p.number, p.digest])
        }
        storedPlaceholders = all.count
    }

    public mutating func willCommit(_ db: Database) throws {
        guard options.detect || key != nil else { return }
        try storeNewPlaceholders(db)
        try KeyContext.commit(db, key: key, keyMode: keyMode, state: state, registry: redactor.registry)
    }

    /// The document being prepared (for previews, which never call `endDocument`).
    public mutating func finishPreviewDocument() -> DocumentRedactions {
        let done = current
        current = DocumentRedactions(fileName: "")
        return done
    }
}

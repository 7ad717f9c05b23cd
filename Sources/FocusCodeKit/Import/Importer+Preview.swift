import Foundation
import GRDB

/// What an import would store, computed in memory: the turns as they would read, with pseudonyms.
public struct ImportPreview: Sendable {
    public struct PreviewTurn: Sendable, Equatable {
        public var ref: String
        /// The speaker's label in the file (shown to the person previewing; never stored).
        public var label: String?
        public var pseudonym: String?
        public var text: String
        public var line: Int
        /// Whether anonymisation changed the text.
        public var changed: Bool
    }
    public var file: String
    public var group: String
    public var alreadyImported: Bool
    public var turns: [PreviewTurn]
}

extension Importer {
    /// Runs readers and the preparer on `urls` and returns what would be stored, without opening
    /// a write transaction: the project is only read (no WAL traffic, no placeholders, no key file).
    public static func preview(_ urls: [URL], in project: Project, options: ImportOptions,
                               preparer: inout Anonymiser) throws -> (files: [ImportPreview], redactions: [DocumentRedactions]) {
        let loaded = try load(urls, options: options)
        var files: [ImportPreview] = []
        var redactions: [DocumentRedactions] = []
        try project.read { db in
            let labelKey = try preparer.labelDigestKey
                ?? String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'label_salt'") ?? ""
            var byDigest: [String: String] = [:]
            var used = Set<String>()
            var maxNumber = 0
            for row in try Row.fetchAll(db, sql: "SELECT pseudonym, label_digest FROM participants") {
                let pseudonym: String = row["pseudonym"]
                used.insert(pseudonym.lowercased())
                if let digest: String = row["label_digest"] { byDigest[digest] = pseudonym }
                if pseudonym.hasPrefix("P"), let n = Int(pseudonym.dropFirst()) { maxNumber = max(maxNumber, n) }
            }
            var next = maxNumber + 1
            let moderators = Set(options.moderators.map(normaliseLabel))
            var seq = try Int.fetchOne(db, sql: """
                SELECT ifnull(max(e.seq), 0) + 1 FROM excerpts e JOIN groups g ON g.id = e.group_id WHERE g.name = ?
                """, arguments: [options.group]) ?? 1
            var seenHashes = Set<String>()
            let speakers = try speakerLabels(loaded.map(\.forEachTurn))
            for file in loaded {
                if try existingDocument(db, hash: file.hash) != nil || !seenHashes.insert(file.hash).inserted {
                    files.append(ImportPreview(file: file.fileName, group: options.group, alreadyImported: true, turns: []))
                    continue
                }
                preparer.beginDocument(fileName: file.fileName, speakers: speakers)
                _ = preparer.storedFileName(file.fileName)
                var turns: [ImportPreview.PreviewTurn] = []
                var pseudonyms: [String: String] = [:]
                try file.forEachTurn { turn in
                    let prepared = preparer.prepare(turn)
                    let text = prepared.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    guard !text.isEmpty else { return }
                    var pseudonym: String?
                    if let label = turn.speaker, !label.isEmpty {
                        if let known = pseudonyms[label] { pseudonym = known } else {
                            let normalised = normaliseLabel(label)
                            let digest = Digest.hmacHex(normalised, keyHex: labelKey)
                            if let existing = byDigest[digest] { pseudonym = existing } else {
                                let isModerator = moderators.contains(normalised) || isRoleModeratorLabel(normalised)
                                let chosen = try choosePseudonym(normalised: normalised, label: label, isModerator: isModerator, options: options,
                                                                 used: &used, next: &next)
                                byDigest[digest] = chosen
                                pseudonym = chosen
                            }
                            pseudonyms[label] = pseudonym
                        }
                    }
                    turns.append(.init(ref: excerptRef(group: options.group, seq: seq), label: turn.speaker, pseudonym: pseudonym,
                                       text: text, line: turn.line,
                                       changed: text != turn.text.trimmingCharacters(in: .whitespacesAndNewlines)))
                    seq += 1
                }
                if turns.isEmpty { throw ImportError.noTurns(file: file.fileName) }
                files.append(ImportPreview(file: file.fileName, group: options.group, alreadyImported: false, turns: turns))
                redactions.append(preparer.finishPreviewDocument())
            }
        }
        return (files, redactions)
    }
}

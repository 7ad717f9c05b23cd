import Foundation
import GRDB

/// What a project knows about its anonymisation, read once per command: digests only.
struct AnonymisationState {
    enum Keying: String { case salt, key }

    var projectId: String
    var salt: String
    /// How placeholder digests are keyed; nil until the first anonymised import decides it.
    var keying: Keying?
    /// HMAC(secret, project id) of the project's key file, once it has one.
    var binding: String?
    var hasDocuments: Bool
    var placeholders: [PlaceholderRegistry.Placeholder]
    var keepDigests: Set<String>

    static func load(_ db: Database) throws -> AnonymisationState {
        var info: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM project_info") { info[row["key"]] = row["value"] }
        let placeholders = try Row.fetchAll(db, sql: "SELECT kind, number, digest FROM placeholders ORDER BY id").compactMap { row -> PlaceholderRegistry.Placeholder? in
            guard let kind = IdentifierKind(rawValue: row["kind"]) else { return nil }
            return PlaceholderRegistry.Placeholder(digest: row["digest"], kind: kind, number: row["number"])
        }
        let keep = try String.fetchAll(db, sql: "SELECT digest FROM anonymisation_decisions WHERE decision = 'keep'")
        let hasDocuments = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM documents)") ?? false
        return AnonymisationState(projectId: info["project_id"] ?? "", salt: info["label_salt"] ?? "",
                                  keying: info["digest_keying"].flatMap(Keying.init), binding: info["key_binding"],
                                  hasDocuments: hasDocuments, placeholders: placeholders, keepDigests: Set(keep))
    }
}

/// The key file in force for a command, checked against the project.
struct KeyContext {
    var path: String
    var file: KeyFile
    var isNew: Bool

    /// Loads (or starts) the key file at `path` and checks that it belongs to the project.
    /// `writing`: the command will write it, so the folder rule applies.
    static func resolve(path: String?, state: AnonymisationState, projectPath: String, writing: Bool, force: Bool) throws -> KeyContext? {
        guard let path else { return nil }
        let existing = try KeyFile.load(path: path)
        let context: KeyContext
        if let binding = state.binding {
            guard let existing else { throw AnonymisationError.otherKeyFile(path: path) }
            guard existing.binding == binding else { throw AnonymisationError.wrongKeyFile(path: path) }
            context = KeyContext(path: path, file: existing, isNew: false)
        } else if let existing {
            // A key file of this project whose import did not commit: adopt it; any other is refused.
            guard existing.projectId == state.projectId else { throw AnonymisationError.wrongKeyFile(path: path) }
            context = KeyContext(path: path, file: existing, isNew: false)
        } else {
            context = KeyContext(path: path, file: KeyFile.create(projectId: state.projectId), isNew: true)
        }
        if writing, !force, KeyFile.isInProjectFolder(keyPath: path, projectPath: projectPath) {
            throw AnonymisationError.keyFileInProjectFolder(path: path)
        }
        return context
    }

    /// Whether digests are keyed by this key file: the project says so, or this is its first import.
    static func keyMode(state: AnonymisationState, key: KeyContext?) -> Bool {
        switch state.keying {
        case .key?: return true
        case .salt?: return false
        case nil: return key != nil && !state.hasDocuments && state.placeholders.isEmpty
        }
    }

    /// Records the binding and keying in the project and writes the key file with the originals seen.
    static func commit(_ db: Database, key: KeyContext?, keyMode: Bool, state: AnonymisationState, registry: PlaceholderRegistry) throws {
        if state.keying == nil {
            try db.execute(sql: "INSERT OR REPLACE INTO project_info(key, value) VALUES ('digest_keying', ?)",
                           arguments: [keyMode ? AnonymisationState.Keying.key.rawValue : AnonymisationState.Keying.salt.rawValue])
        }
        guard var key else { return }
        if state.binding == nil {
            try db.execute(sql: "INSERT OR REPLACE INTO project_info(key, value) VALUES ('key_binding', ?)", arguments: [key.file.binding])
        }
        let entries = registry.originals.sorted { $0.key < $1.key }.map { index, original in
            KeyFile.Entry(placeholder: registry.all[index].text, kind: registry.all[index].kind.rawValue, original: original)
        }
        key.file.add(entries)
        try key.file.write(to: key.path)
    }
}

import Crypto
import Foundation

/// The way back from placeholders to originals, kept outside the project.
///
/// A JSON file (mode 0600, written atomically):
///
///     {"format": "focuscode-key", "version": 1, "project_id": "…", "created_at": "…",
///      "secret": "<64 hex digits>", "entries": [{"placeholder": "[NAME-1]", "kind": "NAME", "original": "Ruth"}, …]}
///
/// The secret binds the file to its project (the project stores only HMAC(secret, project id))
/// and, when the key file was given at the project's first import, keys the digests by which the
/// project recognises an original again, so that the project alone cannot be searched for names.
public struct KeyFile: Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var placeholder: String
        public var kind: String
        public var original: String
    }

    public var projectId: String
    public var createdAt: String
    /// 32 random bytes as hex.
    public var secret: String
    public var entries: [Entry]

    /// A new key file for a project.
    public static func create(projectId: String) -> KeyFile {
        KeyFile(projectId: projectId, createdAt: Clock.nowString(), secret: Digest.randomSaltHex(), entries: [])
    }

    /// The value a project stores to recognise its key file.
    public var binding: String { Digest.hmacHex("focuscode-key-binding\u{0}" + projectId, keyHex: secret) }

    /// The original behind each placeholder.
    public var originals: [String: String] {
        Dictionary(entries.map { ($0.placeholder, $0.original) }, uniquingKeysWith: { a, _ in a })
    }

    /// Adds entries for placeholders the file does not have yet.
    public mutating func add(_ new: [Entry]) {
        var known = Set(entries.map(\.placeholder))
        for entry in new where known.insert(entry.placeholder).inserted { entries.append(entry) }
    }

    private struct Stored: Codable {
        var format: String
        var version: Int
        var project_id: String
        var created_at: String
        var secret: String
        var entries: [Entry]
    }

    /// Reads a key file, or nil when there is none at `path`. Its content never appears in errors.
    public static func load(path: String) throws -> KeyFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnonymisationError.keyFileUnwritable(path: path, reason: "it cannot be read")
        }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.format == "focuscode-key", stored.version == 1,
              stored.secret.count == 64, Data(hexString: stored.secret) != nil else {
            throw AnonymisationError.notAKeyFile(path: path)
        }
        return KeyFile(projectId: stored.project_id, createdAt: stored.created_at, secret: stored.secret, entries: stored.entries)
    }

    /// Writes the file atomically with owner-only permissions: a new file (mode 0600) in the same
    /// folder, flushed, then renamed over the old one.
    public func write(to path: String) throws {
        let stored = Stored(format: "focuscode-key", version: 1, project_id: projectId, created_at: createdAt, secret: secret, entries: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(stored) } catch {
            throw AnonymisationError.keyFileUnwritable(path: path, reason: "it could not be encoded")
        }
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: dir) else {
            throw AnonymisationError.keyFileUnwritable(path: path, reason: "the folder \(dir) does not exist")
        }
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp").path
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw AnonymisationError.keyFileUnwritable(path: path, reason: String(cString: strerror(errno))) }
        var ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        ok = ok && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw AnonymisationError.keyFileUnwritable(path: path, reason: reason)
        }
    }

    /// Whether `keyPath` is in the same folder as the project file (symbolic links resolved).
    public static func isInProjectFolder(keyPath: String, projectPath: String) -> Bool {
        func folder(_ p: String) -> String {
            URL(fileURLWithPath: p).deletingLastPathComponent().resolvingSymlinksInPath().standardizedFileURL.path
        }
        return folder(keyPath) == folder(projectPath)
    }
}

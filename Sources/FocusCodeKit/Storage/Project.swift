import Foundation
import GRDB

/// A FocusCode project: one SQLite file. Owns the database connection and its migrations.
public final class Project: Sendable {
    /// The path of the project file.
    public let path: String
    /// The connection (WAL, foreign keys on, busy timeout for concurrent writers).
    public let dbQueue: DatabaseQueue

    /// The file used when neither `--project` nor `FOCUSCODE_PROJECT` says otherwise.
    public static let defaultFileName = "focuscode.sqlite"

    private init(path: String, dbQueue: DatabaseQueue) {
        self.path = path
        self.dbQueue = dbQueue
    }

    /// Creates a new, empty project file with owner-only permissions.
    public static func create(at path: String) throws -> Project {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { throw ProjectError.projectExists(path: path) }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !fm.fileExists(atPath: dir) {
            throw ProjectError.cannotCreate(path: path, reason: "the folder \(dir) does not exist")
        }
        // Create the file ourselves first so that SQLite (and its -wal/-shm, which copy the
        // main file's mode) never exist with group- or world-readable permissions.
        guard fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw ProjectError.cannotCreate(path: path, reason: "permission denied or invalid path")
        }
        do {
            let project = try open(path: path, creating: true)
            try project.dbQueue.write { db in
                try db.execute(
                    sql: "INSERT INTO project_info(key, value) VALUES ('project_id', ?), ('created_at', ?), ('label_salt', ?)",
                    arguments: [UUID().uuidString.lowercased(), Clock.nowString(), Digest.randomSaltHex()])
                try AuditLog.record(db, action: "project.create", objectKind: "project", objectRef: nil, detail: nil)
            }
            return project
        } catch {
            try? fm.removeItem(atPath: path)
            throw error
        }
    }

    /// Opens an existing project, migrating it to the current schema.
    public static func open(at path: String) throws -> Project {
        guard FileManager.default.fileExists(atPath: path) else { throw ProjectError.projectMissing(path: path) }
        return try open(path: path, creating: false)
    }

    /// Opens an existing project for reading only: no write transaction at all, so nothing reaches
    /// the file or its WAL (used by `import --preview`). A file that still needs migrating is
    /// opened (and migrated) as usual.
    public static func openReadOnly(at path: String) throws -> Project {
        guard FileManager.default.fileExists(atPath: path) else { throw ProjectError.projectMissing(path: path) }
        var config = Configuration()
        config.readonly = true
        config.label = "focuscode"
        let queue: DatabaseQueue
        let applied: [String]
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            applied = try queue.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw ProjectError.notAProject(path: path, reason: "not an SQLite database")
        }
        let known = Migrations.migrator.migrations
        if let unknown = applied.first(where: { !known.contains($0) }) { throw ProjectError.newerSchema(path: path, migration: unknown) }
        if Set(applied) != Set(known) { return try open(at: path) }
        return Project(path: path, dbQueue: queue)
    }

    private static func open(path: String, creating: Bool) throws -> Project {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.journalMode = .wal
        // A second writer waits rather than failing at once; after the timeout it gets `busy`.
        let wait = ProcessInfo.processInfo.environment["FOCUSCODE_BUSY_TIMEOUT"].flatMap(Double.init) ?? 10
        config.busyMode = .timeout(wait)
        config.label = "focuscode"
        // A larger page cache (32 MB at most, allocated as needed) keeps index pages in memory
        // during large imports instead of re-reading them; SQLite's default is 2 MB.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -32768")
            db.add(function: Migrations.orderedUIDFunction)
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            let known = Set(Migrations.migrator.migrations)
            let applied = try queue.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw ProjectError.newerSchema(path: path, migration: unknown)
            }
            if !creating, applied.isEmpty {
                let tables = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")! }
                if tables > 0 { throw ProjectError.notAProject(path: path, reason: "it is an SQLite file without FocusCode tables") }
            }
            try Migrations.migrator.migrate(queue)
        } catch let error as ProjectError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw ProjectError.notAProject(path: path, reason: "not an SQLite database")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw ProjectError.busy(path: path)
        }
        return Project(path: path, dbQueue: queue)
    }

    /// Runs `body` in one write transaction; a busy database becomes a clear `ProjectError.busy`.
    ///
    /// `statementJournalInMemory` is for bulk imports whose statements insert many rows each: SQLite keeps an undo
    /// journal for each such statement, which is a temporary file unless temporary storage is in memory when the
    /// transaction begins. Each statement's journal is small (the pages that one statement changed), so keeping it in
    /// memory is cheap; it saves millions of writes to a file that is deleted at the end.
    public func write<T>(statementJournalInMemory: Bool = false, _ body: (Database) throws -> T) throws -> T {
        do {
            guard statementJournalInMemory else { return try dbQueue.write(body) }
            return try dbQueue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                defer { try? db.execute(sql: "PRAGMA temp_store = DEFAULT") }
                var result: T?
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw ProjectError.busy(path: path)
        }
    }

    /// Runs `body` with read access.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try dbQueue.read(body)
    }

    /// The migrations applied to this file, oldest first.
    public func appliedMigrations() throws -> [String] {
        try read { db in try Migrations.migrator.appliedMigrations(db) }
    }
}

/// Time stamps stored as ISO 8601 UTC text, readable with plain `sqlite3`.
enum Clock {
    static func nowString() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}

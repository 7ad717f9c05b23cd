import Foundation
import GRDB

/// Reads a project file directly (no FocusCode code involved), for tests that check what a killed
/// or concurrent process left behind.
public enum ProjectInspection {
    /// `PRAGMA integrity_check`'s answer ("ok" for a sound file).
    public static func integrity(_ path: String) throws -> String {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// `SELECT count(*) FROM table`.
    public static func count(_ table: String, in path: String) throws -> Int {
        try scalar("SELECT count(*) FROM \(table)", in: path)
    }

    /// The integer a query returns (0 for none).
    public static func scalar(_ sql: String, in path: String) throws -> Int {
        try DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// Runs SQL on the file directly, as SQLite's own shell would (rows the tool itself would refuse).
    public static func execute(_ sql: String, in path: String) throws {
        try DatabaseQueue(path: path).write { db in try db.execute(sql: sql) }
    }

    /// The first column of a query's rows, as text.
    public static func strings(_ sql: String, in path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: sql) }
    }

    /// Adds `count` distinct passages by `coder` (one-character spans over long turns and every code), with
    /// their reviews, in one transaction: bulk test data without starting `focuscode` per passage.
    public static func addPassages(_ count: Int, coder: String, in path: String) throws {
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO coders(name, uid, created_at) VALUES (?, lower(hex(randomblob(16))), '2026-01-01T00:00:00Z')",
                           arguments: [coder])
            let coderId = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ?", arguments: [coder])!
            let excerpts = try Int64.fetchAll(db, sql: "SELECT id FROM excerpts WHERE length(text) > 200 ORDER BY id")
            let codes = try Int64.fetchAll(db, sql: "SELECT id FROM codes ORDER BY id")
            let start = try Int.fetchOne(db, sql: "SELECT count(*) FROM codings WHERE coder_id = ?", arguments: [coderId])!
            var made = 0, i = start
            while made < count {
                let e = excerpts[i % excerpts.count], c = codes[(i / excerpts.count) % codes.count], k = i / (excerpts.count * codes.count)
                try db.execute(sql: """
                    INSERT OR IGNORE INTO codings(uid, excerpt_id, code_id, coder_id, span_start, span_end, note, created_at)
                    VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, ?, NULL, '2026-01-01T00:00:00Z')
                    """, arguments: [e, c, coderId, k, k + 1])
                made += db.changesCount
                try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, '2026-01-01T00:00:00Z')",
                               arguments: [e, coderId])
                i += 1
            }
        }
    }
}

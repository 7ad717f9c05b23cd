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
}

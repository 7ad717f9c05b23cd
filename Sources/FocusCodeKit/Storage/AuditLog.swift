import Foundation
import GRDB

/// The audit trail: who changed what and when. Never holds transcript text.
public enum AuditLog {
    /// The person recorded as acting: `FOCUSCODE_CODER`, else the login name.
    public static var defaultActor: String {
        let env = ProcessInfo.processInfo.environment
        return env["FOCUSCODE_CODER"] ?? env["USER"] ?? env["LOGNAME"] ?? "unknown"
    }

    /// Appends one entry. `detail` is a short machine-readable summary (counts, IDs), never text.
    public static func record(_ db: Database, actor: String? = nil, action: String, objectKind: String?,
                              objectRef: String?, detail: String?) throws {
        try db.execute(
            sql: "INSERT INTO audit_log(at, actor, action, object_kind, object_ref, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [Clock.nowString(), actor ?? defaultActor, action, objectKind, objectRef, detail])
    }
}

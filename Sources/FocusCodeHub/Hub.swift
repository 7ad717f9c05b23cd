import FocusCodeKit
import Foundation
import PostgresNIO

/// The team hub: a shared project on PostgreSQL. The supervisor's role owns the schema `hub` (and so reads all);
/// each coder is a role that row-level security limits to its own passages and reviews while the study is blind.
public enum Hub {
    /// The hub schema this focuscode writes and understands. Version 2: memos (a coder's memos are theirs, like passages).
    public static let schemaVersion = 2

    /// Counts for `hub status`.
    public struct Status: Sendable, Equatable {
        public struct Line: Sendable, Equatable {
            public var coder: String
            public var group: String
            public var reviewed: Int
            public var passages: Int
        }
        public var coders: [(name: String, unblinded: Bool)] = []
        public var lines: [Line] = []
        public var excerptsPerGroup: [String: Int] = [:]
        public var codebookEditsAllowed = false
        public static func == (a: Status, b: Status) -> Bool {
            a.lines == b.lines && a.excerptsPerGroup == b.excerptsPerGroup && a.coders.map(\.name) == b.coders.map(\.name)
        }
    }

    /// What the server says about this hub and the connected role.
    struct Info {
        var hubId: String
        var supervisor: String
        var role: String
        var coder: String?
        var codebookEditsAllowed: Bool
        var identity: HubIdentity { HubIdentity(role: role, coder: role == supervisor ? nil : coder, codebookEditsAllowed: codebookEditsAllowed) }
    }

    /// Reads the hub's metadata and who the role is; a role that is neither supervisor nor coder is refused.
    static func info(_ hub: HubConnection) async throws -> Info {
        var role = ""
        for try await (r,) in try await hub.run("SELECT current_user::text").decode((String,).self) { role = r }
        var meta: [String: String] = [:]
        do {
            for try await (k, v) in try await hub.run("SELECT key, value FROM hub.meta").decode((String, String).self) { meta[k] = v }
        } catch HubError.noHub(let address) {
            throw HubError.noHub(address: address)
        }
        guard let version = meta["schema_version"].flatMap(Int.init), let id = meta["hub_id"], let supervisor = meta["supervisor"] else {
            throw HubError.noHub(address: hub.address.display)
        }
        if version > schemaVersion { throw HubError.newerHubSchema(address: hub.address.display, version: version, known: schemaVersion) }
        var coder: String?
        for try await (c,) in try await hub.run("SELECT coder FROM hub.coders WHERE role = current_user").decode((String,).self) { coder = c }
        if role != supervisor && coder == nil { throw HubError.notACoder(role: role, address: hub.address.display) }
        if version < schemaVersion {
            guard role == supervisor else { throw HubError.olderHubSchema(address: hub.address.display, version: version, known: schemaVersion) }
            try await upgrade(hub, from: version)
        }
        return Info(hubId: id, supervisor: supervisor, role: role, coder: coder, codebookEditsAllowed: meta["codebook_edits"] == "allowed")
    }

    static let policy = "(kind IN ('passage', 'review', 'memo') AND coder = hub.my_coder()) OR (kind = 'code' AND coder IS NULL AND hub.codebook_open())"
    /// Passages and reviews always have a coder; a memo may (its author) or may not (the supervisor's, read by all).
    static let coderCheck = """
        CONSTRAINT rows_coder CHECK (CASE WHEN kind IN ('passage', 'review') THEN coder IS NOT NULL WHEN kind = 'memo' THEN true ELSE coder IS NULL END)
        """

    /// Brings an older hub up to `schemaVersion` in one transaction (the supervisor's role owns the schema). 1 → 2:
    /// memos may have a coder, and a coder's role may write its own.
    static func upgrade(_ hub: HubConnection, from version: Int) async throws {
        try await hub.connection.withTransaction(logger: hub.logger) { conn in
            try await conn.query("SELECT pg_advisory_xact_lock(\(PostgresRowStore.pushLock))", logger: hub.logger)
            var checks: [String] = []
            for try await (name,) in try await conn.query("""
                SELECT conname::text FROM pg_constraint WHERE conrelid = 'hub.rows'::regclass AND contype = 'c'
                """, logger: hub.logger).decode((String,).self) { checks.append(name) }
            for name in checks {
                try await conn.query(PostgresQuery(unsafeSQL: "ALTER TABLE hub.rows DROP CONSTRAINT \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\""), logger: hub.logger)
            }
            for sql in [
                "ALTER TABLE hub.rows ADD \(coderCheck)",
                "ALTER POLICY coder_insert ON hub.rows WITH CHECK (\(policy))",
                "ALTER POLICY coder_update ON hub.rows USING (\(policy)) WITH CHECK (\(policy))",
                "UPDATE hub.meta SET value = '\(schemaVersion)' WHERE key = 'schema_version'",
            ] { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: hub.logger) }
        }
    }

    /// The schema: created once by `hub init`, in one transaction.
    static func schemaSQL(hubId: String) -> [String] {
        [
            "CREATE SCHEMA hub",
            "REVOKE ALL ON SCHEMA hub FROM PUBLIC",
            "CREATE TABLE hub.meta (key text PRIMARY KEY, value text NOT NULL)",
            """
            CREATE TABLE hub.coders (role name PRIMARY KEY, coder text NOT NULL UNIQUE, unblinded boolean NOT NULL DEFAULT false,
              added_at timestamptz NOT NULL DEFAULT now())
            """,
            "CREATE SEQUENCE hub.version",
            """
            CREATE TABLE hub.rows (kind text NOT NULL, uid text NOT NULL, coder text, excerpt text, grp text, payload text NOT NULL,
              hash text NOT NULL, deleted boolean NOT NULL DEFAULT false, version bigint NOT NULL, PRIMARY KEY (kind, uid),
              \(coderCheck))
            """,
            "CREATE INDEX rows_version ON hub.rows (version)",
            "CREATE INDEX rows_coder ON hub.rows (coder, kind)",
            "CREATE FUNCTION hub.my_coder() RETURNS text LANGUAGE sql STABLE AS $$ SELECT coder FROM hub.coders WHERE role = current_user $$",
            """
            CREATE FUNCTION hub.sees_unblinded() RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT coalesce((SELECT unblinded FROM hub.coders WHERE role = current_user), false) $$
            """,
            """
            CREATE FUNCTION hub.codebook_open() RETURNS boolean LANGUAGE sql STABLE AS
            $$ SELECT coalesce((SELECT value = 'allowed' FROM hub.meta WHERE key = 'codebook_edits'), false) $$
            """,
            "ALTER TABLE hub.rows ENABLE ROW LEVEL SECURITY",
            """
            CREATE POLICY coder_read ON hub.rows FOR SELECT USING (coder IS NULL OR coder = hub.my_coder()
              OR (hub.sees_unblinded() AND coder IN (SELECT c.coder FROM hub.coders c WHERE c.unblinded)))
            """,
            "CREATE POLICY coder_insert ON hub.rows FOR INSERT WITH CHECK (\(policy))",
            "CREATE POLICY coder_update ON hub.rows FOR UPDATE USING (\(policy)) WITH CHECK (\(policy))",
            """
            INSERT INTO hub.meta(key, value) VALUES ('schema_version', '\(schemaVersion)'), ('hub_id', '\(hubId)'),
              ('supervisor', current_user), ('codebook_edits', 'refused'), ('created_at', now()::text)
            """,
        ]
    }

    /// Creates the hub in the database of `address` (as its supervisor) and uploads this project's transcripts,
    /// participants and codebook (what the project file holds; never the key file, never codings); links the project.
    public static func initialise(_ project: Project, at address: HubAddress) async throws -> HubSyncReport {
        if let link = try project.hubLink() { throw HubError.alreadyLinked(path: project.path, url: link.url) }
        return try await HubConnection.with(address) { hub in
            var exists = false
            for try await (n,) in try await hub.run("SELECT count(*)::bigint FROM pg_namespace WHERE nspname = 'hub'").decode((Int64,).self) {
                exists = n > 0
            }
            if exists { throw HubError.hubExists(address: address.display) }
            let hubId = UUID().uuidString.lowercased()
            try await hub.connection.withTransaction(logger: hub.logger) { conn in
                for sql in schemaSQL(hubId: hubId) { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: hub.logger) }
            }
            let info = try await info(hub)
            let local = LocalRowStore(project: project, tracked: info.identity.tracked)
            let report = try await HubSync.push(from: local, to: PostgresRowStore(hub: hub, identity: info.identity), as: info.identity)
            try project.setHubLink(HubLink(url: address.url, hubId: hubId, role: info.role, coder: nil, cursor: 0))
            return report
        }
    }

    /// Makes a PostgreSQL role for a coder (supervisor only) and returns its connection URL with a new password;
    /// the password is not stored anywhere by focuscode.
    public static func addCoder(_ name: String, project: Project, address: HubAddress) async throws -> String {
        guard name.range(of: "^[a-z][a-z0-9_]{0,29}$", options: .regularExpression) != nil, name != "consensus" else {
            throw HubError.invalidCoderName(name)
        }
        return try await withLinkedHub(project, address: address) { hub, info, _ in
            guard info.identity.coder == nil else { throw HubError.notSupervisor(role: info.role) }
            let prefix = hub.address.database.lowercased().replacingOccurrences(of: "[^a-z0-9_]", with: "_", options: .regularExpression)
            let role = String("\(prefix.prefix(30))_\(name)".prefix(63))
            var bytes = [UInt8](repeating: 0, count: 18)
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
            let password = bytes.map { String(format: "%02x", $0) }.joined()
            var taken = false
            for try await (n,) in try await hub.run("SELECT count(*)::bigint FROM hub.coders WHERE coder = \(name) OR role = \(role)").decode((Int64,).self) {
                taken = n > 0
            }
            if taken { throw HubError.server(address: hub.address.display, message: "the coder \(name) exists already") }
            let db = hub.address.database.replacingOccurrences(of: "\"", with: "\"\"")
            try await hub.connection.withTransaction(logger: hub.logger) { conn in
                for sql in [
                    "CREATE ROLE \(role) LOGIN PASSWORD '\(password)'",
                    "GRANT CONNECT ON DATABASE \"\(db)\" TO \(role)",
                    "GRANT USAGE ON SCHEMA hub TO \(role)",
                    "GRANT SELECT ON hub.meta, hub.coders TO \(role)",
                    "GRANT SELECT, INSERT, UPDATE ON hub.rows TO \(role)",
                    "GRANT USAGE ON SEQUENCE hub.version TO \(role)",
                ] { try await conn.query(PostgresQuery(unsafeSQL: sql), logger: hub.logger) }
                try await conn.query("INSERT INTO hub.coders(role, coder) VALUES (\(role), \(name))", logger: hub.logger)
            }
            return hub.address.with(role: role, password: password).urlWithPassword
        }
    }

    /// Creates a new project at `path` from the hub: transcripts, participants, codebook, and what the role may read
    /// of the coders' work. The file is removed again if anything fails.
    public static func clone(_ address: HubAddress, to path: String) async throws -> HubSyncReport {
        if FileManager.default.fileExists(atPath: path) { throw ProjectError.projectExists(path: path) }
        let hub = try await HubConnection.connect(address)
        do {
            let info = try await hub.untilDropped { try await Self.info(hub) }
            let project = try Project.create(at: path)
            do {
                try project.setHubLink(HubLink(url: address.url, hubId: info.hubId, role: info.role, coder: info.identity.coder, cursor: 0))
                let local = LocalRowStore(project: project, tracked: info.identity.tracked)
                let report = try await hub.untilDropped {
                    try await HubSync.pull(from: PostgresRowStore(hub: hub, identity: info.identity), into: local, cursor: 0)
                }
                await hub.close()
                return report
            } catch {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                throw error
            }
        } catch {
            await hub.close()
            throw HubConnection.map(error, address: address)
        }
    }

    /// The address to use for a linked project: `override` (e.g. a moved server, or a URL with the password), else
    /// the stored one with the password from `$PGPASSWORD`.
    public static func address(for project: Project, override: String?) throws -> HubAddress {
        guard let link = try project.hubLink() else { throw HubError.notLinked(path: project.path) }
        return try HubAddress(parsing: override ?? link.url)
    }

    /// Connects for a linked project and checks it is this hub's and this role's.
    static func withLinkedHub<T: Sendable>(_ project: Project, address: HubAddress,
                                           _ body: @escaping @Sendable (HubConnection, Info, HubLink) async throws -> T) async throws -> T {
        guard let link = try project.hubLink() else { throw HubError.notLinked(path: project.path) }
        return try await HubConnection.with(address) { hub in
            let info = try await info(hub)
            guard info.hubId == link.hubId else { throw HubError.otherHub(path: project.path, url: address.url) }
            guard info.role == link.role else { throw HubError.notACoder(role: info.role, address: hub.address.display + " for this project (it syncs as \(link.role))") }
            return try await body(hub, info, link)
        }
    }

    /// Sends this project's changes to the hub (one server transaction).
    public static func push(_ project: Project, address: HubAddress, preferLocal: Bool = false) async throws -> HubSyncReport {
        try await withLinkedHub(project, address: address) { hub, info, _ in
            let local = LocalRowStore(project: project, tracked: info.identity.tracked)
            return try await HubSync.push(from: local, to: PostgresRowStore(hub: hub, identity: info.identity), as: info.identity,
                                          preferLocal: preferLocal)
        }
    }

    /// Brings the hub's changes into this project (one local transaction).
    public static func pull(_ project: Project, address: HubAddress, preferHub: Bool = false) async throws -> HubSyncReport {
        try await withLinkedHub(project, address: address) { hub, info, link in
            let local = LocalRowStore(project: project, tracked: info.identity.tracked)
            return try await HubSync.pull(from: PostgresRowStore(hub: hub, identity: info.identity), into: local, cursor: link.cursor,
                                          preferHub: preferHub)
        }
    }

    /// Counts per coder and group (what the role may see; the supervisor sees all): never content.
    public static func status(_ project: Project, address: HubAddress) async throws -> Status {
        try await withLinkedHub(project, address: address) { hub, info, _ in
            var status = Status()
            status.codebookEditsAllowed = info.codebookEditsAllowed
            for try await (name, unblinded) in try await hub.run("SELECT coder, unblinded FROM hub.coders ORDER BY coder").decode((String, Bool).self) {
                status.coders.append((name, unblinded))
            }
            for try await (g, n) in try await hub.run("""
                SELECT grp, count(*)::bigint FROM hub.rows WHERE kind = 'excerpt' AND NOT deleted GROUP BY grp
                """).decode((String?, Int64).self) { status.excerptsPerGroup[g ?? ""] = Int(n) }
            var lines: [String: Status.Line] = [:]
            for try await (coder, g, kind, n) in try await hub.run("""
                SELECT coder, coalesce(grp, ''), kind, count(*)::bigint FROM hub.rows
                WHERE kind IN ('passage', 'review') AND NOT deleted GROUP BY 1, 2, 3
                """).decode((String, String, String, Int64).self) {
                var line = lines["\(coder)\u{1F}\(g)"] ?? Status.Line(coder: coder, group: g, reviewed: 0, passages: 0)
                if kind == "review" { line.reviewed = Int(n) } else { line.passages = Int(n) }
                lines["\(coder)\u{1F}\(g)"] = line
            }
            status.lines = lines.values.sorted { ($0.coder, $0.group) < ($1.coder, $1.group) }
            return status
        }
    }

    /// Lets these coders see each other's work (and the supervisor's pull bring it); supervisor only.
    public static func unblind(_ coders: [String], project: Project, address: HubAddress) async throws {
        try await withLinkedHub(project, address: address) { hub, info, _ in
            guard info.identity.coder == nil else { throw HubError.notSupervisor(role: info.role) }
            var known = Set<String>()
            for try await (c,) in try await hub.run("SELECT coder FROM hub.coders").decode((String,).self) { known.insert(c) }
            let unknown = coders.filter { !known.contains($0) }
            if !unknown.isEmpty { throw HubError.unknownCoders(unknown) }
            try await hub.connection.withTransaction(logger: hub.logger) { conn in
                try await conn.query("SELECT pg_advisory_xact_lock(\(PostgresRowStore.pushLock))", logger: hub.logger)
                try await conn.query("UPDATE hub.coders SET unblinded = true WHERE coder = ANY(\(coders)::text[])", logger: hub.logger)
                // New versions, so that every pull cursor reaches the rows that just became visible.
                try await conn.query("UPDATE hub.rows SET version = nextval('hub.version') WHERE coder = ANY(\(coders)::text[])", logger: hub.logger)
            }
        }
    }

    /// Allows (or refuses again) coders' codebook edits at push; supervisor only.
    public static func setCodebookEdits(allowed: Bool, project: Project, address: HubAddress) async throws {
        try await withLinkedHub(project, address: address) { hub, info, _ in
            guard info.identity.coder == nil else { throw HubError.notSupervisor(role: info.role) }
            let value = allowed ? "allowed" : "refused"
            try await hub.run("UPDATE hub.meta SET value = \(value) WHERE key = 'codebook_edits'")
        }
    }
}

import FocusCodeHub
import Foundation

/// The hub tests' PostgreSQL: one throw-away cluster per test process (`LocalPostgres`, the same one that
/// `focuscode demo --hub` starts), with the supervisor's role `lead`, stopped and removed when the process exits.
public final class TestPostgres: @unchecked Sendable {
    /// The supervisor's role in every test hub: may create roles, owns the test databases.
    public static let lead = "lead"
    public static let leadPassword = "lead-pw-\(UUID().uuidString.prefix(8))"

    public let server: LocalPostgres
    public var port: Int { server.port }
    public var root: URL { server.root }
    var dataDir: URL { server.dataDir }
    static var binaries: String { LocalPostgres.binaries ?? "/usr/lib/postgresql/15/bin" }

    private init(server: LocalPostgres) { self.server = server }

    nonisolated(unsafe) private static var started: Result<TestPostgres, any Error>?
    nonisolated(unsafe) private static var runningForExit: LocalPostgres?
    private static let lock = NSLock()

    /// The cluster of this test process, started on first use. Fails (never skips) when PostgreSQL is missing.
    public static func shared() throws -> TestPostgres {
        lock.lock()
        defer { lock.unlock() }
        if let started { return try started.get() }
        let result = Result {
            guard LocalPostgres.binaries != nil else {
                throw TestPostgresError("\(LocalPostgres.installHint); .ci/run installs it, or run .ci/postgres.sh")
            }
            let server = try LocalPostgres.start(role: lead, password: leadPassword)
            runningForExit = server
            atexit { TestPostgres.runningForExit?.stop() }
            return TestPostgres(server: server)
        }
        started = result
        return try result.get()
    }

    /// Restarts the cluster as a crash would (see `LocalPostgres.restart`).
    public func restart() throws { try server.restart(crash: true) }

    /// A port nothing listens on now.
    public static func freePort() -> Int { LocalPostgres.freePort() }

    /// Runs SQL as the cluster's superuser over its Unix socket; returns psql's unaligned output.
    @discardableResult
    public func admin(_ sql: String, database: String = "postgres") throws -> String { try server.admin(sql, database: database) }

    @discardableResult
    func tool(_ name: String, _ args: [String], check: Bool = true, binary: String? = nil) throws -> LocalPostgres.ToolResult {
        try server.tool(name, args, check: check, binary: binary)
    }

    /// Runs SQL with plain `psql` over TCP as `role` (password authentication), as a coder could.
    public func psql(_ sql: String, database: String, role: String, password: String) throws -> BinaryResult {
        try runBinary(["-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql, "postgresql://\(role)@127.0.0.1:\(port)/\(database)"], in: root,
                      environment: ["PGPASSWORD": password], executable: URL(fileURLWithPath: "\(Self.binaries)/psql"))
    }

    /// Turns TLS on (a self-signed certificate made with `openssl req`) or off, and reloads the server.
    public func setTLS(_ on: Bool) throws {
        if on {
            let crt = dataDir.appendingPathComponent("server.crt").path, key = dataDir.appendingPathComponent("server.key").path
            if !FileManager.default.fileExists(atPath: crt) {
                try tool("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt, "-days", "2", "-subj", "/CN=localhost"],
                         binary: "/usr/bin/openssl")
            }
        }
        try admin("ALTER SYSTEM SET ssl = \(on ? "on" : "off")")
        try admin("SELECT pg_reload_conf()")
        Thread.sleep(forTimeInterval: 0.3)
    }

    /// Makes the server refuse connections of `role` that do not use TLS (a `hostnossl … reject` line).
    public func requireTLS(for role: String) throws {
        let hba = dataDir.appendingPathComponent("pg_hba.conf")
        let text = try String(contentsOf: hba, encoding: .utf8)
        try ("hostnossl all \(role) 127.0.0.1/32 reject\n" + text).write(to: hba, atomically: false, encoding: .utf8)
        try admin("SELECT pg_reload_conf()")
        Thread.sleep(forTimeInterval: 0.3)
    }

    /// A new empty database owned by the lead role; returns its name.
    public func newDatabase() throws -> String {
        let name = "hub_\(UUID().uuidString.prefix(8).lowercased())"
        try admin("CREATE DATABASE \(name) OWNER \(Self.lead)")
        return name
    }

    /// The supervisor's URL for a database (password included).
    public func leadURL(_ database: String) -> String {
        "postgresql://\(Self.lead):\(Self.leadPassword)@127.0.0.1:\(port)/\(database)"
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}

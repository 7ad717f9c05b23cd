import Foundation

/// A throw-away PostgreSQL 15 cluster for the hub tests: `initdb` into a temporary folder, started once per test
/// process on a free loopback port with password (SCRAM) authentication over TCP and trust on its own Unix socket
/// (for the tests' administration), and stopped when the process exits. As root, the server runs as `postgres`.
public final class TestPostgres: @unchecked Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"
    /// The supervisor's role in every test hub: may create roles, owns the test databases.
    public static let lead = "lead"
    public static let leadPassword = "lead-pw-\(UUID().uuidString.prefix(8))"

    public let port: Int
    public let root: URL
    var socketDir: URL { root.appendingPathComponent("sock") }
    var dataDir: URL { root.appendingPathComponent("data") }

    private init(port: Int, root: URL) {
        self.port = port
        self.root = root
    }

    nonisolated(unsafe) private static var started: Result<TestPostgres, any Error>?
    private static let lock = NSLock()

    /// The cluster of this test process, started on first use. Fails (never skips) when PostgreSQL is missing.
    public static func shared() throws -> TestPostgres {
        lock.lock()
        defer { lock.unlock() }
        if let started { return try started.get() }
        let result = Result { try start() }
        started = result
        return try result.get()
    }

    static var asRoot: Bool { getuid() == 0 }

    /// Runs a PostgreSQL program (as `postgres` when we are root).
    @discardableResult
    func tool(_ name: String, _ args: [String], check: Bool = true, binary: String? = nil) throws -> BinaryResult {
        let path = binary ?? "\(Self.binaries)/\(name)"
        let result: BinaryResult
        if Self.asRoot {
            result = try Self.runToFiles(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "postgres", "--", path] + args, in: root)
        } else {
            result = try Self.runToFiles(URL(fileURLWithPath: path), args, in: root)
        }
        if check && result.status != 0 {
            throw TestPostgresError("\(name) \(args.joined(separator: " ")) failed (\(result.status)): \(result.stderr)\(result.stdout)")
        }
        return result
    }

    /// Runs a program with its output in files, not pipes: `pg_ctl start` leaves a server running that must not
    /// hold our pipe open (reading it to the end would wait for the server to stop).
    static func runToFiles(_ executable: URL, _ args: [String], in dir: URL) throws -> BinaryResult {
        let out = URL(fileURLWithPath: "/tmp/fc-pg-out-\(UUID().uuidString)"), err = URL(fileURLWithPath: "/tmp/fc-pg-err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        // posix_spawn and waitpid: Foundation's Process did not notice runuser's end once pg_ctl had left a server behind.
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_TRUNC, 0o644)
        let argv = ([executable.path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(dir.path)
        let rc = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        FileManager.default.changeCurrentDirectoryPath(previous)
        guard rc == 0 else { throw TestPostgresError("cannot start \(executable.path): \(rc)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return BinaryResult(status: exitStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    static func start() throws -> TestPostgres {
        guard FileManager.default.isExecutableFile(atPath: "\(binaries)/initdb") else {
            throw TestPostgresError("PostgreSQL 15 is not installed (\(binaries)/initdb missing); .ci/run installs it (apt-get install postgresql), or run .ci/postgres.sh")
        }
        let root = URL(fileURLWithPath: "/tmp").appendingPathComponent("fc-pg-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sock"), withIntermediateDirectories: true)
        if asRoot {
            _ = try runBinary(["-R", "postgres:postgres", root.path], in: URL(fileURLWithPath: "/tmp"), executable: URL(fileURLWithPath: "/bin/chown"))
        }
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = freePort()
            let server = TestPostgres(port: port, root: root)
            do {
                if !FileManager.default.fileExists(atPath: server.dataDir.path) {
                    let pwfile = root.appendingPathComponent("pw")
                    try "postgres-\(UUID().uuidString)\n".write(to: pwfile, atomically: true, encoding: .utf8)
                    if asRoot { _ = try runBinary(["postgres:postgres", pwfile.path], in: root, executable: URL(fileURLWithPath: "/bin/chown")) }
                    try server.tool("initdb", ["-D", server.dataDir.path, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                                               "--pwfile=\(pwfile.path)", "-E", "UTF8", "--locale=C"])
                    // Keep the cluster small and quick: tests need little memory and no durability.
                    try "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\nmax_connections = 60\n"
                        .appendLine(to: server.dataDir.appendingPathComponent("postgresql.conf"))
                }
                try server.tool("pg_ctl", ["-D", server.dataDir.path, "-l", root.appendingPathComponent("log").path, "-w", "-t", "30",
                                           "-o", "-p \(port) -k \(server.socketDir.path) -c listen_addresses=127.0.0.1", "start"])
                Self.dataDirForExit = server.dataDir.path
                atexit {
                    guard let data = TestPostgres.dataDirForExit else { return }
                    let args = ["-D", data, "-m", "immediate", "-w", "stop"]
                    let p = Process()
                    if getuid() == 0 {
                        p.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
                        p.arguments = ["-u", "postgres", "--", "\(TestPostgres.binaries)/pg_ctl"] + args
                    } else {
                        p.executableURL = URL(fileURLWithPath: "\(TestPostgres.binaries)/pg_ctl")
                        p.arguments = args
                    }
                    p.standardOutput = FileHandle.nullDevice
                    p.standardError = FileHandle.nullDevice
                    try? p.run()
                    p.waitUntilExit()
                    try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent)
                }
                try server.admin("CREATE ROLE \(lead) LOGIN CREATEROLE PASSWORD '\(leadPassword)'")
                return server
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    nonisolated(unsafe) static var dataDirForExit: String?

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Runs SQL as the cluster's superuser over its Unix socket; returns psql's unaligned output.
    @discardableResult
    public func admin(_ sql: String, database: String = "postgres") throws -> String {
        try tool("psql", ["-h", socketDir.path, "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-At", "-c", sql]).stdout
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

extension String {
    func appendLine(to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(self.utf8))
    }
}

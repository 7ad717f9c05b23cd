import Foundation

/// A throw-away PostgreSQL cluster: `initdb` into a new temporary folder, started with `pg_ctl` on a free loopback
/// port with password (SCRAM) authentication over TCP and trust on its own Unix socket (for administration), and
/// removed by `stop()`. As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
/// `focuscode demo --hub` shows a hub on one; the hub tests start one per test process.
public final class LocalPostgres: @unchecked Sendable {
    /// The folder of PostgreSQL's programs: `$FOCUSCODE_PG_BIN` when set (and nothing else then), else Debian's
    /// `/usr/lib/postgresql/N/bin` (newest first), else the folder of `initdb` on `PATH`. `nil` when not installed.
    public static let binaries: String? = {
        if let chosen = ProcessInfo.processInfo.environment["FOCUSCODE_PG_BIN"] {
            return FileManager.default.isExecutableFile(atPath: "\(chosen)/initdb") ? chosen : nil
        }
        let debian = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(debian)/\(version)/bin/initdb") {
            return "\(debian)/\(version)/bin"
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        where FileManager.default.isExecutableFile(atPath: "\(dir)/initdb") && FileManager.default.isExecutableFile(atPath: "\(dir)/pg_ctl") {
            return dir
        }
        return nil
    }()

    /// What to do when PostgreSQL is missing.
    public static let installHint = "PostgreSQL is not installed (no initdb in $FOCUSCODE_PG_BIN, /usr/lib/postgresql/*/bin or on PATH); "
        + "install it with 'sudo apt-get install postgresql' (Debian, Ubuntu) or 'brew install postgresql@15' (macOS), "
        + "or set FOCUSCODE_PG_BIN to the folder that holds initdb, then try again"

    public let port: Int
    public let root: URL
    public let binaries: String
    public var socketDir: URL { root.appendingPathComponent("sock") }
    public var dataDir: URL { root.appendingPathComponent("data") }
    private let stopLock = NSLock()
    private var stopped = false

    private init(port: Int, root: URL, binaries: String) {
        self.port = port
        self.root = root
        self.binaries = binaries
    }

    static var asRoot: Bool { getuid() == 0 }

    /// Starts a new cluster with one login role, `role`, that may create roles (a hub's supervisor).
    /// `quick` turns durability off (fsync, synchronous commit, full-page writes): for tests and demos only.
    public static func start(role: String, password: String, quick: Bool = true) throws -> LocalPostgres {
        guard let binaries else { throw LocalPostgresError(installHint) }
        let root = URL(fileURLWithPath: "/tmp").appendingPathComponent("fc-pg-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sock"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        if asRoot {
            _ = try runToFiles(URL(fileURLWithPath: "/bin/chown"), ["-R", "postgres:postgres", root.path], in: URL(fileURLWithPath: "/tmp"))
        }
        var lastError: (any Error)?
        for _ in 0..<5 {
            let server = LocalPostgres(port: freePort(), root: root, binaries: binaries)
            do {
                if !FileManager.default.fileExists(atPath: server.dataDir.path) {
                    let pwfile = root.appendingPathComponent("pw")
                    try "postgres-\(UUID().uuidString)\n".write(to: pwfile, atomically: true, encoding: .utf8)
                    if asRoot { _ = try runToFiles(URL(fileURLWithPath: "/bin/chown"), ["postgres:postgres", pwfile.path], in: root) }
                    try server.tool("initdb", ["-D", server.dataDir.path, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                                               "--pwfile=\(pwfile.path)", "-E", "UTF8", "--locale=C"])
                    try? FileManager.default.removeItem(at: pwfile)
                    var settings = "shared_buffers = 32MB\nmax_connections = 60\n"
                    if quick { settings += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" }
                    try appendLine(settings, to: server.dataDir.appendingPathComponent("postgresql.conf"))
                }
                try server.tool("pg_ctl", ["-D", server.dataDir.path, "-l", root.appendingPathComponent("log").path, "-w", "-t", "30",
                                           "-o", "-p \(server.port) -k \(server.socketDir.path) -c listen_addresses=127.0.0.1", "start"])
                try server.admin("CREATE ROLE \(role) LOGIN CREATEROLE PASSWORD '\(password.replacingOccurrences(of: "'", with: "''"))'")
                return server
            } catch {
                lastError = error      // most likely the port was taken between choosing and binding it: try another
            }
        }
        try? FileManager.default.removeItem(at: root)
        throw lastError!
    }

    /// Restarts the server on the same port. `crash`: stops it the way a power cut or kill -9 would (`-m immediate`,
    /// then crash recovery on start) instead of letting it finish what it is doing.
    public func restart(crash: Bool = true) throws {
        try tool("pg_ctl", ["-D", dataDir.path, "-l", root.appendingPathComponent("log").path, "-w", "-t", "60", "-m", crash ? "immediate" : "fast",
                            "-o", "-p \(port) -k \(socketDir.path) -c listen_addresses=127.0.0.1", "restart"])
    }

    /// Stops the server at once and removes its folder (safe to call twice).
    public func stop() {
        stopLock.lock()
        defer { stopLock.unlock() }
        guard !stopped else { return }
        stopped = true
        _ = try? tool("pg_ctl", ["-D", dataDir.path, "-m", "immediate", "-w", "stop"], check: false)
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs SQL as the cluster's superuser over its Unix socket; returns psql's unaligned output.
    @discardableResult
    public func admin(_ sql: String, database: String = "postgres") throws -> String {
        try tool("psql", ["-h", socketDir.path, "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-X", "-At", "-c", sql]).stdout
    }

    /// Runs one of PostgreSQL's programs (or `binary`), as `postgres` when we are root.
    @discardableResult
    public func tool(_ name: String, _ args: [String], check: Bool = true, binary: String? = nil) throws -> ToolResult {
        let path = binary ?? "\(binaries)/\(name)"
        let result = Self.asRoot
            ? try Self.runToFiles(URL(fileURLWithPath: "/usr/sbin/runuser"), ["-u", "postgres", "--", path] + args, in: root)
            : try Self.runToFiles(URL(fileURLWithPath: path), args, in: root)
        if check && result.status != 0 {
            throw LocalPostgresError("\(name) \(args.first ?? "") failed (exit \(result.status)): \(result.stderr)\(result.stdout)")
        }
        return result
    }

    /// A program's exit status and output.
    public struct ToolResult: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs a program with its output in files, not pipes: `pg_ctl start` leaves a server running that must not
    /// hold our pipe open (reading it to the end would wait for the server to stop).
    /// Runs SQL with plain `psql` over TCP as a role of `url` (no password in it), the password in the environment
    /// only (never in the arguments, which every user of the machine can list); as this user, not `postgres`.
    public func psql(_ sql: String, url: String, password: String?) throws -> ToolResult {
        let result = try Self.runToFiles(URL(fileURLWithPath: "\(binaries)/psql"), ["-X", "-At", "-c", sql, url], in: root,
                                         environment: password.map { ["PGPASSWORD": $0] } ?? [:])
        if result.status != 0 { throw LocalPostgresError("psql failed (exit \(result.status)): \(result.stderr)") }
        return result
    }

    public static func runToFiles(_ executable: URL, _ args: [String], in dir: URL, environment: [String: String] = [:]) throws -> ToolResult {
        let out = URL(fileURLWithPath: "/tmp/fc-pg-out-\(UUID().uuidString)"), err = URL(fileURLWithPath: "/tmp/fc-pg-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        // posix_spawn and waitpid: Foundation's Process did not notice runuser's end once pg_ctl had left a server behind.
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_TRUNC, 0o600)
        let argv = ([executable.path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(dir.path)
        var envp: [UnsafeMutablePointer<CChar>?] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if environment[name] == nil { envp.append(strdup(entry)) }
            index += 1
        }
        for (name, value) in environment { envp.append(strdup("\(name)=\(value)")) }
        envp.append(nil)
        defer { for e in envp { free(e) } }
        let rc = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        _ = FileManager.default.changeCurrentDirectoryPath(previous)
        guard rc == 0 else { throw LocalPostgresError("cannot start \(executable.path): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ToolResult(status: exitStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

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

    static func appendLine(_ text: String, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

/// A throw-away cluster could not be started or used; the text says why and what to do.
public struct LocalPostgresError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

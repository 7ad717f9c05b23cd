import FocusCodeKit
import Foundation
import PostgresNIO

/// A hub's address: `postgresql://ROLE[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]`.
public struct HubAddress: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var database: String
    public var role: String
    public var password: String?
    public var sslmode: String

    /// Parses a URL; the password, when the URL has none, comes from `$PGPASSWORD`.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let c = URLComponents(string: text), let scheme = c.scheme, ["postgresql", "postgres"].contains(scheme) else {
            throw HubError.invalidURL(Self.redacted(text), reason: "it does not start with postgresql://")
        }
        guard let host = c.host, !host.isEmpty else { throw HubError.invalidURL(Self.redacted(text), reason: "no host") }
        guard let user = c.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw HubError.invalidURL(Self.redacted(text), reason: "no role (postgresql://ROLE@HOST/DATABASE)")
        }
        let db = String(c.path.drop(while: { $0 == "/" }))
        guard !db.isEmpty, !db.contains("/") else { throw HubError.invalidURL(Self.redacted(text), reason: "no database name") }
        self.host = host
        self.port = c.port ?? 5432
        self.database = db
        self.role = user
        self.password = c.percentEncodedPassword?.removingPercentEncoding ?? environment["PGPASSWORD"]
        let mode = c.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(mode) else {
            throw HubError.invalidURL(Self.redacted(text), reason: "sslmode must be disable, prefer, require, verify-ca or verify-full")
        }
        self.sslmode = mode
    }

    /// The address as stored and shown: never the password.
    public var url: String {
        "postgresql://\(role)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" + (sslmode == "prefer" ? "" : "?sslmode=\(sslmode)")
    }

    /// The address with another role (and password), e.g. a new coder's.
    public func with(role: String, password: String?) -> HubAddress {
        var a = self
        a.role = role
        a.password = password
        return a
    }

    public var urlWithPassword: String {
        guard let password else { return url }
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return url.replacingOccurrences(of: "postgresql://\(role)@", with: "postgresql://\(role):\(encoded)@")
    }

    var display: String { "\(host):\(port)/\(database)" }

    static func redacted(_ text: String) -> String {
        guard var c = URLComponents(string: text), c.password != nil else { return text }
        c.password = "***"
        return c.string ?? text
    }
}

/// One connection to the hub, with PostgreSQL's failures turned into `HubError`s.
public final class HubConnection: Sendable {
    public let address: HubAddress
    let connection: PostgresConnection
    let logger: Logger

    init(address: HubAddress, connection: PostgresConnection, logger: Logger) {
        self.address = address
        self.connection = connection
        self.logger = logger
    }

    static let idCounter = ManagedCounter()

    /// Connects (TLS as `sslmode` asks: `require` refuses a server without TLS).
    public static func connect(_ address: HubAddress) async throws -> HubConnection {
        var logger = Logger(label: "focuscode.hub")
        logger.logLevel = .critical
        let tls: PostgresConnection.Configuration.TLS
        switch address.sslmode {
        case "disable", "allow":
            tls = .disable
        case "prefer", "require":
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none   // libpq's prefer/require: encrypted, the certificate not checked
            let context = try NIOSSLContext(configuration: config)
            tls = address.sslmode == "require" ? .require(context) : .prefer(context)
        default:
            let context = try NIOSSLContext(configuration: .makeClientConfiguration())
            tls = .require(context)
        }
        var configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.role,
                                                             password: address.password, database: address.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: idCounter.next(), logger: logger)
            return HubConnection(address: address, connection: connection, logger: logger)
        } catch {
            throw map(error, address: address)
        }
    }

    public func close() async {
        if !connection.isClosed { try? await connection.close() }
    }

    /// Runs `body` on this connection and closes it afterwards.
    public static func with<T: Sendable>(_ address: HubAddress, _ body: @escaping @Sendable (HubConnection) async throws -> T) async throws -> T {
        let hub = try await connect(address)
        do {
            let value = try await hub.untilDropped { try await body(hub) }
            await hub.close()
            return value
        } catch {
            await hub.close()
            throw map(error, address: address)
        }
    }

    /// Runs `work`, but ends with "the server closed the connection" when the connection goes away under it (a server
    /// restart or crash, a dropped network): PostgresNIO can leave a query waiting for ever on a closed connection.
    /// The server rolls back whatever transaction was open, so the hub has all of the work or none of it.
    func untilDropped<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = ResumeOnce<T>()
        let display = address.display
        let eventLoop = connection.eventLoop
        return try await withCheckedThrowingContinuation { continuation in
            once.set(continuation)
            let task = Task {
                do { once.resume(.success(try await work())) } catch { once.resume(.failure(error)) }
            }
            connection.closeFuture.whenComplete { _ in
                // A moment for the work to fail with PostgreSQL's own error first.
                eventLoop.scheduleTask(in: .milliseconds(300)) {
                    once.resume(.failure(HubError.unreachable(address: display, reason: "the server closed the connection")))
                    task.cancel()
                }
            }
        }
    }

    @discardableResult
    func run(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        do { return try await connection.query(query, logger: logger) } catch { throw Self.map(error, address: address) }
    }

    func execute(_ sql: String) async throws {
        try await run(PostgresQuery(unsafeSQL: sql))
    }

    /// PostgreSQL and network failures as one-line hub errors.
    static func map(_ error: any Error, address: HubAddress) -> any Error {
        if error is HubError { return error }
        if let tx = error as? PostgresTransactionError {
            if let e = tx.closureError { return map(e, address: address) }
            if let e = tx.beginError { return map(e, address: address) }
            if let e = tx.commitError { return map(e, address: address) }
        }
        guard let psql = error as? PSQLError else {
            return HubError.unreachable(address: address.display, reason: "\(error)")
        }
        if let state = psql.serverInfo?[.sqlState] {
            let message = psql.serverInfo?[.message] ?? "error \(state)"
            switch state {
            case "28P01": return HubError.wrongPassword(role: address.role, address: address.display)
            case "28000": return HubError.notACoder(role: address.role, address: address.display)
            case "3D000": return HubError.noHub(address: address.display)
            case "42P01", "3F000": return HubError.noHub(address: address.display)
            case "42501":
                if message.contains("row-level security") { return HubError.server(address: address.display, message: message) }
                return HubError.notACoder(role: address.role, address: address.display)
            default: return HubError.server(address: address.display, message: message)
            }
        }
        switch psql.code {
        case .authMechanismRequiresPassword:
            return HubError.wrongPassword(role: address.role, address: address.display)
        case .sslUnsupported:
            return HubError.unreachable(address: address.display, reason: "the server does not offer TLS, and the URL says sslmode=require")
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            let underlying = psql.underlying.map { "\($0)" } ?? "the connection failed"
            let reason = underlying.lowercased().contains("refused") ? "connection refused (is the server running?)" : underlying
            return HubError.unreachable(address: address.display, reason: reason)
        default:
            return HubError.unreachable(address: address.display, reason: "\(psql.code)")
        }
    }
}

/// Connection ids for PostgresNIO's logs.
final class ManagedCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// A continuation resumed by whichever comes first: the work's result or the connection's end.
final class ResumeOnce<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var early: Result<T, any Error>?

    func set(_ c: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let early {
            lock.unlock()
            c.resume(with: early)
            return
        }
        continuation = c
        lock.unlock()
    }

    func resume(_ result: Result<T, any Error>) {
        lock.lock()
        guard let c = continuation else {
            if early == nil { early = result }
            lock.unlock()
            return
        }
        continuation = nil
        early = result   // anything later is ignored
        lock.unlock()
        c.resume(with: result)
    }
}

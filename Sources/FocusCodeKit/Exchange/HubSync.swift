import Foundation

/// What a synced row is. The order is the order rows are applied in (a passage needs its excerpt and code).
public enum SyncKind: String, Sendable, CaseIterable, Codable, Comparable {
    case group, document, participant, excerpt, code, passage, review, memo

    var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: SyncKind, b: SyncKind) -> Bool { a.order < b.order }

    /// Rows a coder writes (each with its own coder); the rest is the supervisor's. A memo's coder is its author
    /// (none: a memo of the supervisor's that every coder reads).
    public var isCoderWork: Bool { self == .passage || self == .review || self == .memo }
}

/// One row as the team hub and a local project exchange it: a stable ID, the coder it belongs to (for coder work),
/// the excerpt and group it is about (so the server can count without reading payloads), and its content as
/// canonical JSON. A deleted row travels as a tombstone.
public struct SyncRow: Sendable, Equatable {
    public var kind: SyncKind
    public var uid: String
    public var coder: String?
    public var excerpt: String?
    public var group: String?
    /// Canonical JSON (sorted keys) of the row's content; empty for a tombstone.
    public var payload: String
    public var deleted: Bool
    /// The hub's version of this row: as stored on the sending side (server), or last synced (local).
    public var version: Int64
    /// For a row being pushed: the hub version it was last synced at (0 when it never was).
    public var base: Int64
    /// For a row being pushed: its content hash at that last sync (nil when it never was). A hub row that has a newer
    /// version but still this content was not changed there (unblinding renumbers rows without changing them).
    public var baseHash: String?

    public init(kind: SyncKind, uid: String, coder: String?, excerpt: String?, group: String?, payload: String,
                deleted: Bool = false, version: Int64 = 0, base: Int64 = 0, baseHash: String? = nil) {
        self.kind = kind
        self.uid = uid
        self.coder = coder
        self.excerpt = excerpt
        self.group = group
        self.payload = payload
        self.deleted = deleted
        self.version = version
        self.base = base
        self.baseHash = baseHash
    }

    /// The content's hash: what "the same row" means on both sides.
    public var hash: String { SyncRow.hash(kind: kind, coder: coder, payload: payload, deleted: deleted) }

    static func hash(kind: SyncKind, coder: String?, payload: String, deleted: Bool) -> String {
        deleted ? "deleted" : Digest.sha256Hex(Data("\(kind.rawValue)\u{1F}\(coder ?? "")\u{1F}\(payload)".utf8))
    }

    public var key: SyncKey { SyncKey(kind: kind, uid: uid) }
}

/// A row's identity on both sides.
public struct SyncKey: Sendable, Hashable, CustomStringConvertible {
    public var kind: SyncKind
    public var uid: String
    public init(kind: SyncKind, uid: String) {
        self.kind = kind
        self.uid = uid
    }
    public var description: String { "\(kind.rawValue) \(uid)" }
}

/// How a receiving store holds a row now: its content hash, its hub version, and whether it changed on this side
/// since the version the sender last saw (server: its version is not the sender's base; local: its content is
/// not what was last synced).
public struct SyncState: Sendable, Equatable {
    public var hash: String
    public var version: Int64
    public var changedSinceBase: Bool
    public init(hash: String, version: Int64, changedSinceBase: Bool) {
        self.hash = hash
        self.version = version
        self.changedSinceBase = changedSinceBase
    }
}

/// The same row changed in two places since they last agreed: listed, never resolved silently.
public struct SyncConflict: Sendable, Equatable, CustomStringConvertible {
    public var key: SyncKey
    public var coder: String?
    public var excerpt: String?
    public var description: String {
        "\(key.kind.rawValue) \(key.uid)" + (excerpt.map { " on \($0)" } ?? "") + (coder.map { " by \($0)" } ?? "")
    }
}

/// What applying a batch of rows to a store decided, row by row. The one place the sync rules live; both row
/// stores (the local SQLite project and the PostgreSQL hub) apply rows by asking it.
public struct SyncPlan: Sendable {
    /// Rows to write, in apply order.
    public var writes: [SyncRow] = []
    /// Rows the store already holds with the same content (applying them again changes nothing).
    public var same: [SyncRow] = []
    public var conflicts: [SyncConflict] = []

    /// Decides each incoming row against the store's state of it: new → write; same content → nothing;
    /// changed on the receiving side since the sender's base and different → conflict; else → write.
    public static func make(_ incoming: [SyncRow], states: [SyncKey: SyncState], overwrite: Bool = false) -> SyncPlan {
        var plan = SyncPlan()
        for row in incoming {
            guard let state = states[row.key] else {
                plan.writes.append(row)
                continue
            }
            if state.hash == row.hash {
                var same = row
                same.version = state.version
                plan.same.append(same)
            } else if state.changedSinceBase && !overwrite {
                plan.conflicts.append(SyncConflict(key: row.key, coder: row.coder, excerpt: row.excerpt))
            } else {
                plan.writes.append(row)
            }
        }
        plan.writes = order(plan.writes)
        return plan
    }

    /// Apply order: by kind (groups before their excerpts, codes before passages), parents before child codes,
    /// tombstones last.
    static func order(_ rows: [SyncRow]) -> [SyncRow] {
        let live = rows.filter { !$0.deleted }, dead = rows.filter(\.deleted)
        var sorted = live.enumerated().sorted { a, b in a.element.kind == b.element.kind ? a.offset < b.offset : a.element.kind < b.element.kind }
            .map(\.element)
        // Codes: a parent in the same batch goes first.
        let codes = sorted.filter { $0.kind == .code }
        if codes.count > 1 {
            var parentOf: [String: String] = [:]
            for c in codes { if let p = (try? JSONDecoder().decode(HubCode.self, from: Data(c.payload.utf8)))?.parent { parentOf[c.uid] = p } }
            func depth(_ uid: String) -> Int {
                var d = 0, cur = uid
                while let p = parentOf[cur], d < 64 { d += 1; cur = p }
                return d
            }
            let byDepth = codes.enumerated().sorted { (depth($0.element.uid), $0.offset) < (depth($1.element.uid), $1.offset) }.map(\.element)
            var i = 0
            sorted = sorted.map { row in
                guard row.kind == .code else { return row }
                defer { i += 1 }
                return byDepth[i]
            }
        }
        return sorted + dead.sorted { $0.kind > $1.kind }
    }
}

/// What a store did with a batch.
public struct SyncApplyResult: Sendable {
    /// Rows written or already held, each with the hub version it now has.
    public var applied: [SyncRow]
    public var written: Int
    public var conflicts: [SyncConflict]
    public init(applied: [SyncRow], written: Int, conflicts: [SyncConflict]) {
        self.applied = applied
        self.written = written
        self.conflicts = conflicts
    }
}

/// The one storage seam of the team hub: a store of sync rows, implemented by the local project (SQLite) and by
/// the hub (PostgreSQL). Push and pull are the same two steps in opposite directions: read the changes of one
/// store, apply them to the other (`SyncPlan` decides), then remember what was synced.
public protocol SyncRowStore: Sendable {
    /// The rows changed since `cursor` (server: a version; local: ignored, changes are against the last sync),
    /// and the cursor to use next time.
    func changes(since cursor: Int64) async throws -> (rows: [SyncRow], cursor: Int64)
    /// Applies rows in one transaction, deciding each with `SyncPlan`: with `.allOrNothing` a conflict writes
    /// nothing and throws `HubError.conflicts`; with `.skipConflicts` conflicting rows are skipped and listed.
    func apply(_ rows: [SyncRow], mode: SyncApplyMode) async throws -> SyncApplyResult
}

/// Who a project syncs as.
public struct HubIdentity: Sendable, Equatable {
    public var role: String
    /// `nil` for the supervisor.
    public var coder: String?
    public var codebookEditsAllowed: Bool
    public init(role: String, coder: String?, codebookEditsAllowed: Bool) {
        self.role = role
        self.coder = coder
        self.codebookEditsAllowed = codebookEditsAllowed
    }

    /// The kinds this identity pushes from its project.
    public var tracked: Set<SyncKind> {
        coder == nil ? [.group, .document, .participant, .excerpt, .code, .memo] : [.passage, .review, .code, .memo]
    }
}

/// What a push or pull did.
public struct HubSyncReport: Sendable, Equatable {
    public var sent = 0
    public var written = 0
    public var unchanged = 0
    public var conflicts: [String] = []
    public var cursor: Int64 = 0
    public init() {}
}

/// Push and pull, written once over two row stores.
public enum HubSync {
    /// Sends this project's changes since the last sync to the hub in one hub transaction (all or nothing),
    /// then remembers them as synced. Refuses (sending nothing) a coder's codebook edits unless allowed, and
    /// rows a coder may not write.
    public static func push(from local: LocalRowStore, to hub: some SyncRowStore, as identity: HubIdentity,
                            preferLocal: Bool = false) async throws -> HubSyncReport {
        var rows = try await local.changes(since: 0).rows
        if let me = identity.coder {
            let foreign = rows.filter { $0.kind.isCoderWork && $0.coder != me }
            if let first = foreign.first {
                throw HubError.notYours(kind: first.kind.rawValue, count: foreign.count,
                                        example: "\(first.kind.rawValue) \(first.uid) by \(first.coder ?? "no one")")
            }
            let codes = rows.filter { $0.kind == .code }
            if !codes.isEmpty && !identity.codebookEditsAllowed {
                let names = codes.map { row in (try? JSONDecoder().decode(HubCode.self, from: Data(row.payload.utf8)))?.name ?? row.uid }
                throw HubError.codebookEdited(codes: names)
            }
        }
        rows = SyncPlan.order(rows)
        var report = HubSyncReport()
        report.sent = rows.count
        guard !rows.isEmpty else { return report }
        let result = try await hub.apply(rows, mode: preferLocal ? .overwrite : .allOrNothing)
        try local.recordSynced(result.applied)
        report.written = result.written
        report.unchanged = result.applied.count - result.written
        return report
    }

    /// Brings the hub's rows changed since this project's cursor (what the hub lets this role read) into the
    /// project in one local transaction; rows changed here too are listed as conflicts and kept as they are here,
    /// unless `preferHub`.
    public static func pull(from hub: some SyncRowStore, into local: LocalRowStore, cursor: Int64,
                            preferHub: Bool = false) async throws -> HubSyncReport {
        let (rows, next) = try await hub.changes(since: preferHub ? 0 : cursor)
        let result = try local.applyNow(rows, mode: preferHub ? .overwrite : .skipConflicts, cursor: next)
        var report = HubSyncReport()
        report.sent = rows.count
        report.written = result.written
        report.unchanged = result.applied.count - result.written
        report.conflicts = result.conflicts.map(\.description)
        report.cursor = next
        return report
    }
}

/// Errors of the team hub, one line each.
public enum HubError: CategorisedError, Equatable {
    case notLinked(path: String)
    case alreadyLinked(path: String, url: String)
    case otherHub(path: String, url: String)
    case conflicts([String])
    case codebookEdited(codes: [String])
    case notYours(kind: String, count: Int, example: String)
    case unreachable(address: String, reason: String)
    case wrongPassword(role: String, address: String)
    case notACoder(role: String, address: String)
    case noHub(address: String)
    case hubExists(address: String)
    case newerHubSchema(address: String, version: Int, known: Int)
    case olderHubSchema(address: String, version: Int, known: Int)
    case notSupervisor(role: String)
    case invalidURL(String, reason: String)
    case invalidCoderName(String)
    case unknownCoders([String])
    case server(address: String, message: String)

    public var category: ErrorCategory {
        switch self {
        case .unreachable, .server: return .io
        case .invalidURL, .invalidCoderName: return .usage
        case .notLinked: return .missingInput
        default: return .badData
        }
    }

    public var errorDescription: String? {
        switch self {
        case .notLinked(let path):
            return "\(path) is not linked to a team hub; make a coder's project with 'focuscode hub clone URL FILE', or link the supervisor's with 'focuscode hub init URL'"
        case .alreadyLinked(let path, let url):
            return "\(path) is already linked to the hub \(url); a project belongs to one hub"
        case .otherHub(let path, let url):
            return "\(path) was not cloned from the hub at \(url) (it belongs to another hub); use the project cloned from it, or 'focuscode hub clone'"
        case .conflicts(let items):
            let shown = items.prefix(5).joined(separator: "; ")
            return "\(items.count) row\(items.count == 1 ? "" : "s") changed both here and on the hub since the last sync: \(shown)\(items.count > 5 ? "; …" : ""); nothing was pushed (pull with --prefer hub to take the hub's version, or push with --prefer local to keep yours)"
        case .codebookEdited(let codes):
            return "the codebook was edited in this project (\(codes.prefix(5).joined(separator: ", "))\(codes.count > 5 ? ", …" : "")); codebook changes are made by the supervisor on the hub, so nothing was pushed — ask the supervisor (or 'focuscode hub allow-codebook-edits'), or undo the change"
        case .notYours(let kind, let count, let example):
            return "\(count) \(kind) row\(count == 1 ? "" : "s") changed here that this coder cannot push (e.g. \(example)); a coder pushes only their own passages, reviews and memos (a memo with another author, or none, is not theirs), so nothing was pushed"
        case .unreachable(let address, let reason):
            return "cannot reach the hub at \(address): \(reason); nothing was changed"
        case .wrongPassword(let role, let address):
            return "the hub at \(address) refused the password for role \(role); give the password printed by 'hub coder add' in the URL or $PGPASSWORD; nothing was changed"
        case .notACoder(let role, let address):
            return "the role \(role) is not a coder of the hub at \(address); the supervisor adds coders with 'focuscode hub coder add NAME'; nothing was changed"
        case .noHub(let address):
            return "there is no FocusCode hub at \(address); the supervisor creates one with 'focuscode hub init URL'"
        case .hubExists(let address):
            return "there is already a FocusCode hub at \(address); use another database, or clone it with 'focuscode hub clone'"
        case .newerHubSchema(let address, let version, let known):
            return "the hub at \(address) has schema version \(version), newer than this focuscode knows (\(known)); update focuscode; nothing was changed"
        case .olderHubSchema(let address, let version, let known):
            return "the hub at \(address) has schema version \(version), older than this focuscode needs (\(known)); the supervisor upgrades it by running any hub command with this focuscode (e.g. 'focuscode hub status'); nothing was changed"
        case .notSupervisor(let role):
            return "only the hub's supervisor can do this, and the role \(role) is not the supervisor"
        case .invalidURL(let url, let reason):
            return "invalid hub URL '\(url)': \(reason) (expected postgresql://ROLE[:PASSWORD]@HOST[:PORT]/DATABASE)"
        case .invalidCoderName(let name):
            return "invalid hub coder name '\(name)': use 1–30 lower-case letters, digits or _, starting with a letter"
        case .unknownCoders(let names):
            return "not coders of this hub: \(names.joined(separator: ", ")); see 'focuscode hub status'"
        case .server(let address, let message):
            return "the hub at \(address) refused the request: \(message); nothing was changed"
        }
    }
}

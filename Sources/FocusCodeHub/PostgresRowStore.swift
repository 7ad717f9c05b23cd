import FocusCodeKit
import Foundation
import PostgresNIO

/// The hub as a sync row store: the table `hub.rows` on PostgreSQL. What a role reads and writes is decided by the
/// server's row-level security, not by this code; the supervisor's pull additionally takes only unblinded coders'
/// work. Every apply is one server transaction, serialised with the other pushes (an advisory lock), so versions
/// are committed in order and a pull's cursor never skips a row.
public struct PostgresRowStore: SyncRowStore {
    public let hub: HubConnection
    public let identity: HubIdentity

    public init(hub: HubConnection, identity: HubIdentity) {
        self.hub = hub
        self.identity = identity
    }

    static let pushLock: Int64 = 7_240_013

    public func changes(since cursor: Int64) async throws -> (rows: [SyncRow], cursor: Int64) {
        let filter = identity.coder == nil ? " AND (coder IS NULL OR coder IN (SELECT c.coder FROM hub.coders c WHERE c.unblinded))" : ""
        var query = PostgresQuery(unsafeSQL: """
            SELECT kind, uid, coder, excerpt, grp, payload, deleted, version FROM hub.rows WHERE version > $1\(filter) ORDER BY version
            """)
        query.binds.append(cursor)
        var rows: [SyncRow] = []
        var next = cursor
        for try await (kind, uid, coder, excerpt, grp, payload, deleted, version) in try await hub.run(query)
            .decode((String, String, String?, String?, String?, String, Bool, Int64).self) {
            next = max(next, version)
            guard let k = SyncKind(rawValue: kind) else { continue }
            rows.append(SyncRow(kind: k, uid: uid, coder: coder, excerpt: excerpt, group: grp, payload: payload, deleted: deleted, version: version))
        }
        return (rows, next)
    }

    public func apply(_ rows: [SyncRow], mode: SyncApplyMode) async throws -> SyncApplyResult {
        let address = hub.address
        do {
            return try await hub.connection.withTransaction(logger: hub.logger) { conn in
                try await conn.query("SELECT pg_advisory_xact_lock(\(Self.pushLock))", logger: hub.logger)
                var states: [SyncKey: SyncState] = [:]
                let bases = Dictionary(rows.map { ($0.key, ($0.base, $0.baseHash)) }, uniquingKeysWith: { a, _ in a })
                for chunk in stride(from: 0, to: rows.count, by: 5000).map({ Array(rows[$0..<min($0 + 5000, rows.count)]) }) {
                    let kinds = chunk.map(\.kind.rawValue), uids = chunk.map(\.uid)
                    let found = try await conn.query("""
                        SELECT r.kind, r.uid, r.version, r.hash FROM hub.rows r
                        JOIN unnest(\(kinds)::text[], \(uids)::text[]) AS k(kind, uid) ON r.kind = k.kind AND r.uid = k.uid
                        """, logger: hub.logger)
                    for try await (kind, uid, version, hash) in found.decode((String, String, Int64, String).self) {
                        guard let k = SyncKind(rawValue: kind) else { continue }
                        let key = SyncKey(kind: k, uid: uid)
                        // Changed here since the sender's last sync: a newer version with other content than the sender saw.
                        let (base, baseHash) = bases[key] ?? (0, nil)
                        states[key] = SyncState(hash: hash, version: version, changedSinceBase: version != base && hash != baseHash)
                    }
                }
                let plan = SyncPlan.make(rows, states: states, overwrite: mode == .overwrite)
                if !plan.conflicts.isEmpty && mode == .allOrNothing {
                    throw HubError.conflicts(plan.conflicts.map(\.description))
                }
                var applied = plan.same
                for chunk in stride(from: 0, to: plan.writes.count, by: 5000).map({ Array(plan.writes[$0..<min($0 + 5000, plan.writes.count)]) }) {
                    let kinds = chunk.map(\.kind.rawValue), uids = chunk.map(\.uid)
                    let coders = chunk.map { $0.coder ?? "" }, excerpts = chunk.map { $0.excerpt ?? "" }, groups = chunk.map { $0.group ?? "" }
                    let payloads = chunk.map(\.payload), hashes = chunk.map(\.hash), deleted = chunk.map(\.deleted)
                    // WITH ORDINALITY keeps the batch's order, so versions follow apply order (parents before children).
                    let written = try await conn.query("""
                        INSERT INTO hub.rows(kind, uid, coder, excerpt, grp, payload, hash, deleted, version)
                        SELECT t.kind, t.uid, NULLIF(t.coder, ''), NULLIF(t.excerpt, ''), NULLIF(t.grp, ''), t.payload, t.hash, t.deleted, nextval('hub.version')
                        FROM unnest(\(kinds)::text[], \(uids)::text[], \(coders)::text[], \(excerpts)::text[], \(groups)::text[], \(payloads)::text[],
                                    \(hashes)::text[], \(deleted)::boolean[]) WITH ORDINALITY AS t(kind, uid, coder, excerpt, grp, payload, hash, deleted, n)
                        ORDER BY t.n
                        ON CONFLICT (kind, uid) DO UPDATE SET coder = excluded.coder, excerpt = coalesce(excluded.excerpt, hub.rows.excerpt),
                          grp = coalesce(excluded.grp, hub.rows.grp), payload = excluded.payload, hash = excluded.hash, deleted = excluded.deleted,
                          version = excluded.version
                        RETURNING kind, uid, version
                        """, logger: hub.logger)
                    var versions: [SyncKey: Int64] = [:]
                    for try await (kind, uid, version) in written.decode((String, String, Int64).self) {
                        if let k = SyncKind(rawValue: kind) { versions[SyncKey(kind: k, uid: uid)] = version }
                    }
                    for var row in chunk {
                        row.version = versions[row.key] ?? 0
                        applied.append(row)
                    }
                }
                return SyncApplyResult(applied: applied, written: plan.writes.count, conflicts: plan.conflicts)
            }
        } catch {
            throw HubConnection.map(error, address: address)
        }
    }
}

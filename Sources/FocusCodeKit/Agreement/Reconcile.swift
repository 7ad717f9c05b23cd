import Foundation
import GRDB

/// How a consensus coding is derived from several coders' codings of one excerpt.
///
/// Rules work on the codes exactly as applied (a theme applied alone and one of its subthemes are
/// different codes; nothing is rolled up), over the excerpts that every chosen coder reviewed.
public enum ReconcileRule: Sendable, Equatable, CustomStringConvertible {
    /// A code is applied when more than half of the coders applied it. A tie (exactly half) is not
    /// applied, and the excerpt is listed as unresolved.
    case majority
    /// A code is applied when any coder applied it.
    case union
    /// A code is applied when every coder applied it.
    case intersection
    /// The named coder's codes are taken as they are.
    case prefer(String)

    /// Parses `majority`, `union`, `intersection` or `prefer:NAME`.
    public init(parsing text: String) throws {
        switch text.lowercased() {
        case "majority": self = .majority
        case "union": self = .union
        case "intersection": self = .intersection
        default:
            if text.lowercased().hasPrefix("prefer:") {
                let name = String(text.dropFirst("prefer:".count)).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw ReconcileError.invalidRule(text) }
                self = .prefer(name)
            } else {
                throw ReconcileError.invalidRule(text)
            }
        }
    }

    /// `majority`, `union`, `intersection` or `prefer:NAME`.
    public var description: String {
        switch self {
        case .majority: return "majority"
        case .union: return "union"
        case .intersection: return "intersection"
        case .prefer(let name): return "prefer:\(name)"
        }
    }

    /// The rule in words, for people.
    public var explanation: String {
        switch self {
        case .majority:
            return "a code is applied when more than half of the coders applied it; a tie (exactly half) is not applied and the excerpt is listed as unresolved"
        case .union: return "a code is applied when any of the coders applied it"
        case .intersection: return "a code is applied only when every coder applied it"
        case .prefer(let name): return "\(name)'s codes are taken as they are"
        }
    }

    /// Whether a code applied by `votes` of `coders` coders is applied, and whether that is a tie.
    func decide(votes: Int, coders: Int, preferredApplied: Bool) -> (applied: Bool, tie: Bool) {
        switch self {
        case .majority: return (votes * 2 > coders, votes * 2 == coders)
        case .union: return (votes > 0, false)
        case .intersection: return (votes == coders, false)
        case .prefer: return (preferredApplied, false)
        }
    }
}

/// Problems with a reconciliation request.
public enum ReconcileError: CategorisedError, Equatable {
    case invalidRule(String)
    case tooFewCoders
    case preferredNotChosen(name: String, coders: [String])
    case consensusExists(excerpts: Int, example: String)
    case alreadyReconciled(excerpt: String)
    case notATerminal

    public var category: ErrorCategory { .usage }

    public var errorDescription: String? {
        switch self {
        case .invalidRule(let text):
            return "unknown rule '\(text)'; use majority, union, intersection or prefer:NAME (e.g. prefer:coder_a)."
        case .tooFewCoders:
            return "reconciling needs at least two coders; name them with --coders, e.g. --coders coder_a,coder_b."
        case .preferredNotChosen(let name, let coders):
            return "prefer:\(name) names a coder who is not among --coders (\(coders.joined(separator: ", "))); add them or prefer one of those."
        case .consensusExists(let count, let example):
            return "the consensus coder already has codings on \(count) of these excerpts (e.g. \(example)); pass --replace to overwrite them, or --group to reconcile other excerpts."
        case .alreadyReconciled(let excerpt):
            return "\(excerpt) already has a consensus coding (another session?); run reconcile again to continue."
        case .notATerminal:
            return "the interactive reconcile needs a terminal; use --rule majority|union|intersection|prefer:NAME in scripts."
        }
    }
}

/// One code on one excerpt and what became of it.
public struct ReconcileDecision: Codable, Sendable, Equatable {
    /// The excerpt ID.
    public var excerpt: String
    /// The code's path.
    public var code: String
    /// The coders who applied the code.
    public var appliedBy: [String]
    /// Whether the consensus applies it.
    public var applied: Bool
    /// True for a majority tie (not applied).
    public var tie: Bool

    enum CodingKeys: String, CodingKey {
        case excerpt, code, applied, tie
        case appliedBy = "applied_by"
    }
}

/// What a rule-based reconciliation wrote.
public struct ReconcileSummary: Codable, Sendable, Equatable {
    public var rule: String
    public var coders: [String]
    /// Excerpts given a consensus (all excerpts every chosen coder reviewed).
    public var excerpts: Int
    /// Consensus codings written.
    public var codings: Int
    /// Every code any chosen coder applied, per excerpt, with the outcome.
    public var decisions: [ReconcileDecision]
    /// Excerpts with a majority tie, in excerpt order.
    public var unresolved: [String]
    /// Excerpts that only some of the chosen coders reviewed (left without a consensus).
    public var notReviewedByAll: [String]
    /// Excerpts whose earlier consensus was replaced (`--replace`).
    public var replaced: Int
}

/// An excerpt as the reconciliation sees it: each chosen coder's codes.
public struct ReconcileExcerpt: Sendable, Equatable {
    public var ref: String
    public var group: String
    public var speaker: String?
    public var text: String
    /// Per chosen coder (in order), the code paths applied, in codebook order.
    public var codesByCoder: [[String]]
    /// Codes every coder applied.
    public var agreed: [String]
    /// Codes some but not all coders applied: the decisions to make.
    public var items: [ReconcileItem]
}

/// One disagreement to decide: a code some of the coders applied.
public struct ReconcileItem: Sendable, Equatable {
    public var code: String
    public var appliedBy: [String]
    public var notAppliedBy: [String]
}

/// The state of a reconciliation: what is left to do.
public struct ReconcileWalk: Sendable, Equatable {
    public var coders: [String]
    /// Excerpts without a consensus where the coders agree completely.
    public var agreedPending: [ReconcileExcerpt]
    /// Excerpts without a consensus where the coders differ, in excerpt order.
    public var disagreementsPending: [ReconcileExcerpt]
    /// Excerpts (reviewed by all) that already have a consensus.
    public var alreadyReconciled: Int
    /// Excerpts only some of the coders reviewed.
    public var notReviewedByAll: Int
}

extension Project {
    /// Writes the consensus for every excerpt all `coders` reviewed, by `rule`, in one transaction,
    /// recording each decision in the audit log (excerpt, code path, rule; never text).
    ///
    /// Refuses when the consensus coder already has codings or reviews on those excerpts, unless `replace`.
    public func reconcile(coders: [String], rule: ReconcileRule, groups: [String] = [], replace: Bool = false,
                          actor: String? = nil) throws -> ReconcileSummary {
        try Self.checkReconcileCoders(coders)
        if case .prefer(let name) = rule, !coders.contains(name) {
            throw ReconcileError.preferredNotChosen(name: name, coders: coders)
        }
        return try write { db in
            let state = try ReconcileState(db, coders: coders, groups: groups)
            let existing = state.eligible.filter { state.hasConsensus[$0] }
            if !existing.isEmpty && !replace {
                throw ReconcileError.consensusExists(excerpts: existing.count, example: state.refs[existing[0]])
            }
            for e in existing { try state.clearConsensus(db, excerpt: e) }
            let consensus = try Self.consensusCoderId(db)
            let preferred: Int? = { if case .prefer(let name) = rule { return coders.firstIndex(of: name) } else { return nil } }()
            let ruleName = rule.description
            var decisions: [ReconcileDecision] = []
            var unresolved: [String] = []
            var written = 0
            let now = Clock.nowString()
            for e in state.eligible {
                let ref = state.refs[e]
                try db.execute(sql: "INSERT INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)",
                               arguments: [state.ids[e], consensus, now])
                var tie = false
                let codes = state.codesApplied(excerpt: e)
                if codes.isEmpty {
                    try AuditLog.record(db, actor: actor, action: "reconcile.decide", objectKind: "excerpt", objectRef: ref,
                                        detail: "rule=\(ruleName) decision=none")
                }
                for code in codes {
                    let appliers = state.appliers(excerpt: e, code: code)
                    let outcome = rule.decide(votes: appliers.count, coders: coders.count,
                                              preferredApplied: preferred.map { appliers.contains($0) } ?? false)
                    tie = tie || outcome.tie
                    if outcome.applied {
                        written += try Self.copyPassages(db, excerptId: state.ids[e], codeId: code,
                                                         from: appliers.map { state.coderIds[$0] }, to: consensus, at: now)
                    }
                    let path = state.tree.node(code)?.path ?? String(code)
                    decisions.append(ReconcileDecision(excerpt: ref, code: path, appliedBy: appliers.map { coders[$0] },
                                                       applied: outcome.applied, tie: outcome.tie))
                    try AuditLog.record(db, actor: actor, action: "reconcile.decide", objectKind: "coding", objectRef: ref,
                                        detail: "rule=\(ruleName) decision=\(outcome.applied ? "applied" : (outcome.tie ? "tie-not-applied" : "not-applied")) votes=\(appliers.count)/\(coders.count) code=\(path)")
                }
                if tie { unresolved.append(ref) }
            }
            try AuditLog.record(db, actor: actor, action: "reconcile", objectKind: "coder", objectRef: consensusCoder,
                                detail: "rule=\(ruleName) coders=\(coders.joined(separator: ",")) excerpts=\(state.eligible.count) codings=\(written) unresolved=\(unresolved.count) replaced=\(existing.count)")
            return ReconcileSummary(rule: ruleName, coders: coders, excerpts: state.eligible.count, codings: written,
                                    decisions: decisions, unresolved: unresolved,
                                    notReviewedByAll: state.partial.map { state.refs[$0] }, replaced: existing.count)
        }
    }

    /// What is left to reconcile between `coders`: excerpts all of them reviewed that have no consensus yet.
    public func reconcileWalk(coders: [String], groups: [String] = []) throws -> ReconcileWalk {
        try Self.checkReconcileCoders(coders)
        return try read { db in
            let state = try ReconcileState(db, coders: coders, groups: groups)
            var agreed: [ReconcileExcerpt] = [], differing: [ReconcileExcerpt] = []
            var done = 0
            let pendingIds = state.eligible.filter { !state.hasConsensus[$0] }.map { state.ids[$0] }
            let info = try Self.reconcileExcerptInfo(db, ids: pendingIds)
            for e in state.eligible {
                if state.hasConsensus[e] { done += 1; continue }
                let excerpt = state.excerpt(e, info: info[state.ids[e]])
                if excerpt.items.isEmpty { agreed.append(excerpt) } else { differing.append(excerpt) }
            }
            return ReconcileWalk(coders: coders, agreedPending: agreed, disagreementsPending: differing,
                                 alreadyReconciled: done, notReviewedByAll: state.partial.count)
        }
    }

    /// Writes one excerpt's consensus (a review and the given codes) in one transaction, with its decisions in the audit log.
    /// Refuses if the excerpt has a consensus already.
    /// The consensus takes the passages of `codes` that `coders` applied (all coders' when empty), exact duplicates once.
    public func writeConsensus(excerpt ref: String, codes: [String], decisions: [(code: String, applied: Bool)],
                               rule: String, coders: [String] = [], actor: String? = nil) throws {
        try write { db in
            let (excerptId, consensus) = try Self.consensusTarget(db, ref: ref)
            let taken = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM reviews WHERE excerpt_id = ?1 AND coder_id = ?2)
                    OR EXISTS (SELECT 1 FROM codings WHERE excerpt_id = ?1 AND coder_id = ?2)
                """, arguments: [excerptId, consensus]) ?? false
            if taken { throw ReconcileError.alreadyReconciled(excerpt: ref) }
            let tree = try CodebookTree(db)
            let now = Clock.nowString()
            try db.execute(sql: "INSERT INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)", arguments: [excerptId, consensus, now])
            for path in codes {
                guard let node = tree.nodes.first(where: { $0.path == path }) else {
                    throw AgreementProjectError.unknownCode(spec: path, themes: tree.nodes.filter { $0.depth == 1 }.map(\.name))
                }
                try Self.copyPassages(db, excerptId: excerptId, codeId: node.id, from: try Self.coderIds(db, coders), to: consensus, at: now)
            }
            for decision in decisions {
                try AuditLog.record(db, actor: actor, action: "reconcile.decide", objectKind: "coding", objectRef: ref,
                                    detail: "rule=\(rule) decision=\(decision.applied ? "applied" : "not-applied") code=\(decision.code)")
            }
            if decisions.isEmpty {
                try AuditLog.record(db, actor: actor, action: "reconcile.decide", objectKind: "excerpt", objectRef: ref,
                                    detail: "rule=\(rule) decision=as-agreed codes=\(codes.count)")
            }
        }
    }

    /// Writes the consensus of excerpts where the coders agree completely (their common codes), in one transaction.
    public func writeAgreedConsensus(_ excerpts: [ReconcileExcerpt], coders: [String] = [], actor: String? = nil) throws {
        guard !excerpts.isEmpty else { return }
        try write { db in
            let tree = try CodebookTree(db)
            let from = try Self.coderIds(db, coders)
            let consensus = try Self.consensusCoderId(db)
            let now = Clock.nowString()
            for excerpt in excerpts {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM excerpts WHERE ref = ?", arguments: [excerpt.ref]) else {
                    throw ProjectError.unknownExcerpt(excerpt.ref)
                }
                try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)", arguments: [id, consensus, now])
                for path in excerpt.agreed {
                    guard let node = tree.nodes.first(where: { $0.path == path }) else { continue }
                    try Self.copyPassages(db, excerptId: id, codeId: node.id, from: from, to: consensus, at: now)
                }
                try AuditLog.record(db, actor: actor, action: "reconcile.decide", objectKind: "excerpt", objectRef: excerpt.ref,
                                    detail: "rule=interactive decision=as-agreed codes=\(excerpt.agreed.count)")
            }
        }
    }

    /// Removes one excerpt's consensus (undo), recording it in the audit log.
    public func removeConsensus(excerpt ref: String, actor: String? = nil) throws {
        try write { db in
            let (excerptId, consensus) = try Self.consensusTarget(db, ref: ref)
            try db.execute(sql: "DELETE FROM codings WHERE excerpt_id = ? AND coder_id = ?", arguments: [excerptId, consensus])
            try db.execute(sql: "DELETE FROM reviews WHERE excerpt_id = ? AND coder_id = ?", arguments: [excerptId, consensus])
            try AuditLog.record(db, actor: actor, action: "reconcile.undo", objectKind: "excerpt", objectRef: ref, detail: "rule=interactive")
        }
    }

    /// Gives the consensus coder the passages of a code that the given coders applied to one excerpt (their union, an
    /// exact duplicate once, without the coders' notes); the whole turn when none of them has a passage of it.
    /// Returns how many passages the consensus received.
    @discardableResult
    static func copyPassages(_ db: Database, excerptId: Int64, codeId: Int64, from coderIds: [Int64], to consensus: Int64,
                             at now: String) throws -> Int {
        let source = coderIds.isEmpty ? "coder_id <> \(consensus)" : "coder_id IN (\(coderIds.map(String.init).joined(separator: ",")))"
        try db.execute(sql: """
            INSERT OR IGNORE INTO codings(uid, excerpt_id, code_id, coder_id, span_start, span_end, created_at)
            SELECT focuscode_uid(), excerpt_id, code_id, ?, span_start, span_end, ? FROM
              (SELECT DISTINCT excerpt_id, code_id, span_start, span_end FROM codings WHERE excerpt_id = ? AND code_id = ? AND \(source)
               ORDER BY span_start IS NOT NULL, span_start, span_end)
            """, arguments: [consensus, now, excerptId, codeId])
        var added = db.changesCount
        if added == 0 {
            added = try insertPassage(db, excerptId: excerptId, codeId: codeId, coderId: consensus, span: nil, note: nil,
                                      createdAt: now, ignoreDuplicate: true) ? 1 : 0
        }
        return added
    }

    /// Row ids of named coders (unknown names are skipped: the walk that named them has checked them).
    static func coderIds(_ db: Database, _ names: [String]) throws -> [Int64] {
        try names.compactMap { try coderId(db, $0, create: false) }
    }

    static func checkReconcileCoders(_ coders: [String]) throws {
        if coders.contains(consensusCoder) { throw AgreementProjectError.consensusIsNotARater }
        if Set(coders).count < 2 { throw ReconcileError.tooFewCoders }
        if Set(coders).count != coders.count {
            throw AgreementInputError.duplicateName(kind: "coder", name: coders.first { c in coders.filter { $0 == c }.count > 1 }!)
        }
    }

    /// The `consensus` coder's id, created on first use.
    static func consensusCoderId(_ db: Database) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ?", arguments: [consensusCoder]) { return id }
        try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES (?, ?, ?)",
                       arguments: [consensusCoder, UUID().uuidString.lowercased(), Clock.nowString()])
        return db.lastInsertedRowID
    }

    static func consensusTarget(_ db: Database, ref: String) throws -> (excerpt: Int64, consensus: Int64) {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM excerpts WHERE ref = ?", arguments: [ref]) else {
            throw ProjectError.unknownExcerpt(ref)
        }
        return (id, try Self.consensusCoderId(db))
    }

    static func reconcileExcerptInfo(_ db: Database, ids: [Int64]) throws -> [Int64: AgreementExcerptInfo] {
        var out: [Int64: AgreementExcerptInfo] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let rows = try Row.fetchAll(db, sql: """
                SELECT e.id, g.name AS grp, p.pseudonym, e.text FROM excerpts e JOIN groups g ON g.id = e.group_id
                LEFT JOIN participants p ON p.id = e.participant_id
                WHERE e.id IN (\(chunk.map { String($0) }.joined(separator: ",")))
                """)
            for row in rows { out[row["id"]] = AgreementExcerptInfo(group: row["grp"], speaker: row["pseudonym"], text: row["text"]) }
        }
        return out
    }
}

/// The chosen coders' reviews and codings over the excerpts in scope, read inside one transaction.
struct ReconcileState {
    let coders: [String]
    let tree: CodebookTree
    /// Excerpts in scope, in transcript order.
    var ids: [Int64] = []
    var refs: [String] = []
    /// Per excerpt, per coder: reviewed, and the codes applied.
    var reviewed: [[Bool]] = []
    var codes: [[Set<Int64>]] = []
    /// Whether the consensus coder already has a review or coding on the excerpt.
    var hasConsensus: [Bool] = []
    /// The coders' row ids, by column.
    var coderIds: [Int64] = []
    /// Excerpts every coder reviewed, and those only some did.
    var eligible: [Int] = []
    var partial: [Int] = []

    init(_ db: Database, coders: [String], groups: [String]) throws {
        self.coders = coders
        tree = try CodebookTree(db)
        var coderColumn: [Int64: Int] = [:]
        let known = try Row.fetchAll(db, sql: "SELECT id, name FROM coders WHERE name <> ? ORDER BY name", arguments: [consensusCoder])
        for (i, name) in coders.enumerated() {
            guard let row = known.first(where: { ($0["name"] as String) == name }) else {
                throw AgreementProjectError.unknownCoder(name: name, known: known.map { $0["name"] })
            }
            coderColumn[row["id"]] = i
            coderIds.append(row["id"])
        }
        let consensus = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ?", arguments: [consensusCoder])
        var groupFilter = ""
        var arguments: StatementArguments = []
        if !groups.isEmpty {
            for group in groups where try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [group]) == nil {
                throw ProjectError.unknownGroup(group)
            }
            groupFilter = "WHERE g.name IN (\(Array(repeating: "?", count: groups.count).joined(separator: ",")))"
            arguments = StatementArguments(groups)
        }
        var indexOf: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT e.id, e.ref FROM excerpts e JOIN groups g ON g.id = e.group_id \(groupFilter) ORDER BY g.position, e.seq", arguments: arguments) {
            indexOf[row["id"]] = ids.count
            ids.append(row["id"])
            refs.append(row["ref"])
        }
        let m = coders.count
        reviewed = Array(repeating: Array(repeating: false, count: m), count: ids.count)
        codes = Array(repeating: Array(repeating: [], count: m), count: ids.count)
        hasConsensus = Array(repeating: false, count: ids.count)
        for row in try Row.fetchAll(db, sql: "SELECT excerpt_id, coder_id FROM reviews") {
            guard let e = indexOf[row[0]] else { continue }
            let coder: Int64 = row[1]
            if coder == consensus { hasConsensus[e] = true }
            if let c = coderColumn[coder] { reviewed[e][c] = true }
        }
        for row in try Row.fetchAll(db, sql: "SELECT excerpt_id, coder_id, code_id FROM codings") {
            guard let e = indexOf[row[0]] else { continue }
            let coder: Int64 = row[1]
            if coder == consensus { hasConsensus[e] = true }
            if let c = coderColumn[coder] {
                reviewed[e][c] = true
                codes[e][c].insert(row[2])
            }
        }
        for e in ids.indices {
            let count = reviewed[e].filter { $0 }.count
            if count == m { eligible.append(e) } else if count > 0 { partial.append(e) }
        }
    }

    /// Codes any coder applied to the excerpt, in codebook order.
    func codesApplied(excerpt e: Int) -> [Int64] {
        let all = codes[e].reduce(into: Set<Int64>()) { $0.formUnion($1) }
        return all.sorted { (tree.indexOfId[$0] ?? Int.max, $0) < (tree.indexOfId[$1] ?? Int.max, $1) }
    }

    /// The coders (columns) who applied `code` to the excerpt.
    func appliers(excerpt e: Int, code: Int64) -> [Int] {
        coders.indices.filter { codes[e][$0].contains(code) }
    }

    func clearConsensus(_ db: Database, excerpt e: Int) throws {
        guard let consensus = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ?", arguments: [consensusCoder]) else { return }
        try db.execute(sql: "DELETE FROM codings WHERE excerpt_id = ? AND coder_id = ?", arguments: [ids[e], consensus])
        try db.execute(sql: "DELETE FROM reviews WHERE excerpt_id = ? AND coder_id = ?", arguments: [ids[e], consensus])
    }

    func excerpt(_ e: Int, info: AgreementExcerptInfo?) -> ReconcileExcerpt {
        let all = codesApplied(excerpt: e)
        var agreed: [String] = [], items: [ReconcileItem] = []
        for code in all {
            let path = tree.node(code)?.path ?? String(code)
            let appliers = self.appliers(excerpt: e, code: code)
            if appliers.count == coders.count {
                agreed.append(path)
            } else {
                items.append(ReconcileItem(code: path, appliedBy: appliers.map { coders[$0] },
                                           notAppliedBy: coders.indices.filter { !appliers.contains($0) }.map { coders[$0] }))
            }
        }
        let byCoder = coders.indices.map { c in all.filter { codes[e][c].contains($0) }.map { tree.node($0)?.path ?? String($0) } }
        return ReconcileExcerpt(ref: refs[e], group: info?.group ?? "", speaker: info?.speaker, text: info?.text ?? "",
                                codesByCoder: byCoder, agreed: agreed, items: items)
    }
}

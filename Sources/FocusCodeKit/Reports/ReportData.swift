import Foundation
import GRDB
import GRDBSQLite

// The query layer of the reports: it reads the project once into compact arrays (codebook tree,
// excerpt → group and participant, one bitset of excerpts per code), and nothing else touches SQL.
//
// Why arrays and not GROUP BY: a theme table with roll-up needs "distinct excerpts per (theme, column)"
// and "distinct participants per (theme, column)". In SQL that is a join of every coding with its excerpt
// and two COUNT(DISTINCT …) per group; here it is three narrow index scans and bit operations, which is
// several times faster on a million excerpts (see Docs/benchmarks.md, "Theme report").

/// The codebook as a tree in preorder (themes by position, each followed by its descendants), so that
/// a code's subtree is the contiguous range `index ..< subtreeEnd[index]`.
struct ReportCodeTree: Sendable {
    var ids: [Int64] = []
    var parent: [Int] = []
    var subtreeEnd: [Int] = []
    var codes: [ReportCode] = []
    /// Code row id → index, as an array (code ids are small); -1 for no code.
    var indexById: [Int32] = []

    var count: Int { ids.count }

    /// Whether `a` is `b` or one of its ancestors.
    func contains(_ a: Int, _ b: Int) -> Bool { a <= b && b < subtreeEnd[a] }

    /// The direct children of `index` (or the themes, for -1), in codebook order.
    func children(of index: Int) -> [Int] {
        var out: [Int] = []
        var i = index + 1
        let end = index < 0 ? count : subtreeEnd[index]
        while i < end {
            out.append(i)
            i = subtreeEnd[i]
        }
        return out
    }

    /// Builds the tree from `codes` rows: (id, parent_id, name, colour, retired, uid), siblings ordered by
    /// position then id. A row whose parent is missing is treated as a theme.
    static func build(_ rows: [(id: Int64, parent: Int64?, name: String, colour: String?, retired: Bool, uid: String, position: Int)]) -> ReportCodeTree {
        let known = Set(rows.map(\.id))
        var childrenOf: [Int64: [Int]] = [:]
        var roots: [Int] = []
        for (i, row) in rows.enumerated() {
            if let p = row.parent, known.contains(p), p != row.id { childrenOf[p, default: []].append(i) } else { roots.append(i) }
        }
        func ordered(_ list: [Int]) -> [Int] {
            list.sorted { (rows[$0].position, rows[$0].id) < (rows[$1].position, rows[$1].id) }
        }
        var tree = ReportCodeTree()
        var visited = Set<Int64>()
        func visit(_ row: Int, parentIndex: Int, path: String?, level: Int, inherited: String?) {
            let r = rows[row]
            guard visited.insert(r.id).inserted else { return }
            let index = tree.ids.count
            let colour = (r.colour?.isEmpty == false ? r.colour : nil) ?? inherited
            let fullPath = path.map { "\($0)/\(r.name)" } ?? r.name
            tree.ids.append(r.id)
            tree.parent.append(parentIndex)
            tree.subtreeEnd.append(index + 1)
            tree.codes.append(ReportCode(uid: r.uid, path: fullPath, name: r.name, level: level, colour: colour, retired: r.retired))
            for child in ordered(childrenOf[r.id] ?? []) {
                visit(child, parentIndex: index, path: fullPath, level: level + 1, inherited: colour)
            }
            tree.subtreeEnd[index] = tree.ids.count
        }
        for root in ordered(roots) { visit(root, parentIndex: -1, path: nil, level: 1, inherited: nil) }
        let maxId = Int(tree.ids.max() ?? 0)
        tree.indexById = Array(repeating: -1, count: maxId + 1)
        for (i, id) in tree.ids.enumerated() where id >= 0 { tree.indexById[Int(id)] = Int32(i) }
        return tree
    }
}

/// What a report knows about the project, in compact arrays indexed by row id or dense index.
struct ReportData: Sendable {
    struct Group: Sendable { var id: Int64; var name: String }
    struct Participant: Sendable { var id: Int64; var pseudonym: String; var isModerator: Bool }
    struct Coder: Sendable { var id: Int64; var name: String }

    var tree: ReportCodeTree
    /// Groups in project order.
    var groups: [Group]
    /// Participants, non-moderators first, by pseudonym.
    var participants: [Participant]
    /// Coders by name, `consensus` last.
    var coders: [Coder]
    /// One more than the largest excerpt row id.
    var excerptCapacity: Int
    /// Excerpt row id → dense group index; -1 where no excerpt has that id.
    var excerptGroup: [Int32]
    /// Excerpt row id → dense participant index; -1 for no speaker.
    var excerptParticipant: [Int32]


    /// Excerpts a report counts: every excerpt, less moderators' unless `includeModerator`.
    func eligibleExcerpts(includeModerator: Bool) -> ExcerptBitset {
        var set = ExcerptBitset(capacity: excerptCapacity)
        let moderator = participants.map(\.isModerator)
        excerptGroup.withUnsafeBufferPointer { groups in
            excerptParticipant.withUnsafeBufferPointer { speakers in
                for id in 0..<groups.count where groups[id] >= 0 {
                    let p = Int(speakers[id])
                    if includeModerator || p < 0 || !moderator[p] { set.insert(id) }
                }
            }
        }
        return set
    }

    /// Excerpts without a speaker (paragraph mode) among `set`.
    func speakerlessCount(in set: ExcerptBitset) -> Int {
        var n = 0
        set.forEach { if excerptParticipant[$0] < 0 { n += 1 } }
        return n
    }

    /// The coders a selection reads, and how to describe it.
    func resolve(_ selection: CodingSelection?) throws -> (coders: [Coder], summary: SelectionSummary) {
        let names = coders.map(\.name)
        switch selection {
        case nil:
            guard !coders.isEmpty else { throw ReportError.noCodings }
            guard coders.count == 1 else { throw ReportError.selectionNeeded(coders: names) }
            let only = coders[0]
            if only.name == consensusCoder {
                return ([only], SelectionSummary(kind: "consensus", coders: [only.name], defaulted: true,
                                                 text: "the consensus coding (the project's only coder)"))
            }
            return ([only], SelectionSummary(kind: "coder", coders: [only.name], defaulted: true,
                                             text: "\(only.name)'s codings (the project's only coder)"))
        case .coder(let name):
            guard let coder = coders.first(where: { $0.name == name }) else { throw ReportError.unknownCoder(name, coders: names) }
            if name == consensusCoder {
                return ([coder], SelectionSummary(kind: "consensus", coders: [name], defaulted: false, text: "the consensus coding"))
            }
            return ([coder], SelectionSummary(kind: "coder", coders: [name], defaulted: false, text: "\(name)'s codings"))
        case .consensus:
            guard let coder = coders.first(where: { $0.name == consensusCoder }) else { throw ReportError.noConsensus(coders: names) }
            return ([coder], SelectionSummary(kind: "consensus", coders: [coder.name], defaulted: false, text: "the consensus coding"))
        case .union:
            let people = coders.filter { $0.name != consensusCoder }
            guard !people.isEmpty else { throw coders.isEmpty ? ReportError.noCodings : ReportError.noCodersForUnion }
            let list = people.map(\.name).joined(separator: ", ")
            return (people, SelectionSummary(kind: "union", coders: people.map(\.name), defaulted: false,
                                             text: "the union of \(people.count == 1 ? "the only coder" : "all coders") (\(list))"))
        }
    }
}

extension ReportData {
    /// Reads the codebook, groups, participants, coders and the excerpt arrays in one read transaction.
    static func load(_ db: Database) throws -> ReportData {
        let codeRows = try Row.fetchAll(db, sql: "SELECT id, parent_id, name, colour, retired, uid, position FROM codes").map {
            (id: $0["id"] as Int64, parent: $0["parent_id"] as Int64?, name: $0["name"] as String, colour: $0["colour"] as String?,
             retired: $0["retired"] as Bool, uid: $0["uid"] as String, position: $0["position"] as Int)
        }
        let tree = ReportCodeTree.build(codeRows)
        let groups = try Row.fetchAll(db, sql: "SELECT id, name FROM groups ORDER BY position, id").map {
            Group(id: $0["id"], name: $0["name"])
        }
        let participants = try Row.fetchAll(db, sql: "SELECT id, pseudonym, is_moderator FROM participants").map {
            Participant(id: $0["id"], pseudonym: $0["pseudonym"], isModerator: $0["is_moderator"])
        }.sorted { a, b in
            if a.isModerator != b.isModerator { return !a.isModerator }
            return a.pseudonym.compare(b.pseudonym, options: [.numeric, .caseInsensitive]) == .orderedAscending
        }
        let coders = try Row.fetchAll(db, sql: "SELECT id, name FROM coders ORDER BY name").map {
            Coder(id: $0["id"], name: $0["name"])
        }.sorted { ($0.name == consensusCoder ? 1 : 0, $0.name) < ($1.name == consensusCoder ? 1 : 0, $1.name) }

        let maxId = try Int.fetchOne(db, sql: "SELECT ifnull(max(id), 0) FROM excerpts") ?? 0
        let capacity = maxId + 1
        let groupIndex = denseIndex(groups.map(\.id))
        let participantIndex = denseIndex(participants.map(\.id))

        // Two narrow scans, each answered from an index without touching the excerpts' text:
        // (group_id, seq) → rowid from UNIQUE(group_id, seq), and participant_id → rowid from excerpts_participant.
        var excerptGroup = [Int32](repeating: -1, count: capacity)
        try excerptGroup.withUnsafeMutableBufferPointer { out in
            try db.forEachRow("SELECT id, group_id FROM excerpts") { s in
                let id = Int(sqlite3_column_int64(s, 0))
                let g = Int(sqlite3_column_int64(s, 1))
                if id >= 0, id < out.count, g >= 0, g < groupIndex.count { out[id] = groupIndex[g] }
            }
        }
        var excerptParticipant = [Int32](repeating: -1, count: capacity)
        try excerptParticipant.withUnsafeMutableBufferPointer { out in
            try db.forEachRow("SELECT id, participant_id FROM excerpts WHERE participant_id IS NOT NULL") { s in
                let id = Int(sqlite3_column_int64(s, 0))
                let p = Int(sqlite3_column_int64(s, 1))
                if id >= 0, id < out.count, p >= 0, p < participantIndex.count { out[id] = participantIndex[p] }
            }
        }
        return ReportData(tree: tree, groups: groups, participants: participants, coders: coders, excerptCapacity: capacity,
                          excerptGroup: excerptGroup, excerptParticipant: excerptParticipant)
    }

    /// One bitset of excerpts per code (indexed like `tree`), holding the excerpts the coders applied the code to
    /// directly (no roll-up). Several coders are OR-ed together: the union.
    func directSets(_ db: Database, coders: [Coder]) throws -> [ExcerptBitset] {
        var sets = [ExcerptBitset](repeating: ExcerptBitset(capacity: excerptCapacity), count: tree.count)
        let codeIndex = tree.indexById
        // code_id first: the rows of one code arrive together, so the bitset being written stays in cache.
        for coder in coders {
            try db.forEachRow("SELECT code_id, excerpt_id FROM codings WHERE coder_id = ?", arguments: [coder.id]) { s in
                let c = Int(sqlite3_column_int64(s, 0))
                guard c >= 0, c < codeIndex.count else { return }
                let index = Int(codeIndex[c])
                if index >= 0 { sets[index].insert(Int(sqlite3_column_int64(s, 1))) }
            }
        }
        return sets
    }

    /// A coded passage: the excerpt and its span (-1, -1 for the whole turn).
    struct PassageKey: Hashable, Sendable {
        var excerpt: Int
        var start: Int32
        var end: Int32
    }

    /// The passages of each code (indexed like `tree`) that the coders coded directly (no roll-up). Several coders'
    /// passages with the same span are one passage (the union). Read only when a report counts passages.
    func directPassages(_ db: Database, coders: [Coder]) throws -> [Set<PassageKey>] {
        var sets = [Set<PassageKey>](repeating: [], count: tree.count)
        let codeIndex = tree.indexById
        for coder in coders {
            try db.forEachRow("SELECT code_id, excerpt_id, ifnull(span_start, -1), ifnull(span_end, -1) FROM codings WHERE coder_id = ?",
                              arguments: [coder.id]) { s in
                let c = Int(sqlite3_column_int64(s, 0))
                guard c >= 0, c < codeIndex.count else { return }
                let index = Int(codeIndex[c])
                guard index >= 0 else { return }
                sets[index].insert(PassageKey(excerpt: Int(sqlite3_column_int64(s, 1)), start: Int32(clamping: sqlite3_column_int64(s, 2)),
                                              end: Int32(clamping: sqlite3_column_int64(s, 3))))
            }
        }
        return sets
    }

    /// Participant → attribute value for one attribute name.
    func attributeValues(_ db: Database, name: String) throws -> [String?] {
        var values = [String?](repeating: nil, count: participants.count)
        let index = Dictionary(uniqueKeysWithValues: participants.enumerated().map { ($0.element.id, $0.offset) })
        for row in try Row.fetchAll(db, sql: "SELECT participant_id, value FROM participant_attributes WHERE name = ?", arguments: [name]) {
            if let i = index[row["participant_id"] as Int64] { values[i] = row["value"] }
        }
        return values
    }

    /// Attribute names present in the project, sorted.
    static func attributeNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT name FROM participant_attributes ORDER BY name")
    }

    /// Row id → dense index, as an array sized by the largest id (ids of small tables are small).
    private static func denseIndex(_ ids: [Int64]) -> [Int32] {
        let maxId = Int(ids.max() ?? 0)
        var index = [Int32](repeating: -1, count: maxId + 1)
        for (i, id) in ids.enumerated() where id >= 0 { index[Int(id)] = Int32(i) }
        return index
    }
}

extension Database {
    /// Runs a query and calls `body` with the raw statement for each row: the hot path of reports, with no
    /// `Row` values built. `body` reads columns with `sqlite3_column_*`.
    func forEachRow(_ sql: String, arguments: StatementArguments = [], _ body: (SQLiteStatement) throws -> Void) throws {
        let statement = try makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let s = statement.sqliteStatement
        defer { sqlite3_reset(s) }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: lastErrorMessage, sql: sql)
            }
            try body(s)
        }
    }
}

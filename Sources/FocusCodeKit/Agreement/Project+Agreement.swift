import Foundation
import GRDB

/// Which excerpts, coders and codes an agreement analysis of a project covers.
public struct AgreementScope: Sendable, Equatable {
    /// Coders in pair order; nil = every coder (except `consensus`) who reviewed an excerpt in scope, by name.
    public var coders: [String]?
    /// Codes to analyse: a theme name (its subthemes included), a `Theme/Subtheme` path, or a unique
    /// code name; empty = the whole codebook.
    public var codes: [String]
    /// Groups whose excerpts are the units; empty = every group.
    public var groups: [String]
    /// Whether moderator turns are units too (they are left out by default).
    public var includeModerator: Bool
    /// Deepest codebook level analysed (1 = themes only, rolled up); nil = every level.
    public var level: Int?

    public init(coders: [String]? = nil, codes: [String] = [], groups: [String] = [], includeModerator: Bool = false, level: Int? = nil) {
        self.coders = coders
        self.codes = codes
        self.groups = groups
        self.includeModerator = includeModerator
        self.level = level
    }
}

/// One code variable of a project analysis.
public struct AgreementCodeVariable: Sendable, Equatable, Codable {
    /// The code's path, `Theme` or `Theme/Subtheme`.
    public var path: String
    /// 1 for a theme, 2 for a subtheme, …
    public var depth: Int
    /// True when the code has sub-codes whose codings count as this code (roll-up).
    public var rollsUp: Bool
}

/// A project's codings and reviews as agreement data: the units (excerpts), coders and variables in scope.
///
/// Per code variable, a coder's value on an excerpt is 1 when the coder applied the code or any code
/// below it (roll-up: a theme counts as applied when any of its subthemes is), 0 when the coder reviewed
/// the excerpt (a review or any coding) without applying it, and missing when the coder never reviewed it.
/// A code without sub-codes is therefore its own codings alone. The `consensus` coder is never a rater.
public struct ProjectAgreementData: Sendable {
    /// Interned data; its codes are the variable paths, then any extra codes the nominal variables need.
    public let dataset: AgreementDataset
    /// The binary variables, in codebook order.
    public let variables: [AgreementCodeVariable]
    /// One nominal variable per mutually exclusive branch in scope (`nominal:<path>`, over its children).
    public let nominal: [AgreementNominalVariable]
    /// The groups whose excerpts are the units, in project order.
    public let groups: [String]
    /// The scope as asked.
    public let scope: AgreementScope

    /// Every coefficient per code variable, pooled over them, and per exclusive branch.
    public func report(options: AgreementOptions = AgreementOptions()) throws -> AgreementReport {
        let binary = variables.indices.map { dataset.binaryMatrix(codeIndex: $0) }
        let nominalMatrices = try nominal.map {
            try dataset.nominalMatrix(codes: $0.codes, variable: $0.variable, reviewedWithoutCode: $0.reviewedWithoutCode)
        }
        return try AgreementAnalysis.report(binary: binary, nominal: nominalMatrices, includePooled: !binary.isEmpty, options: options)
    }

    /// Each excerpt × code variable where the coders who reviewed the excerpt differ, in excerpt then codebook order.
    public func disagreements() -> [AgreementDisagreement] {
        dataset.disagreements(codeCount: variables.count)
    }
}

/// An excerpt and code on which coders differ: who applied it, who reviewed without applying it, who did not review.
public struct AgreementDisagreement: Codable, Sendable, Equatable {
    /// The unit (excerpt ID).
    public var unit: String
    /// The code (its path in a project).
    public var code: String
    /// Coders who applied the code (or, for a rolled-up theme, one of its sub-codes).
    public var appliedBy: [String]
    /// Coders who reviewed the unit without applying it.
    public var notAppliedBy: [String]
    /// Coders who did not review the unit.
    public var notReviewedBy: [String]
    /// The excerpt's group, speaker and the start of its text (project mode only).
    public var group: String?
    public var speaker: String?
    public var snippet: String?

    public init(unit: String, code: String, appliedBy: [String], notAppliedBy: [String], notReviewedBy: [String],
                group: String? = nil, speaker: String? = nil, snippet: String? = nil) {
        self.unit = unit
        self.code = code
        self.appliedBy = appliedBy
        self.notAppliedBy = notAppliedBy
        self.notReviewedBy = notReviewedBy
        self.group = group
        self.speaker = speaker
        self.snippet = snippet
    }

    enum CodingKeys: String, CodingKey {
        case unit, code, group, speaker, snippet
        case appliedBy = "applied_by"
        case notAppliedBy = "not_applied_by"
        case notReviewedBy = "not_reviewed_by"
    }

    /// Units ranked by how many codes the coders differ on (most first, then in unit order): the "biggest" disagreements.
    public static func largest(_ list: [AgreementDisagreement], limit: Int) -> [(unit: String, codes: [String])] {
        var order: [String] = []
        var codes: [String: [String]] = [:]
        for d in list {
            if codes[d.unit] == nil { order.append(d.unit) }
            codes[d.unit, default: []].append(d.code)
        }
        let ranked = order.enumerated().sorted { lhs, rhs in
            let l = codes[lhs.element]!.count, r = codes[rhs.element]!.count
            return l != r ? l > r : lhs.offset < rhs.offset
        }
        return ranked.prefix(limit).map { ($0.element, codes[$0.element]!) }
    }
}

/// Problems with an agreement request on a project.
public enum AgreementProjectError: CategorisedError, Equatable {
    case unknownCoder(name: String, known: [String])
    case consensusIsNotARater
    case unknownCode(spec: String, themes: [String])
    case ambiguousCode(spec: String, paths: [String])
    case invalidLevel(Int)
    case emptyCodebook
    case noCoders(scope: String)
    case noVariables(level: Int)
    case tooManyCodersForCharacters(Int)

    public var category: ErrorCategory {
        switch self {
        // A name the project does not have is bad data (65), as for excerpts, groups and participants.
        case .emptyCodebook, .noCoders, .unknownCoder, .unknownCode, .ambiguousCode: return .badData
        default: return .usage
        }
    }

    public var errorDescription: String? {
        switch self {
        case .unknownCoder(let name, let known):
            return "no coder '\(name)' in this project; its coders are \(known.isEmpty ? "none yet" : known.joined(separator: ", "))."
        case .consensusIsNotARater:
            return "'consensus' is the reconciled coding, not a coder; leave it out of --coders."
        case .unknownCode(let spec, let themes):
            return "no code '\(spec)' in the codebook; give a theme (\(themes.joined(separator: ", "))) or a path such as Theme/Subtheme."
        case .ambiguousCode(let spec, let paths):
            return "'\(spec)' names more than one code (\(paths.joined(separator: "; "))); give its path instead."
        case .invalidLevel(let level):
            return "--level \(level) is not a codebook level; use 1 for themes only, 2 for themes and subthemes."
        case .emptyCodebook:
            return "the codebook is empty, so there is nothing to compare; import a codebook and codings first."
        case .noVariables(let level):
            return "no code is left to analyse: the codes chosen are all below --level \(level); choose a theme or a deeper --level."
        case .tooManyCodersForCharacters(let n):
            return "the character unit compares at most 64 coders at once, not \(n); name the coders to compare with --coders."
        case .noCoders(let scope):
            return "no coder has reviewed any excerpt \(scope); import or enter codings first."
        }
    }
}

/// A scope resolved against a project (see `Project.resolveAgreementScope`).
struct ResolvedAgreementScope {
    /// The groups whose excerpts are the units, in project order.
    var groupNames: [String]
    /// The units' excerpt row ids and refs, in transcript order.
    var excerptIds: [Int64]
    var units: [String]
    /// Excerpt row id → unit index.
    var unitOfExcerpt: DenseIndex
    /// Coders in pair order (every rater when none were named; those without data are dropped later).
    var coderNames: [String]
    /// Coder row id → column.
    var columnOfCoder: DenseIndex
    /// The code variables, in codebook order.
    var variableNodes: [CodebookTree.Node]
    /// One nominal variable per mutually exclusive branch in scope.
    var nominal: [AgreementNominalVariable]
    /// Code row id → the variables it counts for (itself and its ancestors in scope: roll-up).
    var variablesOfCode: [Int64: [Int32]]
}

/// The codebook as a tree, read once: paths, depths, order and descendants.
struct CodebookTree {
    struct Node {
        var id: Int64
        var parent: Int64?
        var name: String
        var path: String
        var depth: Int
        var exclusiveChildren: Bool
        var children: [Int64]
    }

    /// Nodes in codebook order (depth first, siblings by position).
    var nodes: [Node] = []
    var indexOfId: [Int64: Int] = [:]

    init(_ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, parent_id, name, exclusive_children FROM codes ORDER BY position, id")
        var childrenOf: [Int64?: [Row]] = [:]
        for row in rows { childrenOf[row["parent_id"] as Int64?, default: []].append(row) }
        func visit(_ row: Row, parentPath: String?, depth: Int) {
            let id: Int64 = row["id"]
            let name: String = row["name"]
            let path = parentPath.map { "\($0)/\(name)" } ?? name
            let children = childrenOf[id] ?? []
            indexOfId[id] = nodes.count
            nodes.append(Node(id: id, parent: row["parent_id"], name: name, path: path, depth: depth,
                              exclusiveChildren: row["exclusive_children"], children: children.map { $0["id"] }))
            for child in children { visit(child, parentPath: path, depth: depth + 1) }
        }
        for root in childrenOf[nil] ?? [] { visit(root, parentPath: nil, depth: 1) }
    }

    func node(_ id: Int64) -> Node? { indexOfId[id].map { nodes[$0] } }

    /// The node and everything below it.
    func subtree(_ id: Int64) -> [Int64] {
        guard let node = node(id) else { return [] }
        return [id] + node.children.flatMap(subtree)
    }

    /// The node and every ancestor, nearest first.
    func selfAndAncestors(_ id: Int64) -> [Int64] {
        var out: [Int64] = []
        var current: Int64? = id
        while let c = current, let node = node(c) {
            out.append(c)
            current = node.parent
        }
        return out
    }

    /// Resolves a `--codes` value: a path, a theme name, or a code name that is unique.
    func resolve(_ spec: String) throws -> Int64 {
        let wanted = spec.trimmingCharacters(in: .whitespaces)
        let folded = wanted.lowercased()
        if wanted.contains("/") {
            if let node = nodes.first(where: { $0.path.lowercased() == folded }) { return node.id }
        } else if let theme = nodes.first(where: { $0.depth == 1 && $0.name.lowercased() == folded }) {
            return theme.id
        } else {
            let named = nodes.filter { $0.name.lowercased() == folded }
            if named.count == 1 { return named[0].id }
            if named.count > 1 { throw AgreementProjectError.ambiguousCode(spec: wanted, paths: named.map(\.path)) }
        }
        throw AgreementProjectError.unknownCode(spec: wanted, themes: nodes.filter { $0.depth == 1 }.map(\.name))
    }
}

extension AgreementDataset {
    /// For builders that intern data themselves (a project), already checked.
    init(units: [String], coders: [String], codes: [String], reviewed: [Bool], cellsByCode: [[Int32]]) {
        self.units = units
        self.coders = coders
        self.codes = codes
        self.reviewed = reviewed
        self.cellsByCode = cellsByCode
    }

    /// Each unit × code (of the first `codeCount` codes) where, among the coders who reviewed the unit,
    /// some applied the code and some did not; in unit order, then code order.
    public func disagreements(codeCount: Int? = nil) -> [AgreementDisagreement] {
        let m = coders.count
        var found: [(unit: Int32, code: Int, applied: [Bool])] = []
        for k in 0..<min(codeCount ?? codes.count, codes.count) {
            var appliedByUnit: [Int32: [Bool]] = [:]
            for cell in cellsByCode[k] {
                let u = cell / Int32(m), c = Int(cell % Int32(m))
                appliedByUnit[u, default: [Bool](repeating: false, count: m)][c] = true
            }
            for (u, applied) in appliedByUnit {
                let base = Int(u) * m
                let someoneDidNot = (0..<m).contains { !applied[$0] && reviewed[base + $0] }
                if someoneDidNot { found.append((u, k, applied)) }
            }
        }
        found.sort { $0.unit != $1.unit ? $0.unit < $1.unit : $0.code < $1.code }
        return found.map { item in
            let base = Int(item.unit) * m
            var applied: [String] = [], notApplied: [String] = [], notReviewed: [String] = []
            for c in 0..<m {
                if item.applied[c] { applied.append(coders[c]) }
                else if reviewed[base + c] { notApplied.append(coders[c]) }
                else { notReviewed.append(coders[c]) }
            }
            return AgreementDisagreement(unit: units[Int(item.unit)], code: codes[item.code], appliedBy: applied,
                                         notAppliedBy: notApplied, notReviewedBy: notReviewed)
        }
    }
}

/// The excerpt facts a disagreement list shows.
public struct AgreementExcerptInfo: Sendable, Equatable {
    public var group: String
    public var speaker: String?
    public var text: String
}

extension Project {
    /// Coders (other than `consensus`) with at least one review or coding, by name.
    public func codersWithCodings() throws -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT name FROM coders c
                WHERE name <> ? AND (EXISTS (SELECT 1 FROM reviews r WHERE r.coder_id = c.id)
                                     OR EXISTS (SELECT 1 FROM codings k WHERE k.coder_id = c.id))
                ORDER BY name
                """, arguments: [consensusCoder])
        }
    }

    /// Resolves a scope against the project: the groups, the units (excerpts in transcript order), the coders in
    /// pair order and the code variables with what counts for each (roll-up). Shared by every unit of analysis.
    static func resolveAgreementScope(_ db: Database, _ scope: AgreementScope) throws -> ResolvedAgreementScope {
        // Groups.
        let allGroups = try Row.fetchAll(db, sql: "SELECT id, name FROM groups ORDER BY position")
        var groupIds: [Int64] = []
        var groupNames: [String] = []
        if scope.groups.isEmpty {
            groupIds = allGroups.map { $0["id"] }
            groupNames = allGroups.map { $0["name"] }
        } else {
            for wanted in scope.groups {
                guard let row = allGroups.first(where: { ($0["name"] as String).lowercased() == wanted.lowercased() }) else {
                    throw ProjectError.unknownGroup(wanted)
                }
                let id: Int64 = row["id"]
                if !groupIds.contains(id) { groupIds.append(id); groupNames.append(row["name"]) }
            }
            // Units follow project order whatever order the groups were named in.
            let order = allGroups.map { $0["id"] as Int64 }
            let sorted = zip(groupIds, groupNames).sorted { order.firstIndex(of: $0.0)! < order.firstIndex(of: $1.0)! }
            groupIds = sorted.map(\.0)
            groupNames = sorted.map(\.1)
        }

        // Units: excerpts of those groups in transcript order, moderator turns out unless asked.
        var unitOfExcerpt = DenseIndex()
        var units: [String] = []
        var excerptIds: [Int64] = []
        if !groupIds.isEmpty {
            let moderatorFilter = scope.includeModerator ? "" : " AND ifnull(p.is_moderator, 0) = 0"
            let sql = """
                SELECT e.id, e.ref FROM excerpts e JOIN groups g ON g.id = e.group_id
                LEFT JOIN participants p ON p.id = e.participant_id
                WHERE e.group_id IN (\(groupIds.map { String($0) }.joined(separator: ",")))\(moderatorFilter)
                ORDER BY g.position, e.seq
                """
            let cursor = try Row.fetchCursor(db, sql: sql)
            while let row = try cursor.next() {
                unitOfExcerpt.set(row[0] as Int64, Int32(units.count))
                excerptIds.append(row[0])
                units.append(row[1])
            }
        }

        // Coders: as asked, else all but consensus (those without data in scope are dropped below).
        let coderRows = try Row.fetchAll(db, sql: "SELECT id, name FROM coders ORDER BY name")
        let raters = coderRows.filter { ($0["name"] as String) != consensusCoder }
        var coderNames: [String] = []
        var columnOfCoder = DenseIndex()
        if let wanted = scope.coders {
            for name in wanted {
                if name == consensusCoder { throw AgreementProjectError.consensusIsNotARater }
                guard let row = raters.first(where: { ($0["name"] as String) == name }) else {
                    throw AgreementProjectError.unknownCoder(name: name, known: raters.map { $0["name"] })
                }
                if coderNames.contains(name) { throw AgreementInputError.duplicateName(kind: "coder", name: name) }
                columnOfCoder.set(row["id"], Int32(coderNames.count))
                coderNames.append(name)
            }
        } else {
            for row in raters {
                columnOfCoder.set(row["id"], Int32(coderNames.count))
                coderNames.append(row["name"])
            }
        }

        // Variables: the selected codes (with what lies below them), down to the level asked.
        let tree = try CodebookTree(db)
        guard !tree.nodes.isEmpty else { throw AgreementProjectError.emptyCodebook }
        var selected = Set<Int64>()
        if scope.codes.isEmpty {
            selected = Set(tree.nodes.map(\.id))
        } else {
            for spec in scope.codes {
                // A value with commas is a list, unless the whole of it names a code.
                let ids: [Int64]
                if let whole = try? tree.resolve(spec) { ids = [whole] }
                else if spec.contains(",") { ids = try spec.split(separator: ",").map { try tree.resolve(String($0)) } }
                else { ids = [try tree.resolve(spec)] }
                for id in ids { selected.formUnion(tree.subtree(id)) }
            }
        }
        let variableNodes = tree.nodes.filter { node in selected.contains(node.id) && (scope.level.map { node.depth <= $0 } ?? true) }
        guard !variableNodes.isEmpty else { throw AgreementProjectError.noVariables(level: scope.level ?? 0) }
        var variableOfNode = [Int64: Int32]()
        for (i, node) in variableNodes.enumerated() { variableOfNode[node.id] = Int32(i) }
        // Exclusive branches whose children are analysed give a nominal variable over those children.
        var nominal: [AgreementNominalVariable] = []
        for node in variableNodes where node.exclusiveChildren && !node.children.isEmpty {
            let children = node.children.compactMap(tree.node)
            guard children.allSatisfy({ variableOfNode[$0.id] != nil }) else { continue }
            nominal.append(AgreementNominalVariable(variable: "nominal:\(node.path)", codes: children.map(\.path)))
        }

        // Each code counts for itself and every ancestor that is a variable (roll-up).
        var variablesOfCode: [Int64: [Int32]] = [:]
        for node in tree.nodes {
            variablesOfCode[node.id] = tree.selfAndAncestors(node.id).compactMap { variableOfNode[$0] }
        }

        return ResolvedAgreementScope(groupNames: groupNames, excerptIds: excerptIds, units: units, unitOfExcerpt: unitOfExcerpt,
                                      coderNames: coderNames, columnOfCoder: columnOfCoder, variableNodes: variableNodes,
                                      nominal: nominal, variablesOfCode: variablesOfCode)
    }

    /// Reads the excerpts, coders, codebook, codings and reviews in scope into agreement data.
    public func agreementData(_ scope: AgreementScope = AgreementScope()) throws -> ProjectAgreementData {
        if let level = scope.level, level < 1 { throw AgreementProjectError.invalidLevel(level) }
        return try read { db in
            let resolved = try Self.resolveAgreementScope(db, scope)
            let units = resolved.units, unitOfExcerpt = resolved.unitOfExcerpt, columnOfCoder = resolved.columnOfCoder
            let groupNames = resolved.groupNames, variableNodes = resolved.variableNodes, nominal = resolved.nominal
            let variablesOfCode = resolved.variablesOfCode
            var coderNames = resolved.coderNames
            let datasetCodes = variableNodes.map(\.path)

            // Codings and reviews, both marking the excerpt reviewed; first over every rater.
            let m = coderNames.count
            var reviewed = [Bool](repeating: false, count: units.count * m)
            var cellsByCode = [[Int32]](repeating: [], count: datasetCodes.count)
            let reviews = try Row.fetchCursor(db, sql: "SELECT excerpt_id, coder_id FROM reviews")
            while let row = try reviews.next() {
                guard let u = unitOfExcerpt[row[0] as Int64], let c = columnOfCoder[row[1] as Int64] else { continue }
                reviewed[Int(u) * m + Int(c)] = true
            }
            var lastCode: Int64 = -1
            var lastVariables: [Int32] = []
            let codings = try Row.fetchCursor(db, sql: "SELECT excerpt_id, coder_id, code_id FROM codings")
            while let row = try codings.next() {
                guard let u = unitOfExcerpt[row[0] as Int64], let c = columnOfCoder[row[1] as Int64] else { continue }
                let cell = Int(u) * m + Int(c)
                reviewed[cell] = true
                let code: Int64 = row[2]
                if code != lastCode { lastCode = code; lastVariables = variablesOfCode[code] ?? [] }
                for v in lastVariables { cellsByCode[Int(v)].append(Int32(cell)) }
            }

            // Without an explicit list, coders with nothing in scope are not raters here.
            if scope.coders == nil {
                let keep = (0..<m).filter { c in (0..<units.count).contains { reviewed[$0 * m + c] } }
                if keep.count < m {
                    var remap = [Int32](repeating: -1, count: m)
                    for (new, old) in keep.enumerated() { remap[old] = Int32(new) }
                    let m2 = keep.count
                    var reviewed2 = [Bool](repeating: false, count: units.count * m2)
                    for u in 0..<units.count { for (new, old) in keep.enumerated() { reviewed2[u * m2 + new] = reviewed[u * m + old] } }
                    for k in cellsByCode.indices {
                        cellsByCode[k] = cellsByCode[k].compactMap { cell in
                            let u = Int(cell) / m, c = Int(cell) % m
                            return remap[c] < 0 ? nil : Int32(u * m2 + Int(remap[c]))
                        }
                    }
                    reviewed = reviewed2
                    coderNames = keep.map { coderNames[$0] }
                }
                if coderNames.isEmpty {
                    throw AgreementProjectError.noCoders(scope: scope.groups.isEmpty ? "in this project" : "of \(groupNames.joined(separator: ", "))")
                }
            }

            let dataset = AgreementDataset(units: units, coders: coderNames, codes: datasetCodes, reviewed: reviewed, cellsByCode: cellsByCode)
            let variables = variableNodes.map {
                AgreementCodeVariable(path: $0.path, depth: $0.depth, rollsUp: !$0.children.isEmpty)
            }
            return ProjectAgreementData(dataset: dataset, variables: variables, nominal: nominal, groups: groupNames, scope: scope)
        }
    }

    /// Group, speaker and text of excerpts by ref (for disagreement lists).
    public func agreementExcerptInfo(_ refs: [String]) throws -> [String: AgreementExcerptInfo] {
        guard !refs.isEmpty else { return [:] }
        return try read { db in
            var out: [String: AgreementExcerptInfo] = [:]
            for chunk in stride(from: 0, to: refs.count, by: 500).map({ Array(refs[$0..<min($0 + 500, refs.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT e.ref, g.name AS grp, p.pseudonym, e.text FROM excerpts e JOIN groups g ON g.id = e.group_id
                    LEFT JOIN participants p ON p.id = e.participant_id WHERE e.ref IN (\(marks))
                    """, arguments: StatementArguments(chunk))
                for row in rows { out[row["ref"]] = AgreementExcerptInfo(group: row["grp"], speaker: row["pseudonym"], text: row["text"]) }
            }
            return out
        }
    }

    /// The disagreements of the data, with each excerpt's group, speaker and the start of its text.
    public func agreementDisagreements(_ data: ProjectAgreementData, snippetLength: Int = 80) throws -> [AgreementDisagreement] {
        var list = data.disagreements()
        var refs: [String] = []
        var seen = Set<String>()
        for d in list where seen.insert(d.unit).inserted { refs.append(d.unit) }
        let info = try agreementExcerptInfo(refs)
        for i in list.indices {
            guard let excerpt = info[list[i].unit] else { continue }
            list[i].group = excerpt.group
            list[i].speaker = excerpt.speaker
            list[i].snippet = AgreementText.snippet(excerpt.text, length: snippetLength)
        }
        return list
    }
}

/// Text helpers for agreement output.
public enum AgreementText {
    /// The first `length` characters of `text` on one line, with "…" when shortened.
    public static func snippet(_ text: String, length: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        guard flat.count > length else { return flat }
        return String(flat.prefix(max(0, length - 1))).trimmingCharacters(in: .whitespaces) + "…"
    }
}

/// Row ids (INTEGER PRIMARY KEY, dense in practice) to small indices, without hashing.
struct DenseIndex {
    private var slots: [Int32] = []
    private var overflow: [Int64: Int32] = [:]
    private static let denseLimit: Int64 = 1 << 26

    mutating func set(_ id: Int64, _ value: Int32) {
        if id >= 0 && id < Self.denseLimit {
            if Int(id) >= slots.count { slots.append(contentsOf: repeatElement(-1, count: Int(id) - slots.count + 1)) }
            slots[Int(id)] = value
        } else {
            overflow[id] = value
        }
    }

    subscript(id: Int64) -> Int32? {
        if id >= 0 && id < Int64(slots.count) {
            let v = slots[Int(id)]
            return v < 0 ? nil : v
        }
        return overflow[id]
    }
}

import Foundation
import GRDB

/// One code as a codebook file holds it: its definition and its subcodes. Import and export use this.
public struct CodebookEntry: Sendable, Equatable {
    public var name: String
    /// The stable ID (`codes.uid`); absent in a hand-written file, then one is made on import.
    public var id: String?
    public var description: String?
    public var inclusion: String?
    public var exclusion: String?
    public var example: String?
    public var colour: String?
    /// The subcodes are mutually exclusive.
    public var exclusive: Bool
    /// Hidden from new coding, kept for history.
    public var retired: Bool
    public var children: [CodebookEntry]

    public init(name: String, id: String? = nil, description: String? = nil, inclusion: String? = nil, exclusion: String? = nil,
                example: String? = nil, colour: String? = nil, exclusive: Bool = false, retired: Bool = false,
                children: [CodebookEntry] = []) {
        self.name = name
        self.id = id
        self.description = description
        self.inclusion = inclusion
        self.exclusion = exclusion
        self.example = example
        self.colour = colour
        self.exclusive = exclusive
        self.retired = retired
        self.children = children
    }

    /// Every entry below this one (itself first), each with its path.
    func flattened(parentPath: String?) -> [(path: String, parentPath: String?, entry: CodebookEntry)] {
        let path = parentPath.map { $0 + "/" + name } ?? name
        return [(path, parentPath, self)] + children.flatMap { $0.flattened(parentPath: path) }
    }
}

/// A whole codebook file: the top-level codes (themes) with their subcodes.
public struct CodebookDocument: Sendable, Equatable {
    public var codes: [CodebookEntry]
    public init(codes: [CodebookEntry]) { self.codes = codes }

    /// Every entry in tree order (a parent before its children), with paths.
    func flattened() -> [(path: String, parentPath: String?, entry: CodebookEntry)] {
        codes.flatMap { $0.flattened(parentPath: nil) }
    }
}

/// Changes to a code's definition; `nil` leaves a field as it is, an empty string clears it.
public struct CodeDefinitionChanges: Sendable, Equatable {
    public var description: String?
    public var inclusion: String?
    public var exclusion: String?
    public var example: String?
    public var colour: String?
    public var exclusive: Bool?

    public init(description: String? = nil, inclusion: String? = nil, exclusion: String? = nil, example: String? = nil,
                colour: String? = nil, exclusive: Bool? = nil) {
        self.description = description
        self.inclusion = inclusion
        self.exclusion = exclusion
        self.example = example
        self.colour = colour
        self.exclusive = exclusive
    }

    public var isEmpty: Bool {
        description == nil && inclusion == nil && exclusion == nil && example == nil && colour == nil && exclusive == nil
    }
}

/// A code as stored in the project, with its path and place in the tree.
public struct Code: Sendable, Equatable, Codable {
    /// The row id (internal; use `uid` outside the project).
    public var rowId: Int64
    /// The stable ID, kept through rename, move, merge and export.
    public var uid: String
    public var parentRowId: Int64?
    public var name: String
    /// `Theme/Subtheme`.
    public var path: String
    /// 0 for a theme, 1 for a subtheme, …
    public var depth: Int
    public var description: String?
    public var inclusion: String?
    public var exclusion: String?
    public var example: String?
    public var colour: String?
    public var exclusiveChildren: Bool
    /// Retired itself.
    public var retiredFlag: Bool
    /// Retired itself or below a retired code: hidden from new coding.
    public var isRetired: Bool
    public var position: Int
}

/// The stored codebook: every code in tree order, with lookups by path and ID.
public struct CodeTree: Sendable {
    /// All codes, a parent before its children, siblings by position.
    public let codes: [Code]
    private let indexByRow: [Int64: Int]
    private let childrenByParent: [Int64: [Int]]
    private let roots: [Int]
    private let indexByPath: [String: Int]

    /// The codes that can be used for new coding, in tree order.
    public var active: [Code] { codes.filter { !$0.isRetired } }

    init(rows: [Row]) {
        struct Raw { var row: Row; var id: Int64; var parent: Int64?; var position: Int }
        let raws = rows.map { Raw(row: $0, id: $0["id"], parent: $0["parent_id"], position: $0["position"]) }
        var kids: [Int64?: [Raw]] = [:]
        for raw in raws { kids[raw.parent, default: []].append(raw) }
        for key in kids.keys { kids[key]!.sort { ($0.position, $0.id) < ($1.position, $1.id) } }
        var ordered: [Code] = []
        func visit(_ raw: Raw, parentPath: String?, depth: Int, parentRetired: Bool) {
            let name: String = raw.row["name"]
            let path = parentPath.map { $0 + "/" + name } ?? name
            let retired: Bool = raw.row["retired"]
            ordered.append(Code(rowId: raw.id, uid: raw.row["uid"], parentRowId: raw.parent, name: name, path: path, depth: depth,
                                description: raw.row["description"], inclusion: raw.row["inclusion"], exclusion: raw.row["exclusion"],
                                example: raw.row["example"], colour: raw.row["colour"], exclusiveChildren: raw.row["exclusive_children"],
                                retiredFlag: retired, isRetired: retired || parentRetired, position: raw.position))
            for child in kids[raw.id] ?? [] { visit(child, parentPath: path, depth: depth + 1, parentRetired: retired || parentRetired) }
        }
        for root in kids[nil] ?? [] { visit(root, parentPath: nil, depth: 0, parentRetired: false) }
        codes = ordered
        var byRow: [Int64: Int] = [:]
        var byPath: [String: Int] = [:]
        var children: [Int64: [Int]] = [:]
        var rootIndexes: [Int] = []
        for (i, code) in ordered.enumerated() {
            byRow[code.rowId] = i
            byPath[code.path.lowercased()] = i
            if let parent = code.parentRowId { children[parent, default: []].append(i) } else { rootIndexes.append(i) }
        }
        indexByRow = byRow
        indexByPath = byPath
        childrenByParent = children
        roots = rootIndexes
    }

    /// Loads the whole codebook.
    static func load(_ db: Database) throws -> CodeTree {
        CodeTree(rows: try Row.fetchAll(db, sql: """
            SELECT id, uid, parent_id, name, description, inclusion, exclusion, example, colour, exclusive_children, retired, position
            FROM codes
            """))
    }

    /// The code with this row id.
    public func code(rowId: Int64) -> Code? { indexByRow[rowId].map { codes[$0] } }

    /// The code with this stable uid.
    public func code(uid: String) -> Code? { codes.first { $0.uid == uid } }

    /// The code at this path (case-insensitive; spaces around `/` ignored), or `nil`.
    public func code(path: String) -> Code? {
        indexByPath[CodeTree.normalisePath(path).lowercased()].map { codes[$0] }
    }

    /// The direct subcodes of a code (or the themes, for `nil`), in order.
    public func children(of rowId: Int64?) -> [Code] {
        (rowId.map { childrenByParent[$0] ?? [] } ?? roots).map { codes[$0] }
    }

    /// The code and all codes below it.
    public func subtree(of rowId: Int64) -> [Code] {
        guard let code = code(rowId: rowId) else { return [] }
        return [code] + children(of: rowId).flatMap { subtree(of: $0.rowId) }
    }

    /// The parent of a code, or `nil` for a theme.
    public func parent(of code: Code) -> Code? { code.parentRowId.flatMap { self.code(rowId: $0) } }

    /// Finds a code by path (case-insensitive) or by ID (the whole ID, or a unique prefix of at least 6 characters).
    public func resolve(_ reference: String) throws -> Code {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        if let code = code(path: trimmed) { return code }
        let lower = trimmed.lowercased()
        if let code = codes.first(where: { $0.uid.lowercased() == lower }) { return code }
        if lower.count >= 6, !lower.contains("/") {
            let matches = codes.filter { $0.uid.lowercased().hasPrefix(lower) }
            if matches.count == 1 { return matches[0] }
            if matches.count > 1 { throw CodebookError.ambiguousCode(trimmed, candidates: matches.map(\.path)) }
        }
        throw CodebookError.unknownCode(trimmed)
    }

    /// The codebook as a document, for export.
    public func document() -> CodebookDocument {
        func entry(_ code: Code) -> CodebookEntry {
            CodebookEntry(name: code.name, id: code.uid, description: code.description, inclusion: code.inclusion,
                          exclusion: code.exclusion, example: code.example, colour: code.colour,
                          exclusive: code.exclusiveChildren, retired: code.retiredFlag,
                          children: children(of: code.rowId).map(entry))
        }
        return CodebookDocument(codes: children(of: nil).map(entry))
    }

    /// `A / B/ C` → `A/B/C`: spaces around separators are not part of names.
    static func normalisePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: "/")
    }

    /// Splits a path into its parent path and the last name.
    static func splitPath(_ path: String) -> (parent: String?, name: String) {
        let parts = normalisePath(path).split(separator: "/").map(String.init)
        guard let last = parts.last else { return (nil, "") }
        return (parts.count > 1 ? parts.dropLast().joined(separator: "/") : nil, last)
    }
}

/// Rules for names, colours and IDs, shared by every way of adding codes.
enum CodeRules {
    static func validateName(_ name: String) throws {
        if name.isEmpty { throw CodebookError.invalidName(name, reason: "a name cannot be empty") }
        if name.contains("/") { throw CodebookError.invalidName(name, reason: "'/' separates a path's names, so a name cannot contain it") }
        if name != name.trimmingCharacters(in: .whitespacesAndNewlines) {
            throw CodebookError.invalidName(name, reason: "a name cannot start or end with spaces")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw CodebookError.invalidName(name, reason: "a name cannot contain line breaks or control characters")
        }
        if name.count > 120 { throw CodebookError.invalidName(name, reason: "a name can have at most 120 characters") }
    }

    static func validateColour(_ colour: String) throws {
        let ok = colour.count == 7 && colour.hasPrefix("#") && colour.dropFirst().allSatisfy(\.isHexDigit)
        if !ok { throw CodebookError.invalidColour(colour) }
    }

    static func validateId(_ id: String) throws {
        let ok = !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy {
            ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" || $0 == "."
        }
        if !ok { throw CodebookError.invalidId(id) }
    }

    static func newUid() -> String { UUID().uuidString.lowercased() }
}

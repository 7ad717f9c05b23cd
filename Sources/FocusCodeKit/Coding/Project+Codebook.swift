import Foundation
import GRDB

/// What merging one code into another did.
public struct MergeSummary: Sendable, Equatable {
    /// Codings moved to the survivor.
    public var moved: Int
    /// Codings dropped because the same coder had already applied the survivor to that excerpt (one kept).
    public var collapsed: Int
    /// Subcodes re-parented under the survivor.
    public var childrenMoved: Int
    /// The code that remains.
    public var survivor: Code
}

/// What a codebook import did.
public struct CodebookImportSummary: Sendable, Equatable {
    public var created: Int
    public var updated: Int
    public var unchanged: Int
}

/// Excerpt counts per code (with roll-up: a code counts excerpts coded with it or any of its subcodes, once).
public struct CodebookCounts: Sendable, Equatable {
    /// Coders in name order.
    public var coders: [String]
    /// code row id → coder name → excerpts.
    public var perCoder: [Int64: [String: Int]]
    /// code row id → excerpts coded by any coder.
    public var anyCoder: [Int64: Int]
}

extension Project {
    /// The whole codebook in tree order.
    public func codebook() throws -> CodeTree {
        try read { db in try CodeTree.load(db) }
    }

    /// Excerpts coded per code and coder, rolled up the tree. One pass over the codings in excerpt order (the unique
    /// index gives that order without sorting): each coding counts for its code and every ancestor, and a stamp per
    /// (coder, code) makes an excerpt count once. A GROUP BY with count(DISTINCT) over the ancestors took 15 s at
    /// 3,000,000 codings.
    public func codebookCounts() throws -> CodebookCounts {
        try read { db in
            let tree = try CodeTree.load(db)
            let coderRows = try Row.fetchAll(db, sql: "SELECT id, name FROM coders ORDER BY name")
            let coders: [String] = coderRows.map { $0["name"] }
            var coderIndex: [Int64: Int] = [:]
            for (i, row) in coderRows.enumerated() { coderIndex[row["id"]] = i }
            let n = tree.codes.count
            var codeIndex: [Int64: Int] = [:]
            for (i, code) in tree.codes.enumerated() { codeIndex[code.rowId] = i }
            let ancestors: [[Int]] = tree.codes.map { code in
                var chain: [Int] = []
                var current: Code? = code
                while let c = current { chain.append(codeIndex[c.rowId]!); current = tree.parent(of: c) }
                return chain
            }
            var perCoder = [Int](repeating: 0, count: n * max(1, coders.count))
            var any = [Int](repeating: 0, count: n)
            var stamp = [Int64](repeating: -1, count: n * max(1, coders.count))
            var anyStamp = [Int64](repeating: -1, count: n)
            let cursor = try Row.fetchCursor(db, sql: "SELECT excerpt_id, code_id, coder_id FROM codings ORDER BY excerpt_id")
            while let row = try cursor.next() {
                let excerpt: Int64 = row[0]
                guard let code = codeIndex[row[1]], let coder = coderIndex[row[2]] else { continue }
                for a in ancestors[code] {
                    let key = coder * n + a
                    if stamp[key] != excerpt { stamp[key] = excerpt; perCoder[key] += 1 }
                    if anyStamp[a] != excerpt { anyStamp[a] = excerpt; any[a] += 1 }
                }
            }
            var byCode: [Int64: [String: Int]] = [:]
            var anyByCode: [Int64: Int] = [:]
            for (i, code) in tree.codes.enumerated() {
                if any[i] > 0 { anyByCode[code.rowId] = any[i] }
                for (c, name) in coders.enumerated() where perCoder[c * n + i] > 0 { byCode[code.rowId, default: [:]][name] = perCoder[c * n + i] }
            }
            return CodebookCounts(coders: coders, perCoder: byCode, anyCoder: anyByCode)
        }
    }

    /// Adds a code at `path` (`Theme` or `Theme/Subtheme`); its parent must exist. Returns the new code.
    @discardableResult
    public func addCode(path: String, uid: String? = nil, definition: CodeDefinitionChanges = CodeDefinitionChanges(),
                        actor: String? = nil) throws -> Code {
        let (parentPath, name) = CodeTree.splitPath(path)
        try CodeRules.validateName(name)
        if let uid { try CodeRules.validateId(uid) }
        if let colour = definition.colour, !colour.isEmpty { try CodeRules.validateColour(colour) }
        return try write { db in
            let tree = try CodeTree.load(db)
            var parent: Code?
            if let parentPath {
                guard let p = tree.code(path: parentPath) else { throw CodebookError.unknownParent(path: parentPath) }
                parent = p
            }
            let id = try Self.insertCode(db, tree: tree, name: name, parent: parent, uid: uid, definition: definition, retired: false)
            let code = try CodeTree.load(db).code(rowId: id)!
            try AuditLog.record(db, actor: actor, action: "code.add", objectKind: "code", objectRef: code.uid, detail: "path=\(code.path)")
            return code
        }
    }

    /// Renames a code; its ID and codings stay.
    @discardableResult
    public func renameCode(_ reference: String, to newName: String, actor: String? = nil) throws -> Code {
        try CodeRules.validateName(newName)
        return try write { db in
            let tree = try CodeTree.load(db)
            let code = try tree.resolve(reference)
            try Self.checkSiblingName(tree, parent: code.parentRowId, name: newName, except: code.rowId)
            try db.execute(sql: "UPDATE codes SET name = ? WHERE id = ?", arguments: [newName, code.rowId])
            let renamed = try CodeTree.load(db).code(rowId: code.rowId)!
            try AuditLog.record(db, actor: actor, action: "code.rename", objectKind: "code", objectRef: code.uid,
                                detail: "from=\(code.path) to=\(renamed.path)")
            return renamed
        }
    }

    /// Moves a code (with its subcodes) under another code, or to the top level when `parent` is `nil`.
    @discardableResult
    public func moveCode(_ reference: String, under parentReference: String?, actor: String? = nil) throws -> Code {
        try write { db in
            let tree = try CodeTree.load(db)
            let code = try tree.resolve(reference)
            var parent: Code?
            if let parentReference {
                let p = try tree.resolve(parentReference)
                if tree.subtree(of: code.rowId).contains(where: { $0.rowId == p.rowId }) {
                    throw CodebookError.moveIntoItself(code: code.path, target: p.path)
                }
                parent = p
            }
            if parent?.rowId == code.parentRowId { return code }
            try Self.checkSiblingName(tree, parent: parent?.rowId, name: code.name, except: code.rowId)
            try db.execute(sql: "UPDATE codes SET parent_id = ?, position = ? WHERE id = ?",
                           arguments: [parent?.rowId, Self.nextPosition(tree, parent: parent?.rowId), code.rowId])
            let moved = try CodeTree.load(db).code(rowId: code.rowId)!
            try AuditLog.record(db, actor: actor, action: "code.move", objectKind: "code", objectRef: code.uid,
                                detail: "from=\(code.path) to=\(moved.path)")
            return moved
        }
    }

    /// Merges `source` into `target`: every coding moves to the target (a coder who had both keeps one, with the
    /// target's span and, if it had none, the source's note), subcodes and memos move too, and the source is removed.
    @discardableResult
    public func mergeCode(_ sourceReference: String, into targetReference: String, actor: String? = nil) throws -> MergeSummary {
        try write { db in
            let tree = try CodeTree.load(db)
            let source = try tree.resolve(sourceReference)
            let target = try tree.resolve(targetReference)
            if tree.subtree(of: source.rowId).contains(where: { $0.rowId == target.rowId }) {
                throw CodebookError.mergeIntoItself(code: source.path, target: target.path)
            }
            if target.isRetired { throw CodebookError.retired(target.path) }
            let targetChildren = Set(tree.children(of: target.rowId).map { $0.name.lowercased() })
            let sourceChildren = tree.children(of: source.rowId)
            if let clash = sourceChildren.first(where: { targetChildren.contains($0.name.lowercased()) }) {
                throw CodebookError.mergeChildClash(source: source.path, target: target.path, child: clash.name)
            }
            let (moved, collapsed) = try Self.mergeRows(db, source: source, into: target, tree: tree)
            try AuditLog.record(db, actor: actor, action: "code.merge", objectKind: "code", objectRef: source.uid,
                                detail: "from=\(source.path) into=\(target.uid) moved=\(moved) collapsed=\(collapsed) children=\(sourceChildren.count)")
            return MergeSummary(moved: moved, collapsed: collapsed, childrenMoved: sourceChildren.count,
                                survivor: try CodeTree.load(db).code(rowId: target.rowId)!)
        }
    }

    /// What a merge does to the rows (also when a merge made on the team hub arrives by pull): passages move to the
    /// target (collapsing those coded with both), subcodes and memos move, the source is removed, and the merge is
    /// remembered (`code_merges`) so that a passage still naming the source later finds the target.
    static func mergeRows(_ db: Database, source: Code, into target: Code, tree: CodeTree) throws -> (moved: Int, collapsed: Int) {
        let args: StatementArguments = ["s": source.rowId, "t": target.rowId]
        let sourceChildren = tree.children(of: source.rowId)
        // A passage coded with both codes (same excerpt, coder and span, or both the whole turn) becomes one passage
        // of the target, keeping the source's note when the target's had none; other passages move over as they are.
        let samePassage = """
            o.excerpt_id = codings.excerpt_id AND o.coder_id = codings.coder_id
            AND o.span_start IS codings.span_start AND o.span_end IS codings.span_end
            """
        try db.execute(sql: """
            UPDATE codings SET note = (SELECT o.note FROM codings o WHERE o.code_id = :s AND \(samePassage))
            WHERE code_id = :t AND note IS NULL AND EXISTS (SELECT 1 FROM codings o WHERE o.code_id = :s AND \(samePassage))
            """, arguments: args)
        try db.execute(sql: """
            DELETE FROM codings WHERE code_id = :s AND EXISTS (SELECT 1 FROM codings o WHERE o.code_id = :t AND \(samePassage))
            """, arguments: args)
        let collapsed = db.changesCount
        try db.execute(sql: "UPDATE codings SET code_id = :t WHERE code_id = :s", arguments: args)
        let moved = db.changesCount
        var position = nextPosition(tree, parent: target.rowId)
        for child in sourceChildren {
            try db.execute(sql: "UPDATE codes SET parent_id = ?, position = ? WHERE id = ?", arguments: [target.rowId, position, child.rowId])
            position += 1
        }
        try db.execute(sql: "UPDATE memos SET target_id = :t WHERE target_kind = 'code' AND target_id = :s", arguments: args)
        try db.execute(sql: "DELETE FROM codes WHERE id = ?", arguments: [source.rowId])
        try db.execute(sql: "INSERT OR REPLACE INTO code_merges(source_uid, target_uid, merged_at) VALUES (?, ?, ?)",
                       arguments: [source.uid, target.uid, Clock.nowString()])
        return (moved, collapsed)
    }

    /// Retires a code (hidden from new coding, with its subcodes; codings kept), or restores it.
    @discardableResult
    public func retireCode(_ reference: String, restore: Bool = false, actor: String? = nil) throws -> Code {
        try write { db in
            let code = try CodeTree.load(db).resolve(reference)
            try db.execute(sql: "UPDATE codes SET retired = ? WHERE id = ?", arguments: [!restore, code.rowId])
            try AuditLog.record(db, actor: actor, action: restore ? "code.restore" : "code.retire", objectKind: "code",
                                objectRef: code.uid, detail: "path=\(code.path)")
            return try CodeTree.load(db).code(rowId: code.rowId)!
        }
    }

    /// Changes a code's definition: description, criteria, example, colour, mutually exclusive subcodes.
    @discardableResult
    public func describeCode(_ reference: String, _ changes: CodeDefinitionChanges, actor: String? = nil) throws -> Code {
        if let colour = changes.colour, !colour.isEmpty { try CodeRules.validateColour(colour) }
        return try write { db in
            let code = try CodeTree.load(db).resolve(reference)
            var sets: [String] = []
            var arguments: StatementArguments = []
            func set(_ column: String, _ value: String?) {
                guard let value else { return }
                sets.append("\(column) = ?")
                _ = arguments.append(contentsOf: [value.isEmpty ? nil : value])
            }
            set("description", changes.description)
            set("inclusion", changes.inclusion)
            set("exclusion", changes.exclusion)
            set("example", changes.example)
            set("colour", changes.colour)
            if let exclusive = changes.exclusive {
                sets.append("exclusive_children = ?")
                _ = arguments.append(contentsOf: [exclusive])
            }
            guard !sets.isEmpty else { return code }
            _ = arguments.append(contentsOf: [code.rowId])
            try db.execute(sql: "UPDATE codes SET \(sets.joined(separator: ", ")) WHERE id = ?", arguments: arguments)
            try AuditLog.record(db, actor: actor, action: "code.describe", objectKind: "code", objectRef: code.uid,
                                detail: "fields=" + sets.map { String($0.prefix { $0 != " " }) }.joined(separator: ","))
            return try CodeTree.load(db).code(rowId: code.rowId)!
        }
    }

    /// Imports a codebook document: a code is matched by ID, else by path; matched codes take the file's definition,
    /// new ones are added (keeping the file's IDs). Codes not in the file are left alone. One transaction.
    @discardableResult
    public func importCodebook(_ document: CodebookDocument, fileName: String, actor: String? = nil) throws -> CodebookImportSummary {
        let entries = document.flattened()
        try Self.validateCodebookEntries(entries, fileName: fileName)
        return try write { db in try Self.importCodebook(db, entries: entries, fileName: fileName, actor: actor) }
    }

    /// Checks a whole codebook file (names, colours, IDs, duplicates) before anything touches the project.
    static func validateCodebookEntries(_ entries: [(path: String, parentPath: String?, entry: CodebookEntry)], fileName: String) throws {
        var seenPaths = Set<String>()
        var seenIds = Set<String>()
        for (path, _, entry) in entries {
            func bad(_ problem: String) -> CodebookError { .badFile(file: fileName, location: "", problem: "code '\(path)': \(problem)") }
            do { try CodeRules.validateName(entry.name) } catch let error as CodebookError { throw bad(error.errorDescription ?? "invalid name") }
            if let colour = entry.colour, !colour.isEmpty {
                do { try CodeRules.validateColour(colour) } catch let error as CodebookError { throw bad(error.errorDescription ?? "invalid colour") }
            }
            if let id = entry.id {
                do { try CodeRules.validateId(id) } catch let error as CodebookError { throw bad(error.errorDescription ?? "invalid ID") }
                if !seenIds.insert(id.lowercased()).inserted { throw bad("the ID '\(id)' is used by another code in the file too") }
            }
            if !seenPaths.insert(path.lowercased()).inserted { throw bad("the file defines this code twice (names are unique among siblings, ignoring case)") }
        }
    }

    /// The body of `importCodebook`, inside a transaction the caller owns (a REFI project import adds its codebook this way).
    static func importCodebook(_ db: Database, entries: [(path: String, parentPath: String?, entry: CodebookEntry)], fileName: String,
                               actor: String?) throws -> CodebookImportSummary {
        do {
            var summary = CodebookImportSummary(created: 0, updated: 0, unchanged: 0)
            for (path, parentPath, entry) in entries {
                let tree = try CodeTree.load(db)
                let byId = entry.id.flatMap { id in tree.codes.first { $0.uid.lowercased() == id.lowercased() } }
                let byPath = tree.code(path: path)
                if let byId, byId.path.lowercased() != path.lowercased() {
                    throw CodebookError.badFile(file: fileName, location: "", problem: "code '\(path)': its ID \(byId.uid) belongs to '\(byId.path)' in this project; rename or move that code first, or remove the ID from the file")
                }
                if let byPath, let id = entry.id, byPath.uid.lowercased() != id.lowercased() {
                    throw CodebookError.badFile(file: fileName, location: "", problem: "code '\(path)' has the ID \(byPath.uid) in this project, not \(id); fix the ID in the file or remove it")
                }
                if let existing = byId ?? byPath {
                    let same = existing.name == entry.name && existing.description == entry.description && existing.inclusion == entry.inclusion
                        && existing.exclusion == entry.exclusion && existing.example == entry.example && existing.colour == entry.colour
                        && existing.exclusiveChildren == entry.exclusive && existing.retiredFlag == entry.retired
                    if same { summary.unchanged += 1; continue }
                    try db.execute(sql: """
                        UPDATE codes SET name = ?, description = ?, inclusion = ?, exclusion = ?, example = ?, colour = ?,
                          exclusive_children = ?, retired = ? WHERE id = ?
                        """, arguments: [entry.name, entry.description, entry.inclusion, entry.exclusion, entry.example, entry.colour,
                                         entry.exclusive, entry.retired, existing.rowId])
                    summary.updated += 1
                } else {
                    let parent = parentPath.flatMap { tree.code(path: $0) }
                    let definition = CodeDefinitionChanges(description: entry.description, inclusion: entry.inclusion, exclusion: entry.exclusion,
                                                           example: entry.example, colour: entry.colour, exclusive: entry.exclusive)
                    _ = try Self.insertCode(db, tree: tree, name: entry.name, parent: parent, uid: entry.id, definition: definition,
                                            retired: entry.retired)
                    summary.created += 1
                }
            }
            try AuditLog.record(db, actor: actor, action: "codebook.import", objectKind: "codebook", objectRef: fileName,
                                detail: "created=\(summary.created) updated=\(summary.updated) unchanged=\(summary.unchanged)")
            return summary
        }
    }

    static func insertCode(_ db: Database, tree: CodeTree, name: String, parent: Code?, uid: String?,
                           definition: CodeDefinitionChanges, retired: Bool) throws -> Int64 {
        try checkSiblingName(tree, parent: parent?.rowId, name: name, except: nil)
        let uid = uid ?? CodeRules.newUid()
        if tree.codes.contains(where: { $0.uid.lowercased() == uid.lowercased() }) { throw CodebookError.duplicateId(uid) }
        func value(_ s: String?) -> String? { s.flatMap { $0.isEmpty ? nil : $0 } }
        try db.execute(sql: """
            INSERT INTO codes(uid, parent_id, name, description, inclusion, exclusion, example, colour, exclusive_children, retired,
                              position, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [uid, parent?.rowId, name, value(definition.description), value(definition.inclusion),
                             value(definition.exclusion), value(definition.example), value(definition.colour),
                             definition.exclusive ?? false, retired, nextPosition(tree, parent: parent?.rowId), Clock.nowString()])
        return db.lastInsertedRowID
    }

    static func checkSiblingName(_ tree: CodeTree, parent: Int64?, name: String, except: Int64?) throws {
        if tree.children(of: parent).contains(where: { $0.rowId != except && $0.name.lowercased() == name.lowercased() }) {
            throw CodebookError.duplicateName(parent: parent.flatMap { tree.code(rowId: $0)?.path }, name: name)
        }
    }

    static func nextPosition(_ tree: CodeTree, parent: Int64?) -> Int {
        (tree.children(of: parent).map(\.position).max() ?? 0) + 1
    }
}

import Foundation
import GRDB
import FocusCodeTestSupport
import XCTest
@testable import FocusCodeKit

/// TEST-ONLY helpers for the agreement and reconcile tests: the fixture project (through the shared
/// `FixtureData` loader, independent of the code under test) and small hand-made projects in plain SQL.
enum AgreementFixtureLoader {
    /// A project with FG1 and FG2 imported (moderator flagged), the fixture codebook, and coder_a's and coder_b's codings.
    static func fixtureProject(in dir: TempDir) throws -> Project {
        let project = try FixtureData.importTranscripts(into: dir.path("agreement.sqlite"))
        try FixtureData.insertCodebookAndCodings(into: project, consensus: false)
        return project
    }

    /// Inserts codes given as paths (parents before children); `exclusive` paths get `exclusive_children = 1`.
    static func insertCodes(_ project: Project, paths: [String], exclusive: Set<String> = []) throws {
        try project.write { db in
            var idOfPath: [String: Int64] = [:]
            for (position, path) in paths.enumerated() {
                let parts = path.split(separator: "/").map(String.init)
                let parent = parts.count > 1 ? idOfPath[parts.dropLast().joined(separator: "/")] : nil
                try db.execute(sql: """
                    INSERT INTO codes(uid, parent_id, name, exclusive_children, position, created_at) VALUES (?, ?, ?, ?, ?, 'now')
                    """, arguments: [UUID().uuidString, parent, parts.last!, exclusive.contains(path) ? 1 : 0, position])
                idOfPath[path] = db.lastInsertedRowID
            }
        }
    }

    /// One review (and, with a code path, one coding) by `coder`, created if new.
    static func insert(_ db: Database, excerpt ref: String, coder: String, code path: String?) throws {
        guard let excerpt = try Int64.fetchOne(db, sql: "SELECT id FROM excerpts WHERE ref = ?", arguments: [ref]) else {
            throw ProjectError.unknownExcerpt(ref)
        }
        let coderId: Int64
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ?", arguments: [coder]) {
            coderId = id
        } else {
            try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES (?, ?, 'now')", arguments: [coder, UUID().uuidString])
            coderId = db.lastInsertedRowID
        }
        try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, 'now')", arguments: [excerpt, coderId])
        guard let path else { return }
        guard let code = try codeId(db, path: path) else { XCTFail("no code \(path)"); return }
        try db.execute(sql: "INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (?, ?, ?, 'now')", arguments: [excerpt, code, coderId])
    }

    static func codeId(_ db: Database, path: String) throws -> Int64? {
        var parent: Int64? = nil
        for name in path.split(separator: "/").map(String.init) {
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM codes WHERE ifnull(parent_id, 0) = ? AND name = ?",
                                              arguments: [parent ?? 0, name]) else { return nil }
            parent = id
        }
        return parent
    }

    /// A coder's codings as (excerpt, code path) pairs, sorted.
    static func codings(_ project: Project, coder: String) throws -> [String] {
        try project.read { db in
            let tree = try CodebookTree(db)
            return try Row.fetchAll(db, sql: """
                SELECT e.ref, k.code_id FROM codings k JOIN excerpts e ON e.id = k.excerpt_id JOIN coders r ON r.id = k.coder_id
                WHERE r.name = ?
                """, arguments: [coder]).map { "\($0["ref"] as String) \(tree.node($0["code_id"])!.path)" }.sorted()
        }
    }

    /// A small project: one group G1 whose first turn (G1-0001) is the moderator's, then `turns` participant turns
    /// (G1-0002 …), and the codes given as paths.
    static func smallProject(in dir: TempDir, turns: Int, codes: [String], exclusive: Set<String> = []) throws -> Project {
        let project = try Project.create(at: dir.path("small.sqlite"))
        var text = "Moderator: Welcome.\n"
        for i in 1...turns { text += "P\(i % 3): Turn number \(i) about the work.\n" }
        try project.importText(text, group: "G1", in: dir, moderators: ["Moderator"])
        try insertCodes(project, paths: codes, exclusive: exclusive)
        return project
    }

    /// Inserts codings given as "ref coder code|-" lines (`-` = reviewed, none).
    static func code(_ project: Project, _ lines: [String]) throws {
        try project.write { db in
            for line in lines {
                let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
                try insert(db, excerpt: parts[0], coder: parts[1], code: parts[2] == "-" ? nil : parts[2])
            }
        }
    }
}

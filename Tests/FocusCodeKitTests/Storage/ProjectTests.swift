import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class ProjectTests: XCTestCase {
    func testCreateMakesOwnerOnlyWALProjectWithForeignKeys() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let mode = try FileManager.default.attributesOfItem(atPath: project.path)[.posixPermissions] as! Int
        XCTAssertEqual(mode & 0o777, 0o600)
        try project.read { db in
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA journal_mode"), "wal")
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA foreign_keys"), 1)
        }
        XCTAssertEqual(try project.appliedMigrations(), ["v1-initial-schema", "v2-passages", "v3-suggestions", "v4-hub", "v5-hub"])
        XCTAssertEqual(try project.count("audit_log"), 1)
        // The WAL and shared-memory files take the main file's owner-only mode.
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: project.path + suffix) {
            let m = try FileManager.default.attributesOfItem(atPath: project.path + suffix)[.posixPermissions] as! Int
            XCTAssertEqual(m & 0o077, 0, suffix)
        }
    }

    func testCreateRefusesExistingFileAndMissingFolder() throws {
        let dir = TempDir()
        dir.write("x.sqlite", "hello")
        XCTAssertThrowsError(try Project.create(at: dir.path("x.sqlite"))) {
            XCTAssertEqual($0 as? ProjectError, .projectExists(path: dir.path("x.sqlite")))
        }
        XCTAssertThrowsError(try Project.create(at: dir.path("nope/p.sqlite"))) {
            XCTAssertEqual(($0 as? ProjectError)?.category, .cannotCreate)
        }
        // The text file was left alone.
        XCTAssertEqual(try String(contentsOfFile: dir.path("x.sqlite"), encoding: .utf8), "hello")
    }

    func testOpenRefusesMissingNonSQLiteAndForeignSQLiteFiles() throws {
        let dir = TempDir()
        XCTAssertThrowsError(try Project.open(at: dir.path("missing.sqlite"))) {
            XCTAssertEqual($0 as? ProjectError, .projectMissing(path: dir.path("missing.sqlite")))
        }
        dir.write("text.sqlite", String(repeating: "not a database ", count: 100))
        XCTAssertThrowsError(try Project.open(at: dir.path("text.sqlite"))) {
            guard case .notAProject? = $0 as? ProjectError else { return XCTFail("\($0)") }
        }
        let other = try DatabaseQueue(path: dir.path("other.sqlite"))
        try other.write { try $0.execute(sql: "CREATE TABLE t(x)") }
        try other.close()
        XCTAssertThrowsError(try Project.open(at: dir.path("other.sqlite"))) {
            guard case .notAProject? = $0 as? ProjectError else { return XCTFail("\($0)") }
        }
    }

    /// A project written at the first migration opens and is migrated to the current schema, data intact.
    func testProjectFromFirstMigrationOpensAndMigrates() throws {
        let dir = TempDir()
        let path = dir.path("old.sqlite")
        let old = try DatabaseQueue(path: path)
        let first = Migrations.migrator.migrations[0]
        try Migrations.migrator.migrate(old, upTo: first)
        try old.write { db in
            try db.execute(sql: "INSERT INTO groups(name, position, created_at) VALUES ('FG1', 1, '2026-01-01T00:00:00Z')")
        }
        try old.close()
        let project = try Project.open(at: path)
        XCTAssertEqual(try project.appliedMigrations(), Migrations.migrator.migrations)
        XCTAssertEqual(try project.groups().map(\.name), ["FG1"])
    }

    func testNewerSchemaIsRefusedNotDamaged() throws {
        let dir = TempDir()
        let path = dir.path("new.sqlite")
        _ = try Project.create(at: path)
        let q = try DatabaseQueue(path: path)
        try q.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
        try q.close()
        XCTAssertThrowsError(try Project.open(at: path)) {
            XCTAssertEqual($0 as? ProjectError, .newerSchema(path: path, migration: "v99-from-the-future"))
        }
    }

    func testSchemaHasEveryTableOfTheProductConcepts() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let tables = try project.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'excerpts_fts_%'")
        }
        for table in ["project_info", "groups", "documents", "participants", "participant_attributes", "excerpts", "excerpts_fts",
                      "codes", "coders", "codings", "reviews", "memos", "audit_log", "redaction_counts", "placeholders",
                      "anonymisation_decisions"] {
            XCTAssertTrue(tables.contains(table), table)
        }
    }

    func testCodingSpanAndUniquenessConstraintsHold() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText("A: one\nB: two\n", group: "G", in: dir)
        try project.write { db in
            try db.execute(sql: "INSERT INTO codes(uid, name, position, created_at) VALUES ('u1', 'Theme', 1, 'now')")
            try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES ('alice', 'c1', 'now')")
            try db.execute(sql: "INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (1, 1, 1, 'now')")
        }
        // The same coding twice, a half span, an empty span and a name with '/' are all refused.
        for sql in ["INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (1, 1, 1, 'now')",
                    "INSERT INTO codings(excerpt_id, code_id, coder_id, span_start, created_at) VALUES (2, 1, 1, 3, 'now')",
                    "INSERT INTO codings(excerpt_id, code_id, coder_id, span_start, span_end, created_at) VALUES (2, 1, 1, 3, 3, 'now')",
                    "INSERT INTO codes(uid, name, position, created_at) VALUES ('u2', 'a/b', 2, 'now')",
                    "INSERT INTO codes(uid, name, position, created_at) VALUES ('u3', 'theme', 3, 'now')",
                    "INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (99, 1, 1, 'now')"] {
            XCTAssertThrowsError(try project.write { try $0.execute(sql: sql) }, sql)
        }
        XCTAssertEqual(try project.count("codings"), 1)
        // Passages: overlapping spans of one code beside the whole turn are kept; the same span twice, or a passage ID
        // used twice, is refused.
        try project.write { db in
            try db.execute(sql: "INSERT INTO codings(uid, excerpt_id, code_id, coder_id, span_start, span_end, created_at) VALUES ('p1', 1, 1, 1, 0, 3, 'now')")
            try db.execute(sql: "INSERT INTO codings(excerpt_id, code_id, coder_id, span_start, span_end, created_at) VALUES (1, 1, 1, 1, 2, 'now')")
        }
        for sql in ["INSERT INTO codings(excerpt_id, code_id, coder_id, span_start, span_end, created_at) VALUES (1, 1, 1, 0, 3, 'now')",
                    "INSERT INTO codings(uid, excerpt_id, code_id, coder_id, span_start, span_end, created_at) VALUES ('p1', 1, 1, 1, 1, 3, 'now')"] {
            XCTAssertThrowsError(try project.write { try $0.execute(sql: sql) }, sql)
        }
        XCTAssertEqual(try project.count("codings"), 3)
        XCTAssertEqual(try project.read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT uid) FROM codings WHERE length(uid) = 36") }, 2)
    }
}

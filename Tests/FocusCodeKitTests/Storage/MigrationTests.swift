import FocusCodeKit
import FocusCodeTestSupport
import Foundation
import GRDB
import XCTest

/// A project written by the previous release (schema v1: one coding per excerpt, code and coder) opens, migrates to
/// passages, and keeps every coding, span, note and review.
final class MigrationTests: XCTestCase {
    func testReleaseOneProjectMigratesToPassagesWithoutLoss() throws {
        let dir = TempDir()
        let copy = dir.path("release-1.sqlite")
        try FileManager.default.copyItem(atPath: FixtureData.root.appendingPathComponent("projects/release-1.sqlite").path, toPath: copy)
        // What v1 held, read with plain SQLite before the library touches the file.
        let before = try DatabaseQueue(path: copy)
        let oldRows = try before.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.ref, k.uid AS code, r.name AS coder, c.span_start, c.span_end, c.note FROM codings c
                JOIN excerpts e ON e.id = c.excerpt_id JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
                ORDER BY 1, 2, 3
                """).map { "\($0["ref"] as String) \($0["code"] as String) \($0["coder"] as String) \($0["span_start"] as Int? ?? -1):\($0["span_end"] as Int? ?? -1) \($0["note"] as String? ?? "")" }
        }
        let oldReviews = try before.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM reviews") }
        try before.close()
        XCTAssertEqual(oldRows.count, 385)

        let project = try Project.open(at: copy)
        try project.read { db in
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid"), ["v1-initial-schema", "v2-passages", "v3-suggestions", "v4-hub", "v5-hub"])
            let newRows = try Row.fetchAll(db, sql: """
                SELECT e.ref, k.uid AS code, r.name AS coder, c.span_start, c.span_end, c.note FROM codings c
                JOIN excerpts e ON e.id = c.excerpt_id JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
                ORDER BY 1, 2, 3
                """).map { "\($0["ref"] as String) \($0["code"] as String) \($0["coder"] as String) \($0["span_start"] as Int? ?? -1):\($0["span_end"] as Int? ?? -1) \($0["note"] as String? ?? "")" }
            XCTAssertEqual(newRows, oldRows)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM reviews"), oldReviews)
            // Every passage got its own well-formed, time-ordered version-7 UUID, increasing with the row id (so that
            // the migration appended to the uid index rather than writing all over it).
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(DISTINCT uid) FROM codings"), 385)
            let uids = try String.fetchAll(db, sql: "SELECT uid FROM codings ORDER BY id")
            XCTAssertTrue(uids.allSatisfy { UUID(uuidString: $0) != nil && $0 == $0.lowercased() && Array($0)[14] == "7" }, "\(uids.prefix(3))")
            XCTAssertEqual(uids, uids.sorted())
            XCTAssertEqual(try String.fetchOne(db, sql: "PRAGMA integrity_check"), "ok")
            XCTAssertEqual(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, 0)
        }
        // The migrated project takes passages: a second, overlapping passage of the span that coder_c had.
        let existing = try project.codings(CodingFilter(coder: "coder_c", excerpt: "FG1-0007"))
        XCTAssertEqual(existing.map(\.span), [Span(start: 4, end: 30)])
        XCTAssertEqual(existing.first?.note, "spans survive migration")
        let code = try XCTUnwrap(existing.first?.code)
        XCTAssertEqual(try project.applyCode(code, to: "FG1-0007", coder: "coder_c", span: Span(start: 10, end: 40)), .applied)
        XCTAssertEqual(try project.codings(CodingFilter(coder: "coder_c", excerpt: "FG1-0007")).map(\.span),
                       [Span(start: 4, end: 30), Span(start: 10, end: 40)])
        XCTAssertEqual(try project.reviewState("FG1-0009", coder: "coder_c"), .reviewedNone)
    }

    /// A project of the previous release (schema v4, a coder's hub clone) gains memo uids and, per synced row,
    /// whose row it was: from the passage, from the review's key, or (a passage deleted since) the clone's coder.
    func testHubCloneOfTheLastReleaseGetsMemoUIDsAndTheCoderOfEachSyncedRow() throws {
        let dir = TempDir()
        let path = dir.path("clone.sqlite")
        let project = try Project.create(at: path)
        try project.importText("Moderator: Welcome.\nRuth: We had no training.\n", group: "FG1", in: dir, moderators: ["Moderator"])
        try project.addCode(path: "Training")
        try project.applyCode("Training", to: "FG1-0002", coder: "Alice")
        let passage = try project.read { try String.fetchOne($0, sql: "SELECT uid FROM codings") }!
        // Back to schema v4: no memos.uid, no hub_rows.coder.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                DROP TRIGGER memos_uid_default; DROP INDEX memos_uid; ALTER TABLE memos DROP COLUMN uid; ALTER TABLE hub_rows DROP COLUMN coder; DROP TABLE code_merges;
                DELETE FROM grdb_migrations WHERE identifier = 'v5-hub';
                INSERT INTO hub_link(key, value) VALUES ('url', 'postgresql://h/s'), ('hub_id', 'x'), ('role', 's_alice'), ('coder', 'alice'), ('cursor', '9');
                INSERT INTO hub_rows(kind, uid, version, hash) VALUES ('passage', '\(passage)', 3, 'h1'), ('passage', 'gone', 4, 'h2'),
                  ('review', 'FG1-0002/alice', 5, 'h3'), ('code', 'c1', 1, 'h4');
                INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('project', NULL, NULL, 'one', 'now', 'now'),
                  ('project', NULL, 'alice', 'two', 'now', 'now');
                """)
        }
        try queue.close()

        let migrated = try Project.open(at: path)
        try migrated.read { db in
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT kind || ' ' || uid || ' ' || coalesce(coder, '-') FROM hub_rows ORDER BY version"),
                           ["code c1 -", "passage \(passage) alice", "passage gone alice", "review FG1-0002/alice alice"])
            let uids = try String.fetchAll(db, sql: "SELECT uid FROM memos ORDER BY id")
            XCTAssertEqual(uids.count, 2)
            XCTAssertEqual(Set(uids).count, 2)
            XCTAssertEqual(try String.fetchAll(db, sql: "SELECT text FROM memos ORDER BY id"), ["one", "two"])
        }
    }
}

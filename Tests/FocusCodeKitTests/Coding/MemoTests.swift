import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class MemoTests: XCTestCase {
    func testMemosOnEveryKindOfTargetAreListedByTargetAndAuthor() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let pseudonym = try XCTUnwrap(try project.participants().first { !$0.isModerator }?.pseudonym)
        try project.addMemo("Overall: training is the thread", on: .project, author: "alice")
        try project.addMemo("Group ran long", on: .group("FG1"), author: "bob")
        try project.addMemo("Speaks for the night shift", on: .participant(pseudonym))
        try project.addMemo("  Ask what 'old' means \n", on: .excerpt("FG1-0003"), author: "alice")
        try project.addMemo("Split by rank?", on: .code("policing/training"), author: "bob")

        let all = try project.memos()
        XCTAssertEqual(all.map(\.kind), ["project", "group", "participant", "excerpt", "code"])
        XCTAssertEqual(all.map(\.target), [nil, "FG1", pseudonym, "FG1-0003", "Policing/Training"])
        XCTAssertEqual(all.map(\.author), ["alice", "bob", nil, "alice", "bob"])
        XCTAssertEqual(all[3].text, "Ask what 'old' means", "trimmed")
        XCTAssertEqual(try project.memos(on: .excerpt("FG1-0003")).map(\.id), [all[3].id])
        XCTAssertEqual(try project.memos(on: .code("Policing/Training")).map(\.text), ["Split by rank?"])
        XCTAssertEqual(try project.memos(author: "ALICE").map(\.id), [all[0].id, all[3].id])
        XCTAssertEqual(try project.memos(on: .excerpt("FG1-0002")), [])

        // A memo on a code follows the code when it is renamed (it is attached by row, not by name).
        _ = try project.renameCode("Policing/Training", to: "Training needs")
        XCTAssertEqual(try project.memos(on: .code("Policing/Training needs")).map(\.target), ["Policing/Training needs"])
    }

    func testEditAndRemoveBelongToTheAuthorAndTheAuditHasNoText() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let memo = try project.addMemo("Secret-ish working note", on: .excerpt("FG1-0002"), author: "alice")
        XCTAssertThrowsError(try project.editMemo(memo.id, text: "changed", author: "bob")) {
            XCTAssertEqual($0 as? ProjectError, .invalidMemo("memo \(memo.id) is alice's; only its author changes it"))
        }
        let edited = try project.editMemo(memo.id, text: "A better note", author: "Alice")
        XCTAssertEqual(edited.text, "A better note")
        XCTAssertEqual(edited.createdAt, memo.createdAt)
        XCTAssertThrowsError(try project.removeMemo(memo.id, author: "bob"))
        try project.removeMemo(memo.id, author: "alice")
        XCTAssertEqual(try project.memos(), [])
        XCTAssertThrowsError(try project.removeMemo(memo.id)) { XCTAssertEqual($0 as? ProjectError, .unknownMemo(memo.id)) }

        let audit = try project.read { db in try Row.fetchAll(db, sql: "SELECT action, object_ref, coalesce(detail, '') AS detail FROM audit_log WHERE action LIKE 'memo.%' ORDER BY id") }
        XCTAssertEqual(audit.map { $0["action"] as String }, ["memo.add", "memo.edit", "memo.remove"])
        XCTAssertEqual(audit.map { $0["object_ref"] as String }, Array(repeating: String(memo.id), count: 3))
        XCTAssertEqual(audit[0]["detail"] as String, "on=excerpt:FG1-0002")
        for row in audit { XCTAssertFalse((row["detail"] as String).contains("note"), "no memo text in the audit log") }
    }

    func testBadMemosAreRefusedAndWriteNothing() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        XCTAssertThrowsError(try project.addMemo(" \n ", on: .project)) {
            XCTAssertEqual($0 as? ProjectError, .invalidMemo("the memo is empty; write its text in quotes"))
        }
        XCTAssertThrowsError(try project.addMemo(String(repeating: "a", count: 100_001), on: .project)) {
            XCTAssertEqual(($0 as? ProjectError)?.category, .usage)
        }
        XCTAssertThrowsError(try project.addMemo("x", on: .excerpt("FG1-9999"))) { XCTAssertEqual($0 as? ProjectError, .unknownExcerpt("FG1-9999")) }
        XCTAssertThrowsError(try project.addMemo("x", on: .group("FG9"))) { XCTAssertEqual($0 as? ProjectError, .unknownGroup("FG9")) }
        XCTAssertThrowsError(try project.addMemo("x", on: .participant("P99"))) { XCTAssertEqual($0 as? ProjectError, .unknownParticipant("P99")) }
        XCTAssertThrowsError(try project.addMemo("x", on: .code("Nope")))
        XCTAssertThrowsError(try project.addMemo("x", on: .project, author: " bad "))
        XCTAssertEqual(try project.memos(), [])
    }

    /// Every memo has a stable, distinct uid (the hub's name for it), whichever way it was written, and the
    /// unique index refuses a copied uid.
    func testEveryMemoHasADistinctStableUID() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        try project.addMemo("First thought", on: .project, author: "alice")
        try project.addMemo("Second thought", on: .group("FG1"))
        try project.write { db in
            try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('project', NULL, NULL, 'x', 'now', 'now')")
        }
        let uids = try project.read { try String?.fetchAll($0, sql: "SELECT uid FROM memos ORDER BY id") }
        XCTAssertEqual(uids.compactMap { $0 }.count, 3, "no memo without a uid")
        XCTAssertEqual(Set(uids).count, 3)
        XCTAssertTrue(uids[0]! < uids[1]!, "time-ordered when focuscode writes them")
        for uid in uids {
            XCTAssertNotNil(uid!.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression), uid!)
        }
        XCTAssertThrowsError(try project.write { db in
            try db.execute(sql: "UPDATE memos SET uid = ? WHERE id = (SELECT max(id) FROM memos)", arguments: [uids[0]])
        })
        let again = try project.read { try String?.fetchAll($0, sql: "SELECT uid FROM memos ORDER BY id") }
        XCTAssertEqual(again, uids, "uids do not change on read")
    }

    /// In a coder's clone of a team hub, a memo without an author is the coder's; elsewhere it has none. A memo by
    /// anyone else, or a change to a memo that is not the coder's, is refused there (the hub would refuse it at push).
    func testAMemoInACodersCloneIsTheCodersByDefault() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let before = try project.addMemo("Before the link", on: .project)
        try project.setHubLink(HubLink(url: "postgresql://h/study", hubId: "x", role: "study_alice", coder: "alice", cursor: 0))
        let after = try project.addMemo("After the link", on: .project)
        try project.addMemo("Hers, however spelt", on: .project, author: "Alice")
        XCTAssertThrowsError(try project.addMemo("Someone else's", on: .project, author: "bob")) {
            XCTAssertEqual(($0 as? ProjectError)?.errorDescription, """
                this project is alice's copy from a team hub, so a memo written here is alice's and the hub would refuse \
                one by bob; leave out --author and FOCUSCODE_CODER, or write it in bob's own copy.
                """)
        }
        XCTAssertThrowsError(try project.editMemo(before.id, text: "Changed")) {
            XCTAssertEqual(($0 as? ProjectError)?.errorDescription, """
                memo \(before.id) is the project's (no author); in alice's copy from a team hub only alice's own memos \
                can be changed, because the hub takes no other change from alice.
                """)
        }
        XCTAssertThrowsError(try project.removeMemo(before.id))
        XCTAssertEqual(try project.editMemo(after.id, text: "After the link, edited").text, "After the link, edited")
        XCTAssertEqual(try project.memos().map(\.author), [nil, "alice", "Alice"])
        XCTAssertEqual(try project.memos().map(\.text), ["Before the link", "After the link, edited", "Hers, however spelt"])
        try project.removeMemo(after.id)
        XCTAssertEqual(try project.memos().count, 2)
        let actors = try project.read { db in
            try Row.fetchAll(db, sql: "SELECT action, actor FROM audit_log WHERE action IN ('memo.edit', 'memo.remove') ORDER BY id")
                .map { "\($0["action"] as String) \(($0["actor"] as String?) ?? "-")" }
        }
        XCTAssertEqual(actors, ["memo.edit alice", "memo.remove alice"], "in her copy, alice made the change")
    }
}

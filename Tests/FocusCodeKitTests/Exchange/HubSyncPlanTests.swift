import XCTest
@testable import FocusCodeKit

/// The sync rules, written once and used by both row stores: new → write, same content → nothing,
/// changed on the receiving side since the sender's base → conflict, listed and never resolved silently.
final class HubSyncPlanTests: XCTestCase {
    func row(_ kind: SyncKind, _ uid: String, _ payload: String, base: Int64 = 0, deleted: Bool = false) -> SyncRow {
        SyncRow(kind: kind, uid: uid, coder: kind.isCoderWork ? "alice" : nil, excerpt: "FG1-0001", group: "FG1", payload: payload,
                deleted: deleted, base: base)
    }

    func testEachRuleDecidesOnce() {
        let new = row(.passage, "p1", "{\"a\":1}")
        let same = row(.passage, "p2", "{\"a\":2}", base: 3)
        let changedThere = row(.passage, "p3", "{\"a\":3}", base: 4)
        let changedOnlyHere = row(.passage, "p4", "{\"a\":4}", base: 5)
        let states: [SyncKey: SyncState] = [
            same.key: SyncState(hash: same.hash, version: 7, changedSinceBase: true),
            changedThere.key: SyncState(hash: "other", version: 9, changedSinceBase: true),
            changedOnlyHere.key: SyncState(hash: "older", version: 5, changedSinceBase: false),
        ]
        let plan = SyncPlan.make([new, same, changedThere, changedOnlyHere], states: states)
        XCTAssertEqual(plan.writes.map(\.uid), ["p1", "p4"])
        XCTAssertEqual(plan.same.map(\.uid), ["p2"])
        XCTAssertEqual(plan.same.first?.version, 7, "an unchanged row takes the store's version")
        XCTAssertEqual(plan.conflicts.map(\.description), ["passage p3 on FG1-0001 by alice"])
        // Overwrite (--prefer) turns the conflict into a write; nothing else changes.
        let forced = SyncPlan.make([new, same, changedThere, changedOnlyHere], states: states, overwrite: true)
        XCTAssertEqual(Set(forced.writes.map(\.uid)), ["p1", "p3", "p4"])
        XCTAssertTrue(forced.conflicts.isEmpty)
    }

    func testApplyOrderPutsWhatRowsNeedFirst() {
        let child = row(.code, "c2", "{\"name\":\"Child\",\"parent\":\"c1\",\"exclusive\":false,\"retired\":false,\"position\":1}")
        let parent = row(.code, "c1", "{\"name\":\"Parent\",\"exclusive\":false,\"retired\":false,\"position\":1}")
        let passage = row(.passage, "p1", "{}")
        let gone = row(.excerpt, "FG1-0002", "", deleted: true)
        let excerpt = row(.excerpt, "FG1-0001", "{}")
        let group = row(.group, "FG1", "{}")
        let plan = SyncPlan.make([gone, passage, child, excerpt, parent, group], states: [:])
        XCTAssertEqual(plan.writes.map(\.uid), ["FG1", "FG1-0001", "c1", "c2", "p1", "FG1-0002"])
    }

    func testTheHashIsTheContent() {
        XCTAssertEqual(row(.passage, "p1", "{}").hash, row(.passage, "p1", "{}").hash)
        XCTAssertNotEqual(row(.passage, "p1", "{}").hash, row(.passage, "p1", "{\"note\":\"x\"}").hash)
        XCTAssertEqual(row(.passage, "p1", "", deleted: true).hash, "deleted")
    }

    /// Memos on every kind of target leave one project as rows and arrive in another as the same memos (by uid,
    /// with author, text and times), and a removal travels as a tombstone with the author as its coder.
    func testMemosOnEveryTargetTravelBetweenTwoProjectsUnchanged() async throws {
        let dir = TempDir()
        let a = try CodingFixtures.small(in: dir)
        let pseudonym = try a.read { try String.fetchOne($0, sql: "SELECT pseudonym FROM participants ORDER BY id LIMIT 1") }!
        try a.addMemo("On the project", on: .project)
        try a.addMemo("On the group", on: .group("FG1"), author: "alice")
        try a.addMemo("On a participant", on: .participant(pseudonym), author: "Alice")
        try a.addMemo("On a turn", on: .excerpt("FG1-0002"), author: "bob")
        try a.addMemo("On a code", on: .code("Policing/Training"))
        let everything = Set(SyncKind.allCases)
        let rows = try LocalRowStore(project: a, tracked: everything).currentRows(everything)
        let memoRows = rows.filter { $0.kind == .memo }
        XCTAssertEqual(memoRows.map(\.coder), [nil, "alice", "alice", "bob", nil], "a memo's coder is its author")
        XCTAssertEqual(memoRows[3].excerpt, "FG1-0002")
        XCTAssertEqual(memoRows.map(\.group), [nil, "FG1", nil, "FG1", nil])

        let b = try Project.create(at: dir.path("b.sqlite"))
        let storeB = LocalRowStore(project: b, tracked: everything)
        let applied = try storeB.applyNow(rows, mode: .skipConflicts)
        XCTAssertEqual(applied.written, rows.count)
        let strip = { (m: MemoRecord) in "\(m.kind)|\(m.target ?? "-")|\(m.author ?? "-")|\(m.text)|\(m.createdAt)|\(m.updatedAt)" }
        XCTAssertEqual(try b.memos().map(strip), try a.memos().map(strip))
        XCTAssertEqual(try storeB.currentRows([.memo]), memoRows, "the same rows, uid and hash, on the other side")
        let back = try await storeB.changes().rows
        XCTAssertEqual(back, [], "nothing to send back")

        // An edit is one changed row; a removal is a tombstone that keeps the author as its coder.
        let turnMemo = try b.memos(on: .excerpt("FG1-0002"))[0]
        try b.editMemo(turnMemo.id, text: "On a turn, edited")
        var changed = try await storeB.changes().rows
        XCTAssertEqual(changed.map(\.uid), [memoRows[3].uid])
        XCTAssertEqual(changed.first?.deleted, false)
        try storeB.recordSynced(changed)
        try b.removeMemo(turnMemo.id)
        changed = try await storeB.changes().rows
        XCTAssertEqual(changed.map { "\($0.uid)|\($0.deleted)|\($0.coder ?? "-")" }, ["\(memoRows[3].uid)|true|bob"])
        // Applied back to the first project, the tombstone removes the memo there.
        _ = try LocalRowStore(project: a, tracked: everything).applyNow(changed, mode: .overwrite)
        XCTAssertEqual(try a.memos().map(\.text), ["On the project", "On the group", "On a participant", "On a code"])
    }
}

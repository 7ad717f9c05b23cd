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
}

import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// Rule-based reconciliation: exact consensus codings per rule, refusal to overwrite, audit log.
final class ReconcileTests: XCTestCase {
    /// Three coders on four excerpts; G1-0004 is not reviewed by cy.
    func threeCoders(_ dir: TempDir) throws -> Project {
        let project = try AgreementFixtureLoader.smallProject(in: dir, turns: 4, codes: ["T", "T/x", "T/y", "U"])
        try AgreementFixtureLoader.code(project, [
            "G1-0002 ann T/x", "G1-0002 ann U", "G1-0002 ben T/x", "G1-0002 cy T/y",
            "G1-0003 ann -", "G1-0003 ben U", "G1-0003 cy U",
            "G1-0004 ann T", "G1-0004 ben -",
            "G1-0005 ann U", "G1-0005 ben U", "G1-0005 cy U",
        ])
        return project
    }

    func consensusReviews(_ project: Project) throws -> [String] {
        try project.read { db in
            try String.fetchAll(db, sql: """
                SELECT e.ref FROM reviews r JOIN excerpts e ON e.id = r.excerpt_id JOIN coders c ON c.id = r.coder_id
                WHERE c.name = 'consensus' ORDER BY e.ref
                """)
        }
    }

    func testEachRuleWritesExactlyTheExpectedCodings() throws {
        let expected: [(ReconcileRule, [String])] = [
            (.majority, ["G1-0002 T/x", "G1-0003 U", "G1-0005 U"]),
            (.union, ["G1-0002 T/x", "G1-0002 T/y", "G1-0002 U", "G1-0003 U", "G1-0005 U"]),
            (.intersection, ["G1-0005 U"]),
            (.prefer("ben"), ["G1-0002 T/x", "G1-0003 U", "G1-0005 U"]),
            (.prefer("cy"), ["G1-0002 T/y", "G1-0003 U", "G1-0005 U"]),
        ]
        for (rule, codings) in expected {
            let dir = TempDir()
            let project = try threeCoders(dir)
            let summary = try project.reconcile(coders: ["ann", "ben", "cy"], rule: rule)
            XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), codings, rule.description)
            XCTAssertEqual(try consensusReviews(project), ["G1-0002", "G1-0003", "G1-0005"], "reviewed by all three only")
            XCTAssertEqual(summary.excerpts, 3)
            XCTAssertEqual(summary.codings, codings.count)
            XCTAssertEqual(summary.notReviewedByAll, ["G1-0004"])
            XCTAssertEqual(summary.unresolved, [], "no ties among three coders")
        }
    }

    /// Two coders: majority means both; one of two is a tie, not applied, and the excerpt is unresolved.
    func testMajorityTiesAreNotAppliedAndListed() throws {
        let dir = TempDir()
        let project = try threeCoders(dir)
        let summary = try project.reconcile(coders: ["ann", "ben"], rule: .majority)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), ["G1-0002 T/x", "G1-0005 U"])
        XCTAssertEqual(summary.unresolved, ["G1-0002", "G1-0003", "G1-0004"])
        XCTAssertEqual(summary.decisions.filter(\.tie).map { "\($0.excerpt) \($0.code)" }, ["G1-0002 U", "G1-0003 U", "G1-0004 T"])
        XCTAssertEqual(try consensusReviews(project), ["G1-0002", "G1-0003", "G1-0004", "G1-0005"])
    }

    func testRefusesToOverwriteConsensusUnlessReplace() throws {
        let dir = TempDir()
        let project = try threeCoders(dir)
        _ = try project.reconcile(coders: ["ann", "ben", "cy"], rule: .union)
        let auditBefore = try project.count("audit_log")
        XCTAssertThrowsError(try project.reconcile(coders: ["ann", "ben", "cy"], rule: .intersection)) { error in
            XCTAssertEqual(error as? ReconcileError, .consensusExists(excerpts: 3, example: "G1-0002"))
            XCTAssertEqual((error as? CategorisedError)?.category, .usage)
        }
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus").count, 5, "unchanged")
        XCTAssertEqual(try project.count("audit_log"), auditBefore, "nothing written")
        let summary = try project.reconcile(coders: ["ann", "ben", "cy"], rule: .intersection, replace: true)
        XCTAssertEqual(summary.replaced, 3)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), ["G1-0005 U"])
        XCTAssertEqual(try consensusReviews(project), ["G1-0002", "G1-0003", "G1-0005"])
    }

    func testEveryDecisionIsInTheAuditLogWithoutText() throws {
        let dir = TempDir()
        let project = try threeCoders(dir)
        _ = try project.reconcile(coders: ["ann", "ben", "cy"], rule: .majority, actor: "sup")
        let rows = try project.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, action, object_ref, detail FROM audit_log WHERE action LIKE 'reconcile%' ORDER BY id")
        }
        let lines = rows.map { "\($0["action"] as String) \($0["object_ref"] as String? ?? "-") \($0["detail"] as String)" }
        XCTAssertEqual(lines, [
            "reconcile.decide G1-0002 rule=majority decision=applied votes=2/3 code=T/x",
            "reconcile.decide G1-0002 rule=majority decision=not-applied votes=1/3 code=T/y",
            "reconcile.decide G1-0002 rule=majority decision=not-applied votes=1/3 code=U",
            "reconcile.decide G1-0003 rule=majority decision=applied votes=2/3 code=U",
            "reconcile.decide G1-0005 rule=majority decision=applied votes=3/3 code=U",
            "reconcile consensus rule=majority coders=ann,ben,cy excerpts=3 codings=3 unresolved=0 replaced=0",
        ])
        XCTAssertTrue(rows.allSatisfy { ($0["actor"] as String) == "sup" })
        XCTAssertFalse(lines.joined().contains("Turn number"), "no transcript text")
    }

    func testFixtureRulesMatchTheCodersSets() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.fixtureProject(in: dir)
        let a = Set(try AgreementFixtureLoader.codings(project, coder: "coder_a"))
        let b = Set(try AgreementFixtureLoader.codings(project, coder: "coder_b"))
        let coders = ["coder_a", "coder_b"]
        var summary = try project.reconcile(coders: coders, rule: .majority)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), a.intersection(b).sorted())
        XCTAssertEqual(summary.unresolved, ProjectAgreementTests.readmeExcerpts, "every README disagreement is a tie between two coders")
        XCTAssertEqual(summary.excerpts, 132)
        summary = try project.reconcile(coders: coders, rule: .union, replace: true)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), a.union(b).sorted())
        summary = try project.reconcile(coders: coders, rule: .intersection, replace: true)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), a.intersection(b).sorted())
        summary = try project.reconcile(coders: coders, rule: .prefer("coder_b"), replace: true)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), b.sorted())
        XCTAssertEqual(summary.unresolved, [])
        // The consensus coder never rates.
        XCTAssertEqual(try project.agreementData().dataset.coders, coders)
    }

    func testBadRequests() throws {
        let dir = TempDir()
        let project = try threeCoders(dir)
        XCTAssertThrowsError(try ReconcileRule(parsing: "mode")) { XCTAssertEqual($0 as? ReconcileError, .invalidRule("mode")) }
        XCTAssertEqual(try ReconcileRule(parsing: "prefer:ann"), .prefer("ann"))
        XCTAssertThrowsError(try project.reconcile(coders: ["ann"], rule: .union)) { XCTAssertEqual($0 as? ReconcileError, .tooFewCoders) }
        XCTAssertThrowsError(try project.reconcile(coders: ["ann", "ben"], rule: .prefer("cy"))) {
            XCTAssertEqual($0 as? ReconcileError, .preferredNotChosen(name: "cy", coders: ["ann", "ben"]))
        }
        XCTAssertThrowsError(try project.reconcile(coders: ["ann", "zed"], rule: .union)) {
            XCTAssertEqual(($0 as? CategorisedError)?.category, .badData)
        }
        XCTAssertThrowsError(try project.reconcile(coders: ["ann", "consensus"], rule: .union))
        XCTAssertEqual(try project.count("codings"), 10, "nothing written")
    }

    /// The interactive session's building blocks: the walk, one excerpt's write, undo, and resuming.
    func testWalkWriteUndoAndResume() throws {
        let dir = TempDir()
        let project = try threeCoders(dir)
        var walk = try project.reconcileWalk(coders: ["ann", "ben"])
        XCTAssertEqual(walk.agreedPending.map(\.ref), ["G1-0005"])
        XCTAssertEqual(walk.disagreementsPending.map(\.ref), ["G1-0002", "G1-0003", "G1-0004"])
        let first = walk.disagreementsPending[0]
        XCTAssertEqual(first.agreed, ["T/x"])
        XCTAssertEqual(first.items, [ReconcileItem(code: "U", appliedBy: ["ann"], notAppliedBy: ["ben"])])
        XCTAssertEqual(first.codesByCoder, [["T/x", "U"], ["T/x"]])
        try project.writeAgreedConsensus(walk.agreedPending)
        try project.writeConsensus(excerpt: "G1-0002", codes: ["T/x", "U"], decisions: [("U", true)], rule: "interactive")
        XCTAssertThrowsError(try project.writeConsensus(excerpt: "G1-0002", codes: [], decisions: [], rule: "interactive"))
        walk = try project.reconcileWalk(coders: ["ann", "ben"])
        XCTAssertEqual(walk.disagreementsPending.map(\.ref), ["G1-0003", "G1-0004"])
        XCTAssertEqual(walk.alreadyReconciled, 2)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), ["G1-0002 T/x", "G1-0002 U", "G1-0005 U"])
        try project.removeConsensus(excerpt: "G1-0002")
        XCTAssertEqual(try project.reconcileWalk(coders: ["ann", "ben"]).disagreementsPending.map(\.ref), ["G1-0002", "G1-0003", "G1-0004"])
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), ["G1-0005 U"])
    }
}

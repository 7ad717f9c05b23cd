import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class CodebookTests: XCTestCase {
    func testFixtureCodebookHasSixThemesAnd22SubthemesWithDefinitions() throws {
        let dir = TempDir()
        let project = try CodingFixtures.project(in: dir)
        let tree = try project.codebook()
        XCTAssertEqual(tree.codes.count, 28)
        XCTAssertEqual(tree.children(of: nil).map(\.name), ["Offender profiles", "Offenders' IT skills", "Justification for offending",
                                                            "Changes in the nature of offending", "Impact of Covid-19", "Role of policing"])
        XCTAssertEqual(tree.codes.filter { $0.depth == 1 }.count, 22)
        let isolation = try tree.resolve("offender profiles / ISOLATION")
        XCTAssertEqual(isolation.path, "Offender profiles/Isolation")
        XCTAssertEqual(isolation.example, "The computer becomes their whole social life.")
        XCTAssertEqual(try tree.resolve("Offender profiles").colour, "#4477AA")
        XCTAssertEqual(Set(tree.codes.map(\.uid)).count, 28)
        // By ID, whole or a unique prefix.
        XCTAssertEqual(try tree.resolve(isolation.uid).path, isolation.path)
        XCTAssertEqual(try tree.resolve(String(isolation.uid.prefix(8))).path, isolation.path)
        XCTAssertThrowsError(try tree.resolve("Offender profiles/Nope")) { XCTAssertEqual($0 as? CodebookError, .unknownCode("Offender profiles/Nope")) }
        // Importing the same file again changes nothing.
        let again = try project.importCodebook(try CodebookFiles.read(try CodingFixtures.text("codebook.yaml"), format: .yaml, fileName: "c.yaml"),
                                               fileName: "c.yaml")
        XCTAssertEqual(again, CodebookImportSummary(created: 0, updated: 0, unchanged: 28))
    }

    func testAddRefusesDuplicatesMissingParentsAndBadNames() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let added = try project.addCode(path: "Covid/Remote supervision", definition: CodeDefinitionChanges(description: "At a distance", colour: "#4477aa"))
        XCTAssertEqual(added.path, "Covid/Remote supervision")
        XCTAssertEqual(added.colour, "#4477aa")
        XCTAssertNotNil(UUID(uuidString: added.uid))
        XCTAssertThrowsError(try project.addCode(path: "covid/remote SUPERVISION")) {
            XCTAssertEqual($0 as? CodebookError, .duplicateName(parent: "Covid", name: "remote SUPERVISION"))
        }
        XCTAssertThrowsError(try project.addCode(path: "Nowhere/Child")) { XCTAssertEqual($0 as? CodebookError, .unknownParent(path: "Nowhere")) }
        XCTAssertThrowsError(try project.addCode(path: "Covid/ ")) { XCTAssertEqual(($0 as? CodebookError)?.category, .usage) }
        XCTAssertThrowsError(try project.addCode(path: "Bad colour", definition: CodeDefinitionChanges(colour: "red"))) {
            XCTAssertEqual($0 as? CodebookError, .invalidColour("red"))
        }
        XCTAssertThrowsError(try project.addCode(path: "Same ID", uid: added.uid)) { XCTAssertEqual($0 as? CodebookError, .duplicateId(added.uid)) }
        XCTAssertEqual(try project.codebook().codes.count, 6)
    }

    func testRenameAndMoveKeepIdsAndCodings() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let training = try project.codebook().resolve("Policing/Training")
        try project.applyCode("Policing/Training", to: "FG1-0002", coder: "alice")
        try project.applyCode("Policing/Training", to: "FG1-0003", coder: "bob")

        let renamed = try project.renameCode("policing/training", to: "Training gaps")
        XCTAssertEqual(renamed.uid, training.uid)
        XCTAssertEqual(renamed.path, "Policing/Training gaps")
        XCTAssertThrowsError(try project.renameCode("Policing/Workload", to: "training GAPS")) {
            XCTAssertEqual($0 as? CodebookError, .duplicateName(parent: "Policing", name: "training GAPS"))
        }
        // A change of case only is a rename of the code itself, not a clash.
        XCTAssertEqual(try project.renameCode("Policing/Training gaps", to: "Training Gaps").path, "Policing/Training Gaps")

        let moved = try project.moveCode(training.uid, under: "Covid")
        XCTAssertEqual(moved.uid, training.uid)
        XCTAssertEqual(moved.path, "Covid/Training Gaps")
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "alice"), .coded(["Covid/Training Gaps"]))
        XCTAssertEqual(try project.codings(CodingFilter(code: "Covid")).map(\.excerpt), ["FG1-0002", "FG1-0003"])
        XCTAssertEqual(try project.moveCode("Covid/Training Gaps", under: nil).path, "Training Gaps")
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings"), 2)
    }

    func testMoveUnderItselfOrItsOwnDescendantIsRefused() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        try project.addCode(path: "Policing/Training/Female offending")
        XCTAssertThrowsError(try project.moveCode("Policing", under: "Policing/Training/Female offending")) {
            XCTAssertEqual($0 as? CodebookError, .moveIntoItself(code: "Policing", target: "Policing/Training/Female offending"))
        }
        XCTAssertThrowsError(try project.moveCode("Policing", under: "Policing")) {
            XCTAssertEqual($0 as? CodebookError, .moveIntoItself(code: "Policing", target: "Policing"))
        }
        // Moving to where a sibling of the same name lives is refused.
        try project.addCode(path: "Covid/Training")
        XCTAssertThrowsError(try project.moveCode("Covid/Training", under: "Policing")) {
            XCTAssertEqual($0 as? CodebookError, .duplicateName(parent: "Policing", name: "Training"))
        }
        XCTAssertEqual(try project.codebook().resolve("Policing/Training/Female offending").depth, 2)
    }

    /// Merge loses nothing: every (excerpt, coder) that had either code has the survivor afterwards, and the only
    /// codings that disappear are duplicates a coder had on both.
    func testMergeMovesEveryCodingAndKeepsOneWhereACoderHadBoth() throws {
        let dir = TempDir()
        let project = try CodingFixtures.project(in: dir, codings: true)
        let source = "Offender profiles/Isolation", target = "Impact of Covid-19/Isolation"
        // One coder with both codes on one excerpt, with a note on the merged one.
        try project.applyCode(source, to: "FG1-0065", coder: "coder_a", note: "lonely at home")
        let tree = try project.codebook()
        let s = try tree.resolve(source), t = try tree.resolve(target)
        let pairsSQL = "SELECT count(*) FROM (SELECT DISTINCT excerpt_id, coder_id FROM codings WHERE code_id IN (?, ?))"
        let pairsBefore = try CodingFixtures.scalar(project, pairsSQL, [s.rowId, t.rowId])
        let totalBefore = try CodingFixtures.scalar(project, "SELECT count(*) FROM codings")
        let sourceCount = try CodingFixtures.scalar(project, "SELECT count(*) FROM codings WHERE code_id = ?", [s.rowId])
        XCTAssertEqual(sourceCount, 7 + 9 + 1)

        let summary = try project.mergeCode(source, into: target)
        XCTAssertEqual(summary.collapsed, 1)
        XCTAssertEqual(summary.moved, sourceCount - 1)
        XCTAssertEqual(summary.survivor.uid, t.uid)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings"), totalBefore - 1)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM (SELECT DISTINCT excerpt_id, coder_id FROM codings WHERE code_id = ?)", [t.rowId]),
                       pairsBefore)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings WHERE code_id = ?", [t.rowId]), pairsBefore)
        XCTAssertEqual(try project.codings(CodingFilter(coder: "coder_a", excerpt: "FG1-0065")).map(\.note), ["lonely at home"])
        XCTAssertThrowsError(try project.codebook().resolve(source))
        XCTAssertEqual(try project.codebook().codes.count, 27)
        let audit = try project.read { db in try Row.fetchOne(db, sql: "SELECT action, object_ref, detail FROM audit_log ORDER BY id DESC LIMIT 1")! }
        XCTAssertEqual(audit["action"], "code.merge")
        XCTAssertEqual(audit["object_ref"], s.uid)
    }

    func testMergeIntoOwnDescendantOrWithClashingSubcodesIsRefusedAndChangesNothing() throws {
        let dir = TempDir()
        let project = try CodingFixtures.project(in: dir, codings: true)
        let before = try CodingFixtures.scalar(project, "SELECT count(*) FROM codings")
        XCTAssertThrowsError(try project.mergeCode("Offender profiles", into: "Offender profiles/Gender")) {
            XCTAssertEqual($0 as? CodebookError, .mergeIntoItself(code: "Offender profiles", target: "Offender profiles/Gender"))
        }
        XCTAssertThrowsError(try project.mergeCode("Offender profiles", into: "Impact of Covid-19")) {
            XCTAssertEqual($0 as? CodebookError, .mergeChildClash(source: "Offender profiles", target: "Impact of Covid-19", child: "Isolation"))
        }
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings"), before)
        XCTAssertEqual(try project.codebook().codes.count, 28)

        // A theme merged into another theme takes its subthemes along (no clash here).
        let skills = try project.mergeCode("Offenders' IT skills", into: "Justification for offending")
        XCTAssertEqual(skills.childrenMoved, 2)
        XCTAssertEqual(try project.codebook().resolve("Justification for offending/Concealment").depth, 1)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings"), before - skills.collapsed)
    }

    func testRetireHidesFromNewCodingButKeepsCodingsAndRestoreBringsItBack() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        try project.applyCode("Policing/Training", to: "FG1-0002", coder: "alice")
        try project.retireCode("Policing")
        let tree = try project.codebook()
        XCTAssertTrue(try tree.resolve("Policing/Training").isRetired, "a subcode of a retired code is retired too")
        XCTAssertFalse(try tree.resolve("Policing/Training").retiredFlag)
        XCTAssertEqual(tree.active.map(\.path), ["Covid", "Covid/Phones"])
        XCTAssertThrowsError(try project.applyCode("Policing/Workload", to: "FG1-0003", coder: "alice")) {
            XCTAssertEqual($0 as? CodebookError, .retired("Policing/Workload"))
        }
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "alice"), .coded(["Policing/Training"]))
        try project.retireCode("Policing", restore: true)
        XCTAssertEqual(try project.applyCode("Policing/Workload", to: "FG1-0003", coder: "alice"), .applied)
    }

    func testDescribeChangesOnlyGivenFieldsAndExclusiveBranchesAllowOneSubcode() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        try project.describeCode("Policing", CodeDefinitionChanges(description: "Police work", example: "We can't arrest our way out"))
        var code = try project.describeCode("Policing", CodeDefinitionChanges(example: "", colour: "#AA3377", exclusive: true))
        XCTAssertEqual(code.description, "Police work")
        XCTAssertNil(code.example)
        XCTAssertEqual(code.colour, "#AA3377")
        XCTAssertTrue(code.exclusiveChildren)

        try project.applyCode("Policing/Training", to: "FG1-0003", coder: "alice")
        XCTAssertThrowsError(try project.applyCode("Policing/Workload", to: "FG1-0003", coder: "alice")) {
            XCTAssertEqual($0 as? CodingError, .exclusiveConflict(excerpt: "FG1-0003", code: "Policing/Workload", existing: "Policing/Training", branch: "Policing"))
        }
        // Another coder, or a code outside the branch, is unaffected; --replace swaps.
        XCTAssertEqual(try project.applyCode("Policing/Workload", to: "FG1-0003", coder: "bob"), .applied)
        XCTAssertEqual(try project.applyCode("Covid/Phones", to: "FG1-0003", coder: "alice"), .applied)
        try project.applyCode("Policing/Workload", to: "FG1-0003", coder: "alice", replace: true)
        XCTAssertEqual(try project.reviewState("FG1-0003", coder: "alice"), .coded(["Covid/Phones", "Policing/Workload"]))
        code = try project.describeCode("Policing", CodeDefinitionChanges(exclusive: false))
        XCTAssertFalse(code.exclusiveChildren)
    }

    func testCountsRollUpSubcodesCountingEachExcerptOnce() throws {
        let dir = TempDir()
        let project = try CodingFixtures.project(in: dir, codings: true)
        let tree = try project.codebook()
        let counts = try project.codebookCounts()
        XCTAssertEqual(counts.coders, ["coder_a", "coder_b"])
        let theme = try tree.resolve("Offender profiles")
        XCTAssertEqual(counts.perCoder[theme.rowId]?["coder_a"], 21)
        XCTAssertEqual(counts.perCoder[try tree.resolve("Offender profiles/Isolation").rowId]?["coder_b"], 9)
        XCTAssertEqual(counts.anyCoder[theme.rowId], 23)
        // The roll-up agrees with the excerpt filter's recursive query.
        XCTAssertEqual(try project.excerpts(ExcerptFilter(code: "Offender profiles", coder: "coder_a")).count, 21)
        XCTAssertEqual(try project.excerpts(ExcerptFilter(code: "Offender profiles")).count, 23)
    }
}

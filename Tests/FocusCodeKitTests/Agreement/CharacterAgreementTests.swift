import Foundation
import XCTest
@testable import FocusCodeKit

/// Agreement with the character as the unit, checked against counts made by hand.
final class CharacterAgreementTests: XCTestCase {
    /// Two participant turns (the moderator's is left out):
    ///   G1-0002 "Good 😀 day here."               16 code points (17 UTF-16 units: the emoji is astral)
    ///   G1-0003 "Turn number 2 about the work."   29 code points
    /// 45 characters in all. Codes T, T/x, U, V.
    ///   ann: T/x 0:10 and T/x 3:8 (nested: counts once) on G1-0002; U on the whole of G1-0003.
    ///   ben: T 5:15 on G1-0002; G1-0003 reviewed, no code.
    ///
    /// T (rolled up: ann's T/x counts): ann 0:10, ben 5:15 → both 5, ann only 5, ben only 5, neither 30.
    ///   p_o = 35/45; p_e = (10·10 + 35·35)/45² = 1325/2025; κ = (35·45 − 1325)/(2025 − 1325) = 250/700.
    /// T/x: ann 10, ben 0 → p_o = 35/45, p_e = 35/45 (ben is all 0), κ = 0.
    /// U: ann 29, ben 0 → p_o = 16/45, κ = 0.
    /// V: nobody → p_o = 1, p_e = 1: κ is 0/0, not computable.
    /// Pooled over the four (180 character × code cells): both 5, ann only 44, ben only 5, neither 126:
    ///   p_o = 131/180; p_e = (49·10 + 131·170)/180² = 22760/32400; κ = (131·180 − 22760)/(32400 − 22760) = 820/9640.
    /// Coded by no one with any code: G1-0002 15:16, one character.
    func testPerCodeCountsAndCoefficientsMatchAHandCount() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("chars.sqlite"))
        try project.importText("Moderator: Welcome.\nP1: Good 😀 day here.\nP2: Turn number 2 about the work.\n",
                               group: "G1", in: dir, moderators: ["Moderator"])
        try AgreementFixtureLoader.insertCodes(project, paths: ["T", "T/x", "U", "V"])
        try project.applyCode("T/x", to: "G1-0002", coder: "ann", span: Span(start: 0, end: 10))
        try project.applyCode("T/x", to: "G1-0002", coder: "ann", span: Span(start: 3, end: 8))
        try project.applyCode("U", to: "G1-0003", coder: "ann")
        try project.applyCode("T", to: "G1-0002", coder: "ben", span: Span(start: 5, end: 15))
        try project.markReviewedNone("G1-0003", coder: "ben")

        let data = try project.characterAgreementData(AgreementScope(coders: ["ann", "ben"]))
        XCTAssertEqual(data.turns, 2)
        XCTAssertEqual(data.characters, 45, "code points, not UTF-16 units (46) or grapheme clusters")
        XCTAssertEqual(data.uncodedByAll, 1)
        XCTAssertEqual(data.unreviewedTurns, [0, 0])
        XCTAssertEqual(data.variables.map(\.path), ["T", "T/x", "U", "V"])
        XCTAssertTrue(data.counts(variable: 0, first: 0, second: 1) == (5, 5, 5, 30))
        XCTAssertTrue(data.counts(variable: 1, first: 0, second: 1) == (0, 10, 0, 35))
        XCTAssertTrue(data.counts(variable: 2, first: 0, second: 1) == (0, 29, 0, 16))
        XCTAssertTrue(data.counts(variable: 3, first: 0, second: 1) == (0, 0, 0, 45))

        let report = try data.report()
        func row(_ variable: String, _ coefficient: AgreementCoefficient) throws -> AgreementCoefficientResult {
            let pair = coefficient == .percentAgreementPair || coefficient == .cohenKappaPair ? "ann|ben" : nil
            return try XCTUnwrap(report.variables.first { $0.variable == variable }?.result(coefficient, pair: pair), variable)
        }
        XCTAssertEqual(report.variables.map(\.variable), ["code:T", "code:T/x", "code:U", "code:V", "pooled"])
        XCTAssertEqual(report.variables.map(\.unitOfAnalysis), ["character", "character", "character", "character", "character × code"])
        XCTAssertEqual(report.variables.map(\.unitCount), [45, 45, 45, 45, 180])
        XCTAssertEqual(try XCTUnwrap(row("code:T", .percentAgreementPair).value), 35.0 / 45.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(row("code:T", .cohenKappaPair).value), 250.0 / 700.0, accuracy: 1e-12)
        XCTAssertEqual(try row("code:T", .cohenKappaPair).nUnits, 45)
        XCTAssertEqual(try XCTUnwrap(row("code:T/x", .percentAgreementPair).value), 35.0 / 45.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(row("code:T/x", .cohenKappaPair).value), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(row("code:U", .percentAgreementPair).value), 16.0 / 45.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(row("code:U", .cohenKappaPair).value), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(row("code:V", .percentAgreementPair).value), 1, accuracy: 1e-12)
        XCTAssertNil(try row("code:V", .cohenKappaPair).value, "nobody coded V: chance agreement is 1, κ is 0/0")
        XCTAssertEqual(try row("code:V", .cohenKappaPair).status, .undefined)
        XCTAssertEqual(try XCTUnwrap(row("pooled", .percentAgreementPair).value), 131.0 / 180.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(row("pooled", .cohenKappaPair).value), 820.0 / 9640.0, accuracy: 1e-12)
        XCTAssertEqual(report.options.bootstrapResamples, 0)

        let notes = data.notes
        XCTAssertTrue(notes.contains("45 characters in 2 turns."), "\(notes)")
        XCTAssertTrue(notes.contains { $0.hasPrefix("Uncoded text counts as agreement") && $0.contains("1 of the 45 characters (2.2%)") }, "\(notes)")
        XCTAssertTrue(notes.contains("T: characters coded by both 5, by ann only 5, by ben only 5, by neither 30."), "\(notes)")
        XCTAssertFalse(notes.contains { $0.hasPrefix("V:") }, "a code nobody coded has no count line")
    }

    /// Without --coders, coders with nothing in the scope are dropped (as at the turn unit); a coder who reviewed
    /// only some turns is named with the number they did not review, and their text there counts as uncoded.
    func testDefaultCodersAndUnreviewedTurns() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.smallProject(in: dir, turns: 3, codes: ["T"])
        try project.applyCode("T", to: "G1-0002", coder: "ann")
        try project.applyCode("T", to: "G1-0002", coder: "ben", span: Span(start: 0, end: 4))
        try project.markReviewedNone("G1-0003", coder: "ann")
        try project.markReviewedNone("G1-0004", coder: "ann")
        try AgreementFixtureLoader.code(project, ["G1-0001 cy T"])   // the moderator's turn: out of scope, so cy is no rater

        let data = try project.characterAgreementData(AgreementScope())
        XCTAssertEqual(data.coders, ["ann", "ben"])
        XCTAssertEqual(data.turns, 3)
        XCTAssertEqual(data.characters, 3 * 29)
        XCTAssertEqual(data.unreviewedTurns, [0, 2])
        XCTAssertTrue(data.counts(variable: 0, first: 0, second: 1) == (4, 25, 0, 58))
        XCTAssertTrue(data.notes.contains("A turn a coder never reviewed counts as uncoded by that coder: ben did not review 2 of the 3 turns."),
                      "\(data.notes)")
        XCTAssertThrowsError(try project.characterAgreementData(AgreementScope(level: 0)))
    }

    /// The sweep counts each pattern of coders once per character, whatever the overlaps.
    func testSweepOfOverlappingIntervals() {
        let patterns = Project.sweep([(0, 10, 0), (5, 15, 1), (2, 4, 0), (20, 25, 2), (22, 30, 2), (8, 9, 1)], coders: 3)
        XCTAssertEqual(patterns, [0b001: 5, 0b011: 5, 0b010: 5, 0b100: 10])
    }
}

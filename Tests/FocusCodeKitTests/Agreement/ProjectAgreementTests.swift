import Foundation
import XCTest
@testable import FocusCodeKit

/// Agreement read from a project: the fixture coders, and small projects for the edge cases.
final class ProjectAgreementTests: XCTestCase {
    static let readmeExcerpts = [
        "FG1-0016", "FG1-0026", "FG1-0027", "FG1-0033", "FG1-0038", "FG1-0045", "FG1-0046", "FG1-0055", "FG1-0057",
        "FG1-0065", "FG1-0075", "FG1-0080", "FG1-0096", "FG2-0009", "FG2-0011", "FG2-0033", "FG2-0048", "FG2-0051",
        "FG2-0054", "FG2-0066",
    ]

    func value(_ report: AgreementReport, _ variable: String, _ coefficient: AgreementCoefficient, pair: String? = nil) -> Double? {
        report.variables.first { $0.variable == variable }?.result(coefficient, pair: pair)?.value
    }

    /// Offender profiles, rolled up, counted by hand from Fixtures/codings (README table and CSVs).
    ///
    /// coder_a applied an Offender-profiles code (the theme or a subtheme) to 21 excerpts, coder_b to 23;
    /// the 21 of coder_a are all among coder_b's. coder_b's two extra: FG1-0065 (A: Impact of Covid-19/Isolation,
    /// B: Offender profiles/Isolation) and FG2-0011 (A: reviewed, none; B: Offender profiles/Isolation).
    /// Both coders reviewed all 132 participant turns, so the 2×2 table (A rows, B columns) is
    ///
    ///              B=1   B=0
    ///     A=1       21     0     21
    ///     A=0        2   109    111
    ///               23   109    132
    ///
    /// p_o = 130/132; p_e = (21·23 + 111·109)/132² = 12582/17424;
    /// κ = (p_o − p_e)/(1 − p_e) = (130·132 − 12582)/(17424 − 12582) = 4578/4842 ≈ 0.94548.
    /// Scott's π: p_1 = 44/264 = 1/6, p_e = 1/36 + 25/36 = 13/18, π = (65/66 − 13/18)/(5/18) = 312/330 ≈ 0.94545.
    /// Krippendorff's α: n = 264 values, n_1 = 44, n_0 = 220, o_01 = o_10 = 2:
    ///   α = 1 − (n − 1)(o_01 + o_10)/(2 n_0 n_1) = 1 − 263·4/19360 = 18308/19360 ≈ 0.94566.
    /// Gwet's AC1: p_e = 2·(1/6)(5/6) = 5/18, AC1 = (65/66 − 5/18)/(13/18) = 840/1188 · 18/13 = 140/143 ≈ 0.97902.
    func testOffenderProfilesThemeMatchesHandCount() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.fixtureProject(in: dir)
        let data = try project.agreementData(AgreementScope(coders: ["coder_a", "coder_b"]))
        XCTAssertEqual(data.dataset.units.count, 132, "participant turns only")
        XCTAssertEqual(data.variables.count, 28, "6 themes + 22 subthemes")
        XCTAssertEqual(data.variables.filter(\.rollsUp).map(\.path).count, 6)
        let report = try data.report()
        XCTAssertEqual(report.variables.count, 29, "28 codes + pooled (no exclusive branch in the fixture codebook)")
        let v = "code:Offender profiles"
        let pair = "coder_a|coder_b"
        XCTAssertEqual(try XCTUnwrap(value(report, v, .percentAgreementPair, pair: pair)), 130.0 / 132.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(value(report, v, .cohenKappaPair, pair: pair)), 4578.0 / 4842.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(value(report, v, .cohenKappaMeanOverPairs)), 4578.0 / 4842.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(value(report, v, .scottPi)), 312.0 / 330.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(value(report, v, .krippendorffAlphaNominal)), 18308.0 / 19360.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(value(report, v, .gwetAC1)), 140.0 / 143.0, accuracy: 1e-12)
        let row = try XCTUnwrap(report.variables.first { $0.variable == v }?.result(.cohenKappaPair, pair: pair))
        XCTAssertEqual(row.nUnits, 132)
        XCTAssertEqual(row.nValues, 264)
    }

    /// Impact of Covid-19 at level 1: coder_a 19 excerpts, coder_b 15, all of B's among A's (README: FG1-0065,
    /// FG1-0075, FG2-0048 and FG2-0051 are A's only). Table: 15 | 4 / 0 | 113.
    /// p_e = (19·15 + 113·117)/17424 = 13506/17424; κ = (128·132 − 13506)/(17424 − 13506) = 3390/3918 ≈ 0.86524.
    func testLevelOneIsThemesOnlyRolledUp() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.fixtureProject(in: dir)
        let data = try project.agreementData(AgreementScope(level: 1))
        XCTAssertEqual(data.dataset.coders, ["coder_a", "coder_b"], "every coder with codings, by name")
        XCTAssertEqual(data.variables.map(\.path), [
            "Offender profiles", "Offenders' IT skills", "Justification for offending",
            "Changes in the nature of offending", "Impact of Covid-19", "Role of policing",
        ])
        let report = try data.report()
        XCTAssertEqual(report.variables.map(\.variable).last, "pooled")
        XCTAssertEqual(try XCTUnwrap(value(report, "code:Impact of Covid-19", .cohenKappaPair, pair: "coder_a|coder_b")), 3390.0 / 3918.0, accuracy: 1e-12)
        // Pooled over the six themes: 6 × 132 cells.
        XCTAssertEqual(report.variables.last?.unitCount, 792)
    }

    /// A subtheme counts its own codings only: FG1-0033 (A: IT skills/Learning…, B: the theme alone) agrees on the
    /// theme and differs on the subtheme.
    func testDisagreementsAreTheReadmeExcerptsWithRollUp() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.fixtureProject(in: dir)
        let data = try project.agreementData(AgreementScope(coders: ["coder_a", "coder_b"]))
        let list = try project.agreementDisagreements(data)
        XCTAssertEqual(Array(Set(list.map(\.unit))).sorted(), Self.readmeExcerpts)
        XCTAssertEqual(list.map(\.unit), list.map(\.unit).sorted(), "ordered by excerpt")

        let at33 = list.filter { $0.unit == "FG1-0033" }
        XCTAssertEqual(at33.map(\.code), ["Offenders' IT skills/Learning from earlier mistakes"])
        XCTAssertEqual(at33.first?.appliedBy, ["coder_a"])
        XCTAssertEqual(at33.first?.notAppliedBy, ["coder_b"])
        XCTAssertEqual(at33.first?.notReviewedBy, [])
        XCTAssertEqual(at33.first?.group, "FG1")
        XCTAssertNotNil(at33.first?.speaker)

        let at65 = list.filter { $0.unit == "FG1-0065" }
        XCTAssertEqual(at65.map(\.code), ["Offender profiles", "Offender profiles/Isolation", "Impact of Covid-19", "Impact of Covid-19/Isolation"])
        XCTAssertEqual(at65.map(\.appliedBy), [["coder_b"], ["coder_b"], ["coder_a"], ["coder_a"]])

        // The biggest: most codes differing, then excerpt order.
        let biggest = AgreementDisagreement.largest(list, limit: 3)
        XCTAssertEqual(biggest.map(\.unit), ["FG1-0057", "FG1-0065", "FG1-0016"])
        XCTAssertEqual(biggest.map(\.codes.count), [4, 4, 2])
    }

    func testCodesGroupsAndModeratorSelectUnitsAndVariables() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.fixtureProject(in: dir)
        let data = try project.agreementData(AgreementScope(coders: ["coder_a", "coder_b"], codes: ["offender profiles"], groups: ["FG1"]))
        XCTAssertEqual(data.variables.map(\.path), ["Offender profiles", "Offender profiles/Age diversity", "Offender profiles/Gender", "Offender profiles/Isolation"])
        XCTAssertEqual(data.dataset.units.count, 81, "FG1's participant turns")
        XCTAssertTrue(data.dataset.units.allSatisfy { $0.hasPrefix("FG1-") })

        let paths = try project.agreementData(AgreementScope(codes: ["Impact of Covid-19/Isolation,Role of policing/Officer welfare"]))
        XCTAssertEqual(paths.variables.map(\.path), ["Impact of Covid-19/Isolation", "Role of policing/Officer welfare"])

        // Moderator turns become units nobody reviewed: missing for both, so the pairs' n does not change.
        let withModerator = try project.agreementData(AgreementScope(codes: ["Offender profiles"], groups: ["FG1"], includeModerator: true))
        XCTAssertEqual(withModerator.dataset.units.count, 98)
        let report = try withModerator.report()
        XCTAssertEqual(report.variables[0].result(.cohenKappaPair, pair: "coder_a|coder_b")?.nUnits, 81)
        XCTAssertEqual(report.variables[0].unitCount, 98)

        XCTAssertThrowsError(try project.agreementData(AgreementScope(codes: ["Isolation"]))) { error in
            XCTAssertEqual(error as? AgreementProjectError, .ambiguousCode(spec: "Isolation", paths: ["Offender profiles/Isolation", "Impact of Covid-19/Isolation"]))
        }
        XCTAssertEqual(try project.agreementData(AgreementScope(codes: ["Officer welfare"])).variables.map(\.path), ["Role of policing/Officer welfare"])
        XCTAssertThrowsError(try project.agreementData(AgreementScope(codes: ["Nope"]))) { error in
            XCTAssertTrue(error.localizedDescription.contains("no code 'Nope'"), error.localizedDescription)
        }
        XCTAssertThrowsError(try project.agreementData(AgreementScope(coders: ["coder_a", "someone"]))) { error in
            XCTAssertEqual(error as? AgreementProjectError, .unknownCoder(name: "someone", known: ["coder_a", "coder_b"]))
        }
        XCTAssertThrowsError(try project.agreementData(AgreementScope(coders: ["coder_a", "consensus"]))) { error in
            XCTAssertEqual(error as? AgreementProjectError, .consensusIsNotARater)
        }
        XCTAssertThrowsError(try project.agreementData(AgreementScope(codes: ["Offender profiles/Gender"], level: 1))) { error in
            XCTAssertEqual(error as? AgreementProjectError, .noVariables(level: 1))
            XCTAssertEqual((error as? CategorisedError)?.category, .usage)
        }
        XCTAssertThrowsError(try project.agreementData(AgreementScope(groups: ["FG9"]))) { error in
            XCTAssertEqual(error as? ProjectError, .unknownGroup("FG9"))
        }
    }

    /// Reviews without codes are 0s; no review is missing; a coder only in the database is left out by default;
    /// the consensus coder never rates.
    func testReviewsMissingValuesAndConsensus() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.smallProject(in: dir, turns: 4, codes: ["T", "T/x", "T/y", "U"])
        try AgreementFixtureLoader.code(project, [
            "G1-0002 ann T/x", "G1-0002 ben T",
            "G1-0003 ann -", "G1-0003 ben -",
            "G1-0004 ann U", "G1-0004 ben U", "G1-0004 cy T/y",
            "G1-0005 ann -",
            "G1-0002 consensus T/x",
        ])
        try project.write { db in try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES ('idle', 'u-idle', 'now')") }
        let data = try project.agreementData()
        XCTAssertEqual(data.dataset.coders, ["ann", "ben", "cy"], "idle has nothing, consensus is not a rater")
        XCTAssertEqual(data.dataset.units, ["G1-0002", "G1-0003", "G1-0004", "G1-0005"])
        let matrices = try data.variables.map { try data.dataset.binaryMatrix(code: $0.path) }
        // T rolls up T/x and T/y.
        XCTAssertEqual(matrices[0].values, [1, 1, -1, 0, 0, -1, 0, 0, 1, 0, -1, -1])
        XCTAssertEqual(matrices[1].values, [1, 0, -1, 0, 0, -1, 0, 0, 0, 0, -1, -1])
        XCTAssertEqual(matrices[2].values, [0, 0, -1, 0, 0, -1, 0, 0, 1, 0, -1, -1])
        XCTAssertEqual(matrices[3].values, [0, 0, -1, 0, 0, -1, 1, 1, 0, 0, -1, -1])
        let list = data.disagreements()
        XCTAssertEqual(list.map { "\($0.unit) \($0.code)" }, ["G1-0002 T/x", "G1-0004 T", "G1-0004 T/y", "G1-0004 U"])
        XCTAssertEqual(list[0].notReviewedBy, ["cy"])
    }

    func testExclusiveBranchAddsNominalVariableAndRefusesTwoChildren() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.smallProject(in: dir, turns: 4, codes: ["Tone", "Tone/positive", "Tone/negative", "Topic"],
                                                             exclusive: ["Tone"])
        try AgreementFixtureLoader.code(project, [
            "G1-0002 ann Tone/positive", "G1-0002 ben Tone/positive",
            "G1-0003 ann Tone/negative", "G1-0003 ben Tone/positive",
            "G1-0004 ann Tone/negative", "G1-0004 ben Tone/negative",
            "G1-0005 ann Topic", "G1-0005 ben -",
        ])
        let report = try project.agreementData().report()
        XCTAssertEqual(report.variables.map(\.variable), ["code:Tone", "code:Tone/positive", "code:Tone/negative", "code:Topic", "pooled", "nominal:Tone"])
        let nominal = try XCTUnwrap(report.variables.last)
        XCTAssertEqual(nominal.categories, ["Tone/positive", "Tone/negative"])
        // Units G1-0002..4 pair up (G1-0005 has no Tone value): agreement 2 of 3.
        XCTAssertEqual(try XCTUnwrap(nominal.result(.percentAgreementPair, pair: "ann|ben")?.value), 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(nominal.result(.percentAgreementPair, pair: "ann|ben")?.nUnits, 3)
        // Themes only: the branch's children are not analysed, so there is no nominal variable.
        XCTAssertFalse(try project.agreementData(AgreementScope(level: 1)).report().variables.contains { $0.kind == .nominal })

        try AgreementFixtureLoader.code(project, ["G1-0004 ben Tone/positive"])
        XCTAssertThrowsError(try project.agreementData().report()) { error in
            XCTAssertEqual(error as? AgreementInputError,
                           .multipleCodesInExclusiveVariable(variable: "nominal:Tone", unit: "G1-0004", coder: "ben", codes: ["Tone/positive", "Tone/negative"]))
            XCTAssertEqual((error as? CategorisedError)?.category, .badData)
        }
    }

    func testEmptyCodebookAndNoCodingsAreClearErrors() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.smallProject(in: dir, turns: 2, codes: [])
        XCTAssertThrowsError(try project.agreementData()) { XCTAssertEqual($0 as? AgreementProjectError, .emptyCodebook) }
        try AgreementFixtureLoader.insertCodes(project, paths: ["T"])
        XCTAssertThrowsError(try project.agreementData()) { XCTAssertEqual(($0 as? CategorisedError)?.category, .badData) }
        XCTAssertEqual(try project.codersWithCodings(), [])
        XCTAssertThrowsError(try project.agreementData(AgreementScope(level: 0)))
    }

    /// Renderers: undefined values are "not computable — reason" on screen, empty + undefined in CSV, null in JSON.
    func testRenderersShowUndefinedValuesAsNotComputable() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.smallProject(in: dir, turns: 3, codes: ["T"])
        // Nobody applies T: no variation, so κ, π and α are undefined.
        try AgreementFixtureLoader.code(project, ["G1-0002 ann -", "G1-0002 ben -", "G1-0003 ann -", "G1-0003 ben -"])
        let data = try project.agreementData()
        let document = AgreementDocument(
            context: AgreementContext(source: "project p", units: data.dataset.units.count, coders: data.dataset.coders,
                                      groups: data.groups, includesModerator: false, rollUp: true),
            report: try data.report(options: AgreementOptions(bootstrapResamples: 50, seed: 3)))
        let screen = AgreementTerminalRenderer(maxWidth: 200).render(document)
        XCTAssertTrue(screen.contains("Krippendorff's α (nominal)"), screen)
        XCTAssertTrue(screen.contains("not computable — "), screen)
        XCTAssertFalse(screen.contains("nan"), screen)
        XCTAssertTrue(screen.contains("Legend"), screen)
        XCTAssertTrue(screen.contains("roll-up"), screen)
        XCTAssertTrue(screen.contains("95% percentile bootstrap over excerpts, 50 resamples, seed 3"), screen)
        let csv = AgreementCSVRenderer().render(document)
        XCTAssertTrue(csv.contains("\ncode:T,krippendorff_alpha_nominal,,,undefined,2\n"), csv)
        XCTAssertTrue(csv.contains("\ncode:T,percent_agreement.pair,ann|ben,1.0,defined,2\n"), csv)
        let json = try JSONSerialization.jsonObject(with: Data(AgreementJSONRenderer().render(document).utf8)) as! [String: Any]
        let variables = json["variables"] as! [[String: Any]]
        let alpha = (variables[0]["coefficients"] as! [[String: Any]]).first { $0["coefficient"] as? String == "krippendorff_alpha_nominal" }!
        XCTAssertTrue(alpha["value"] is NSNull)
        XCTAssertEqual(alpha["status"] as? String, "undefined")
        XCTAssertTrue((alpha["reason"] as? String)?.isEmpty == false)
        XCTAssertEqual(json["unit"] as? String, "excerpt")
        let md = AgreementMarkdownRenderer().render(document)
        XCTAssertTrue(md.contains("| `code:T` | percent agreement (pair) | ann\\|ben | 2 | 1.000 |"), md)
        XCTAssertTrue(md.contains("not computable — "), md)
    }
}

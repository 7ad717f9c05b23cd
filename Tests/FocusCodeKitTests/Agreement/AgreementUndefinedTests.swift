import XCTest
@testable import FocusCodeKit

/// Undefined is not a number: each case names the coefficients that must have no value, and why.
final class AgreementUndefinedTests: XCTestCase {
    private func analyse(_ coders: [String], _ rows: [[Int?]], categories: [String] = ["0", "1"]) throws -> AgreementVariableResult {
        let kind: AgreementVariableKind = categories.count == 2 ? .binary : .nominal
        return AgreementAnalysis.analyse(try ReliabilityMatrix(variable: "code:test", kind: kind, coders: coders, categories: categories, rows: rows))
    }

    private func assertUndefined(_ row: AgreementCoefficientResult?, mentions text: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        guard let row else { return XCTFail("missing row", file: file, line: line) }
        XCTAssertNil(row.value, "\(row.coefficient.rawValue) \(row.pair ?? "")", file: file, line: line)
        XCTAssertEqual(row.status, .undefined, file: file, line: line)
        XCTAssertFalse(row.prevalenceWarning, file: file, line: line)
        let reason = row.reason ?? ""
        XCTAssertFalse(reason.isEmpty, "an undefined value needs a reason", file: file, line: line)
        if let text { XCTAssertTrue(reason.contains(text), "reason '\(reason)' should mention '\(text)'", file: file, line: line) }
    }

    func testConstantDataLeavesChanceCorrectedCoefficientsUndefined() throws {
        let result = try analyse(["A", "B", "C"], [[1, 1, 1], [1, nil, 1], [1, 1, nil], [nil, 1, 1], [1, 1, 1]])
        for coefficient: AgreementCoefficient in [.scottPi] { assertUndefined(result.result(coefficient), mentions: "two coders") }
        for coefficient: AgreementCoefficient in [.fleissKappaCompleteCases, .fleissKappaGwetMissing, .krippendorffAlphaNominal] {
            assertUndefined(result.result(coefficient), mentions: "same category '1'")
        }
        for pair in ["A|B", "A|C", "B|C"] { assertUndefined(result.result(.cohenKappaPair, pair: pair), mentions: "0/0") }
        assertUndefined(result.result(.cohenKappaMeanOverPairs), mentions: "no coder pair")
        // Percent agreement is 1 and AC1 is 1 (q = 2: p_e = Σ π(1 − π) = 0).
        for coefficient: AgreementCoefficient in [.percentAgreementPairwiseMean, .percentAgreementUnitMean, .percentAgreementKrippendorffObserved, .gwetAC1] {
            XCTAssertEqual(result.result(coefficient)?.value, 1, coefficient.rawValue)
        }
        for pair in ["A|B", "A|C", "B|C"] { XCTAssertEqual(result.result(.percentAgreementPair, pair: pair)?.value, 1) }
        // Fleiss on complete cases still says how many units it kept.
        XCTAssertEqual(result.result(.fleissKappaCompleteCases)?.nUnits, 2)
    }

    func testOneCoderLeavesEverythingUndefined() throws {
        let result = try analyse(["A"], [[0], [1], [1], [nil]])
        XCTAssertFalse(result.coefficients.isEmpty)
        XCTAssertNil(result.result(.percentAgreementPair))  // no pairs at all
        for row in result.coefficients { assertUndefined(row) }
        assertUndefined(result.result(.krippendorffAlphaNominal), mentions: "only one coder")
    }

    func testCodersWithoutASharedUnitLeaveEverythingUndefined() throws {
        let result = try analyse(["A", "B"], [[0, nil], [1, nil], [nil, 1], [nil, 0], [nil, nil]])
        for row in result.coefficients { assertUndefined(row) }
        assertUndefined(result.result(.cohenKappaPair, pair: "A|B"), mentions: "no unit in common")
        assertUndefined(result.result(.gwetAC1), mentions: "no pair of values")
        XCTAssertEqual(result.result(.cohenKappaPair, pair: "A|B")?.nUnits, 0)
    }

    func testConstantPairIsLeftOutOfLightsKappa() throws {
        // A and B give 1 on every unit they share; C varies.
        let result = try analyse(["A", "B", "C"], [[1, 1, 0], [1, 1, 1], [1, 1, 0], [1, 1, 1], [nil, 0, 0], [0, nil, 1]])
        assertUndefined(result.result(.cohenKappaPair, pair: "A|B"), mentions: "coders A and B")
        let ac = try XCTUnwrap(result.result(.cohenKappaPair, pair: "A|C")?.value)
        let bc = try XCTUnwrap(result.result(.cohenKappaPair, pair: "B|C")?.value)
        // A|C over units 1–4, 6: A = 1,1,1,1,0; C = 0,1,0,1,1 → p_o = 2/5, p_e = (4·3 + 1·2)/25 = 14/25, κ = (10 − 14)/(25 − 14) = −4/11.
        XCTAssertEqual(ac, -4.0 / 11.0, accuracy: 1e-12)
        // B|C over units 1–5: B = 1,1,1,1,0; C = 0,1,0,1,0 → p_o = 3/5, p_e = (4·2 + 1·3)/25 = 11/25, κ = (15 − 11)/(25 − 11) = 2/7.
        XCTAssertEqual(bc, 2.0 / 7.0, accuracy: 1e-12)
        let light = try XCTUnwrap(result.result(.cohenKappaMeanOverPairs))
        XCTAssertEqual(try XCTUnwrap(light.value), (ac + bc) / 2, accuracy: 1e-15)
        // Percent agreement of A|B is defined (1), and the pairwise mean includes it.
        XCTAssertEqual(result.result(.percentAgreementPair, pair: "A|B")?.value, 1)
        // Every unit has C plus A or B, so all 6 units and 16 values enter some defined pair.
        XCTAssertEqual(light.nUnits, 6)
        XCTAssertEqual(light.nValues, 16)
        XCTAssertEqual(light.nCoders, 3)
    }

    func testConstantPairOnDifferentCategoriesIsDefinedZero() throws {
        // p_e = 1·0 + 0·1 = 0, so κ = (0 − 0)/(1 − 0) = 0: a real value, total disagreement.
        let result = try analyse(["A", "B"], [[0, 1], [0, 1], [0, 1]])
        XCTAssertEqual(result.result(.cohenKappaPair, pair: "A|B")?.value, 0)
        XCTAssertEqual(result.result(.cohenKappaMeanOverPairs)?.value, 0)
    }

    func testScottsPiNeedsExactlyTwoCoders() throws {
        let result = try analyse(["A", "B", "C"], [[0, 1, 1], [1, 1, 1], [0, 0, 1]])
        assertUndefined(result.result(.scottPi), mentions: "exactly two coders")
        XCTAssertNotNil(result.result(.fleissKappaCompleteCases)?.value)
    }

    func testFleissWithoutCompleteCase() throws {
        let result = try analyse(["A", "B", "C"], [[0, 0, nil], [nil, 1, 1], [2, nil, 2], [0, 1, nil], [nil, 2, 2], [1, nil, 0]],
                                 categories: ["x", "y", "z"])
        assertUndefined(result.result(.fleissKappaCompleteCases), mentions: "all 3 coders")
        XCTAssertEqual(result.result(.fleissKappaCompleteCases)?.nUnits, 0)
        XCTAssertNotNil(result.result(.fleissKappaGwetMissing)?.value)
        XCTAssertNotNil(result.result(.krippendorffAlphaNominal)?.value)
    }

    func testAC1WithOneCategoryIsUndefined() throws {
        let result = try analyse(["A", "B"], [[0, 0], [0, 0]], categories: ["only"])
        assertUndefined(result.result(.gwetAC1), mentions: "q = 1")
        XCTAssertEqual(result.result(.percentAgreementUnitMean)?.value, 1)
    }

    func testUndefinedRowsPrintEmptyValueInCSV() throws {
        let result = try analyse(["A", "B"], [[1, 1], [1, 1]])
        let csv = AgreementReport(variables: [result], options: AgreementOptions()).csvRows()
        XCTAssertTrue(csv.contains("code:test,krippendorff_alpha_nominal,,,undefined,2"), csv.joined(separator: "\n"))
        XCTAssertTrue(csv.contains("code:test,gwet_ac1,,1.0,defined,2"))
        XCTAssertFalse(csv.joined().lowercased().contains("nan"))
        // JSON carries null, never NaN (which JSONEncoder would refuse anyway).
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        XCTAssertTrue(json.contains("\"status\":\"undefined\""))
    }
}

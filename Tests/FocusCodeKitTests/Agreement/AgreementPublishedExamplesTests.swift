import XCTest
@testable import FocusCodeKit

/// Published worked examples, typed in from the sources and checked by hand in the comments.
final class AgreementPublishedExamplesTests: XCTestCase {
    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", binary data, two observers, 10 units.
    ///
    /// Pairs (A,B): (0,1) (1,1) (0,1) (0,0) (0,0) (0,1) (0,0) (0,0) (1,0) (0,0).
    /// Coincidences: o00 = 2·5 = 10, o11 = 2·1 = 2, o01 = o10 = 4; n0 = 14, n1 = 6, n = 20.
    /// α = 1 − (n − 1)·o01 / (n0·n1) = 1 − 19·4/84 = 8/84 = 2/21 = 0.0952… (published 0.095).
    func testKrippendorffBinaryExample() throws {
        let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
        let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
        let matrix = try ReliabilityMatrix(
            variable: "code:x", kind: .binary, coders: ["A", "B"], categories: ["0", "1"],
            rows: zip(a, b).map { [$0, $1] })
        let result = AgreementAnalysis.analyse(matrix)
        let alpha = try XCTUnwrap(result.result(.krippendorffAlphaNominal)?.value)
        XCTAssertEqual(alpha, 0.095, accuracy: 0.0005)  // the printed digits
        XCTAssertEqual(alpha, 2.0 / 21.0, accuracy: 1e-12)  // the hand calculation
        XCTAssertEqual(result.result(.krippendorffAlphaNominal)?.nValues, 20)
        XCTAssertEqual(result.result(.krippendorffAlphaNominal)?.nUnits, 10)
        // 1 − D_o = (o00 + o11)/n = 12/20.
        XCTAssertEqual(try XCTUnwrap(result.result(.percentAgreementKrippendorffObserved)?.value), 0.6, accuracy: 1e-12)
    }

    /// Krippendorff (2011), nominal data, four observers, 12 units, missing data (α = 0.743).
    ///
    /// Unit 12 has one value and is not pairable; n = 40 pairable values.
    /// Σ_c o_cc = Σ_u Σ_k n_uk(n_uk − 1)/(m_u − 1) = 3+2+4+4+4+0+4+2+4+3+2 = 32, so 1 − D_o = 32/40.
    /// n_c for values 1…5 = 9, 13, 10, 5, 3; Σ n_c² = 384.
    /// α = ((n − 1)·32 + n − Σn_c²)/(n² − Σn_c²) = (1248 + 40 − 384)/(1600 − 384) = 904/1216 = 113/152 = 0.74342.
    func testKrippendorffNominalExampleWithMissingData() throws {
        let result = AgreementAnalysis.analyse(try Self.krippendorffNominal())
        let alpha = try XCTUnwrap(result.result(.krippendorffAlphaNominal)?.value)
        XCTAssertEqual(alpha, 0.743, accuracy: 0.0005)
        XCTAssertEqual(alpha, 113.0 / 152.0, accuracy: 1e-12)
        XCTAssertEqual(result.result(.krippendorffAlphaNominal)?.nValues, 40)
        XCTAssertEqual(result.result(.krippendorffAlphaNominal)?.nUnits, 11)
        XCTAssertEqual(try XCTUnwrap(result.result(.percentAgreementKrippendorffObserved)?.value), 0.8, accuracy: 1e-12)
    }

    /// The same data is irrCAC's `cac.raw4raters` (Gwet 2014), whose documentation prints
    /// AC1 = 0.77544 (p_a = 0.81818, p_e = 0.19032) and Fleiss' κ = 0.76117 (p_e = 0.23872).
    ///
    /// p_a: the 11 units with ≥ 2 ratings agree 1, .5, 1, 1, 1, 0, 1, .5, 1, 1, 1 → 9/11.
    /// π_k (mean over all 12 units of n_uk/m_u) = 3/12, 3.25/12, 3.5/12, 1.25/12, 1/12; Σπ² = 275/1152.
    /// Fleiss (Gwet): (9/11 − 275/1152)/(1 − 275/1152) = 7343/9647 = 0.761169.
    /// AC1: p_e = (1 − 275/1152)/(q − 1) = 877/4608, AC1 = (9/11 − 877/4608)/(1 − 877/4608) = 31825/41041 = 0.775444.
    func testGwetAC1AndFleissMissingOnIrrCACRaw4Raters() throws {
        let result = AgreementAnalysis.analyse(try Self.krippendorffNominal())
        let ac1 = try XCTUnwrap(result.result(.gwetAC1)?.value)
        XCTAssertEqual(ac1, 0.77544, accuracy: 0.000005)
        XCTAssertEqual(ac1, 31825.0 / 41041.0, accuracy: 1e-12)
        let fleiss = try XCTUnwrap(result.result(.fleissKappaGwetMissing)?.value)
        XCTAssertEqual(fleiss, 0.76117, accuracy: 0.000005)
        XCTAssertEqual(fleiss, 7343.0 / 9647.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.result(.percentAgreementUnitMean)?.value), 9.0 / 11.0, accuracy: 1e-12)
        // π_k averages over every unit with a rating, unit 12 (a single rating) included.
        XCTAssertEqual(result.result(.gwetAC1)?.nUnits, 12)
        XCTAssertEqual(result.result(.gwetAC1)?.nValues, 40)
    }

    /// Fleiss (1971): 30 patients, 6 psychiatrists, 5 diagnoses; κ = 0.430.
    ///
    /// Category totals (of 180): 26, 26, 30, 55, 43 → P̄_e = 7126/32400.
    /// Σ_i Σ_j n_ij² = 680 → P̄ = (680 − 180)/(30·6·5) = 5/9.
    /// κ = (5/9 − 7126/32400)/(1 − 7126/32400) = 10874/25274 = 0.430244.
    func testFleiss1971PsychiatricDiagnoses() throws {
        let counts: [[Int]] = [
            [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
            [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
            [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
            [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
            [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
            [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
        ]
        // Fleiss gives counts per patient, not rater identities: fill raters in category order.
        let rows: [[Int?]] = counts.map { subject in subject.enumerated().flatMap { k, n in [Int?](repeating: k, count: n) } }
        let matrix = try ReliabilityMatrix(
            coders: ["R1", "R2", "R3", "R4", "R5", "R6"],
            categories: ["Depression", "Personality disorder", "Schizophrenia", "Neurosis", "Other"], rows: rows)
        let result = AgreementAnalysis.analyse(matrix)
        let kappa = try XCTUnwrap(result.result(.fleissKappaCompleteCases))
        XCTAssertEqual(try XCTUnwrap(kappa.value), 0.430, accuracy: 0.0005)
        XCTAssertEqual(try XCTUnwrap(kappa.value), 10874.0 / 25274.0, accuracy: 1e-12)
        XCTAssertEqual(kappa.nUnits, 30)
        XCTAssertEqual(kappa.nCoders, 6)
        XCTAssertEqual(kappa.nValues, 180)
        // With no missing data Gwet's form is Fleiss' κ.
        XCTAssertEqual(try XCTUnwrap(result.result(.fleissKappaGwetMissing)?.value), 10874.0 / 25274.0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.result(.percentAgreementUnitMean)?.value), 5.0 / 9.0, accuracy: 1e-12)
    }

    /// The textbook Cohen example: 50 units, both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    ///
    /// p_o = 35/50 = 0.7; A says yes 25/50, B 30/50; p_e = .5·.6 + .5·.4 = 0.5; κ = 0.2/0.5 = 0.4.
    /// Scott's π pools the marginals: yes (25+30)/100 = .55, p_e = .55² + .45² = .505,
    /// π = (.7 − .505)/(1 − .505) = 0.195/0.495 = 13/33.
    func testCohenTextbookExample() throws {
        let rows: [[Int?]] = Array(repeating: [1, 1], count: 20) + Array(repeating: [1, 0], count: 5)
            + Array(repeating: [0, 1], count: 10) + Array(repeating: [0, 0], count: 15)
        let matrix = try ReliabilityMatrix(variable: "code:x", kind: .binary, coders: ["A", "B"], categories: ["0", "1"], rows: rows)
        let result = AgreementAnalysis.analyse(matrix)
        let kappa = try XCTUnwrap(result.result(.cohenKappaPair, pair: "A|B"))
        XCTAssertEqual(try XCTUnwrap(kappa.value), 0.40, accuracy: 1e-12)
        XCTAssertEqual(kappa.nUnits, 50)
        XCTAssertEqual(try XCTUnwrap(result.result(.cohenKappaMeanOverPairs)?.value), 0.40, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.result(.percentAgreementPair, pair: "A|B")?.value), 0.7, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.result(.scottPi)?.value), 13.0 / 33.0, accuracy: 1e-12)
    }

    /// Krippendorff's nominal example (= irrCAC cac.raw4raters), values 1…5 as indices 0…4.
    static func krippendorffNominal() throws -> ReliabilityMatrix {
        let observers: [[Int?]] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
            [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],
        ]
        let rows = (0..<12).map { u in observers.map { $0[u].map { $0 - 1 } } }
        return try ReliabilityMatrix(coders: ["A", "B", "C", "D"], categories: ["1", "2", "3", "4", "5"], rows: rows)
    }
}

import XCTest
@testable import FocusCodeKit

/// Long-form codings → matrices, the report model, and the CSV rows.
final class AgreementDatasetTests: XCTestCase {
    private func record(_ unit: String, _ coder: String, _ code: String?) -> AgreementCodingRecord {
        AgreementCodingRecord(unit: unit, coder: coder, code: code)
    }

    private var records: [AgreementCodingRecord] {
        [
            record("FG1-0001", "ann", "isolation"),
            record("FG1-0001", "ben", "isolation"),
            record("FG1-0002", "ann", nil),            // reviewed, nothing applied
            record("FG1-0002", "ben", "concealment"),
            record("FG1-0003", "ann", "concealment"),
            record("FG1-0003", "ann", "isolation"),    // two codes: fine per code, a conflict if exclusive
            record("FG1-0004", "ben", ""),             // empty code = reviewed, none applied
        ]
    }

    func testBinaryMatricesSeparateZeroFromMissing() throws {
        let dataset = try AgreementDataset(records: records, units: ["FG1-0001", "FG1-0002", "FG1-0003", "FG1-0004", "FG1-0005"],
                                           coders: ["ben", "ann"], codes: ["isolation", "concealment", "age"])
        XCTAssertEqual(dataset.coders, ["ben", "ann"])
        let isolation = try dataset.binaryMatrix(code: "isolation")
        XCTAssertEqual(isolation.variable, "code:isolation")
        XCTAssertEqual(isolation.kind, .binary)
        // Rows: units; columns: ben, ann.
        XCTAssertEqual(isolation.values, [1, 1, /**/ 0, 0, /**/ -1, 1, /**/ 0, -1, /**/ -1, -1])
        let age = try dataset.binaryMatrix(code: "age")  // unused code: zeros where reviewed
        XCTAssertEqual(age.values, [0, 0, 0, 0, -1, 0, 0, -1, -1, -1])
        XCTAssertEqual(dataset.binaryMatrices().map(\.variable), ["code:isolation", "code:concealment", "code:age"])
        // Pair order follows the coder list.
        XCTAssertEqual(isolation.pairLabels, ["ben|ann"])
        let result = AgreementAnalysis.analyse(isolation)
        XCTAssertNotNil(result.result(.cohenKappaPair, pair: "ben|ann"))
        XCTAssertEqual(result.unitCount, 5)
    }

    func testOrderOfFirstAppearanceWithoutLists() throws {
        let dataset = try AgreementDataset(records: records)
        XCTAssertEqual(dataset.units, ["FG1-0001", "FG1-0002", "FG1-0003", "FG1-0004"])
        XCTAssertEqual(dataset.coders, ["ann", "ben"])
        XCTAssertEqual(dataset.codes, ["isolation", "concealment"])
    }

    func testNominalRejectsTwoCodesFromOneCoderOnOneUnit() throws {
        let dataset = try AgreementDataset(records: records)
        XCTAssertThrowsError(try dataset.nominalMatrix()) { error in
            XCTAssertEqual(error as? AgreementInputError, .multipleCodesInExclusiveVariable(
                variable: "nominal", unit: "FG1-0003", coder: "ann", codes: ["isolation", "concealment"]))
            let message = error.localizedDescription
            XCTAssertTrue(message.contains("FG1-0003") && message.contains("ann"), message)
            XCTAssertTrue(message.contains("keep one"), message)
            XCTAssertEqual((error as? AgreementInputError)?.category, .badData)
        }
    }

    func testNominalOverABranch() throws {
        let dataset = try AgreementDataset(records: records, codes: ["isolation", "concealment", "age"])
        // Only "concealment" and "age" are exclusive; "isolation" just marks the unit reviewed.
        let matrix = try dataset.nominalMatrix(codes: ["concealment", "age"], variable: "nominal:skills")
        XCTAssertEqual(matrix.categories, ["concealment", "age"])
        XCTAssertEqual(matrix.values, [-1, -1, /**/ -1, 0, /**/ 0, -1, /**/ -1, -1])
        let withNone = try dataset.nominalMatrix(codes: ["concealment", "age"], reviewedWithoutCode: .category("none"))
        XCTAssertEqual(withNone.categories, ["concealment", "age", "none"])
        XCTAssertEqual(withNone.values, [2, 2, /**/ 2, 0, /**/ 0, -1, /**/ -1, 2])
        // AC1's q counts the unused code "age" (and "none"): q = 3.
        let result = AgreementAnalysis.analyse(withNone)
        XCTAssertEqual(result.categories.count, 3)
    }

    func testUnknownNamesAreRejectedWhenListsAreGiven() {
        XCTAssertThrowsError(try AgreementDataset(records: records, coders: ["ann"])) { error in
            XCTAssertEqual(error as? AgreementInputError, .unknownCoder(coder: "ben", unit: "FG1-0001"))
            XCTAssertTrue(error.localizedDescription.contains("add 'ben' to the list"))
        }
        XCTAssertThrowsError(try AgreementDataset(records: records, codes: ["isolation"])) { error in
            XCTAssertEqual(error as? AgreementInputError, .unknownCode(code: "concealment", unit: "FG1-0002", coder: "ben"))
        }
        XCTAssertThrowsError(try AgreementDataset(records: records, units: ["FG1-0001"])) { error in
            XCTAssertEqual(error as? AgreementInputError, .unknownUnit(unit: "FG1-0002", coder: "ann"))
        }
        XCTAssertThrowsError(try AgreementDataset(records: [record("", "ann", nil)])) { error in
            XCTAssertEqual(error as? AgreementInputError, .emptyName(field: "unit", unit: "", coder: "ann"))
        }
        XCTAssertThrowsError(try AgreementDataset(records: records, coders: ["ann", "ben", "ann"])) { error in
            XCTAssertEqual(error as? AgreementInputError, .duplicateName(kind: "coder", name: "ann"))
        }
        XCTAssertThrowsError(try AgreementDataset(records: records).binaryMatrix(code: "nope")) { error in
            XCTAssertEqual(error as? AgreementInputError, .codeNotInDataset(code: "nope"))
        }
    }

    func testMatrixValidation() throws {
        XCTAssertThrowsError(try ReliabilityMatrix(variable: "v", kind: .nominal, units: ["1"], coders: ["a", "b"], categories: ["x"], values: [0, 1])) { error in
            XCTAssertTrue(error.localizedDescription.contains("unit '1', coder 'b' has value 1"), error.localizedDescription)
        }
        XCTAssertThrowsError(try ReliabilityMatrix(variable: "v", kind: .binary, units: ["1"], coders: ["a"], categories: ["0", "1", "2"], values: [0]))
        XCTAssertThrowsError(try ReliabilityMatrix(variable: "v", kind: .nominal, units: ["1", "2"], coders: ["a"], categories: ["x"], values: [0]))
        // Decoding validates too, so a bad file cannot index past the categories.
        let bad = #"{"variable":"v","kind":"nominal","units":["1"],"coders":["a","b"],"categories":["x","y"],"values":[0,5]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(ReliabilityMatrix.self, from: Data(bad.utf8)))
        let good = try ReliabilityMatrix(coders: ["a", "b"], categories: ["x", "y"], rows: [[0, nil], [1, 1]])
        XCTAssertEqual(try JSONDecoder().decode(ReliabilityMatrix.self, from: JSONEncoder().encode(good)), good)
    }

    func testReportFromRecordsOrdersVariablesAndWritesCSV() throws {
        let report = try AgreementAnalysis.report(
            records: records, codes: ["isolation", "concealment"],
            nominal: [AgreementNominalVariable(codes: ["concealment"])])
        XCTAssertEqual(report.variables.map(\.variable), ["code:isolation", "code:concealment", "pooled", "nominal"])
        XCTAssertEqual(report.variables.map(\.kind), [.binary, .binary, .pooled, .nominal])
        let csv = report.csvRows()
        XCTAssertEqual(csv.first, "variable,coefficient,pair,value,status,n_units")
        // Per variable: 1 pair → 1 + 3 percent rows, 1 + 1 κ rows, π, 2 Fleiss, α, AC1 = 11 rows.
        XCTAssertEqual(csv.count, 1 + 4 * 11)
        let coefficientsInOrder = csv.dropFirst().prefix(11).map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] }
        XCTAssertEqual(coefficientsInOrder, [
            "percent_agreement.pair", "percent_agreement.pairwise_mean", "percent_agreement.unit_mean",
            "percent_agreement.krippendorff_observed", "cohen_kappa.pair", "cohen_kappa.mean_over_pairs", "scott_pi",
            "fleiss_kappa_complete_cases", "fleiss_kappa_gwet_missing", "krippendorff_alpha_nominal", "gwet_ac1",
        ])
        // code:isolation: ann and ben share FG1-0001 (1,1) and FG1-0002 (0,0): percent agreement 1.
        XCTAssertEqual(csv[1], "code:isolation,percent_agreement.pair,ann|ben,1.0,defined,2")
        for line in csv.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(fields.count, 6, line)
            if fields[4] == "undefined" { XCTAssertEqual(fields[3], "", line) } else { XCTAssertNotNil(Double(fields[3]), line) }
        }
    }

    func testCSVValuesRoundTripAndFieldsAreQuoted() throws {
        let value = 2.0 / 21.0
        let row = AgreementCoefficientResult(coefficient: .krippendorffAlphaNominal, pair: nil, value: value, reason: nil, nUnits: 10, nCoders: 2, nValues: 20)
        let variable = AgreementVariableResult(variable: "code:age, young", kind: .binary, coders: ["a", "b"], categories: ["0", "1"], unitCount: 10, coefficients: [row])
        let csv = AgreementReport(variables: [variable], options: AgreementOptions()).csvRows(includeHeader: false)
        XCTAssertEqual(csv, ["\"code:age, young\",krippendorff_alpha_nominal,,\(value),defined,10"])
        let printed = String(csv[0].split(separator: ",", omittingEmptySubsequences: false)[4])
        XCTAssertEqual(Double(printed), value)  // round-trips exactly
        XCTAssertEqual(AgreementReport.formatValue(-0.0), "0.0")
    }

    func testPrevalenceWarningBesideKappaAndAlphaForARareCode() throws {
        // 1 of 40 units is coded 1 by both coders, 1 unit by one: minority share 3/80 < 10%.
        let rows: [[Int?]] = [[1, 1], [1, 0]] + Array(repeating: [0, 0], count: 38)
        let matrix = try ReliabilityMatrix(variable: "code:rare", kind: .binary, coders: ["A", "B"], categories: ["0", "1"], rows: rows)
        let result = AgreementAnalysis.analyse(matrix)
        for coefficient: AgreementCoefficient in [.cohenKappaMeanOverPairs, .scottPi, .fleissKappaCompleteCases, .fleissKappaGwetMissing, .krippendorffAlphaNominal] {
            XCTAssertEqual(result.result(coefficient)?.prevalenceWarning, true, coefficient.rawValue)
        }
        XCTAssertEqual(result.result(.cohenKappaPair, pair: "A|B")?.prevalenceWarning, true)
        XCTAssertEqual(try XCTUnwrap(result.result(.krippendorffAlphaNominal)?.minorityShare), 3.0 / 80.0, accuracy: 1e-15)
        for coefficient: AgreementCoefficient in [.gwetAC1, .percentAgreementUnitMean, .percentAgreementPairwiseMean] {
            XCTAssertEqual(result.result(coefficient)?.prevalenceWarning, false, coefficient.rawValue)
        }
        // Threshold is an option.
        let relaxed = AgreementAnalysis.analyse(matrix, options: AgreementOptions(prevalenceThreshold: 0.01))
        XCTAssertEqual(relaxed.result(.krippendorffAlphaNominal)?.prevalenceWarning, false)
    }

    func testReportIsCodableWithSnakeCaseKeys() throws {
        let report = try AgreementAnalysis.report(records: records, options: AgreementOptions(bootstrapResamples: 20, seed: 11))
        let data = try JSONEncoder().encode(report)
        let json = String(decoding: data, as: UTF8.self)
        for key in ["\"n_units\"", "\"n_coders\"", "\"n_values\"", "\"prevalence_warning\"", "\"undefined_resamples\"", "\"formula\""] {
            XCTAssertTrue(json.contains(key), key)
        }
        XCTAssertEqual(try JSONDecoder().decode(AgreementReport.self, from: data), report)
    }

    func testPoolingRejectsMismatchedMatrices() throws {
        let a = try ReliabilityMatrix(variable: "code:a", kind: .binary, coders: ["x", "y"], categories: ["0", "1"], rows: [[0, 1]])
        let b = try ReliabilityMatrix(variable: "code:b", kind: .binary, coders: ["x", "z"], categories: ["0", "1"], rows: [[0, 1]])
        XCTAssertThrowsError(try AgreementAnalysis.analysePooled([a, b])) { error in
            XCTAssertTrue(error.localizedDescription.contains("other coders"), error.localizedDescription)
        }
        XCTAssertThrowsError(try AgreementAnalysis.analysePooled([]))
    }
}

import XCTest
@testable import FocusCodeKit

/// Finds the repository's `Fixtures/` by walking up from this file to the folder holding `Package.swift`.
enum AgreementFixtures {
    static func root(file: String = #filePath) throws -> URL {
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        let fm = FileManager.default
        while dir.path != "/" {
            if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
               fm.fileExists(atPath: dir.appendingPathComponent("Fixtures").path) {
                return dir
            }
            dir.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Package.swift with Fixtures/ above \(file)"])
    }

    static func url(_ relative: String) throws -> URL {
        try root().appendingPathComponent("Fixtures").appendingPathComponent(relative)
    }
}

/// Agreement with independent reference implementations (krippendorff, irrCAC, scikit-learn,
/// statsmodels), computed by Fixtures/agreement/generate.py into expected.json.
final class AgreementCrossCheckTests: XCTestCase {
    struct Corpus: Decodable {
        var versions: [String: String]
        var tolerance: Double
        var cases: [Case]
    }

    struct Case: Decodable {
        var name: String
        var coders: [String]
        var categories: [String]
        var matrix: [[Int?]]
        var expected: [String: Expected]
        var published: [String: String]?
    }

    /// A number, null (undefined), or a list of those (one per coder pair).
    enum Expected: Decodable {
        case scalar(Double?)
        case list([Double?])
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .scalar(nil) }
            else if let list = try? container.decode([Double?].self) { self = .list(list) }
            else { self = .scalar(try container.decode(Double.self)) }
        }
    }

    func loadCorpus() throws -> Corpus {
        let data = try Data(contentsOf: try AgreementFixtures.url("agreement/expected.json"))
        return try JSONDecoder().decode(Corpus.self, from: data)
    }

    func testCorpusIsLargeAndPinned() throws {
        let corpus = try loadCorpus()
        XCTAssertGreaterThanOrEqual(corpus.cases.count, 30)
        XCTAssertEqual(corpus.versions["krippendorff"], "0.9.0")
        XCTAssertEqual(corpus.versions["irrCAC"], "0.4.4")
        XCTAssertEqual(corpus.versions["scikit-learn"], "1.9.1")
        XCTAssertEqual(corpus.versions["statsmodels"], "0.15.0")
    }

    func testEveryCoefficientMatchesTheReferencePackages() throws {
        let corpus = try loadCorpus()
        var compared = 0
        for testCase in corpus.cases {
            let kind: AgreementVariableKind = testCase.categories == ["0", "1"] ? .binary : .nominal
            let matrix = try ReliabilityMatrix(
                variable: testCase.name, kind: kind, coders: testCase.coders, categories: testCase.categories, rows: testCase.matrix)
            let result = AgreementAnalysis.analyse(matrix)
            let pairs = matrix.pairLabels
            for (key, expected) in testCase.expected {
                if key.hasSuffix(".n_units") {
                    guard case .scalar(let n?) = expected else { continue }
                    let name = String(key.dropLast(".n_units".count))
                    let row = try XCTUnwrap(result.result(try XCTUnwrap(AgreementCoefficient(rawValue: name))))
                    if row.value != nil { XCTAssertEqual(row.nUnits, Int(n), "\(testCase.name) \(key)") }
                    continue
                }
                let coefficient = try XCTUnwrap(AgreementCoefficient(rawValue: key), "unknown key \(key)")
                switch expected {
                case .scalar(let value):
                    check(result.result(coefficient), value, "\(testCase.name) \(key)", corpus.tolerance)
                    compared += 1
                case .list(let values):
                    XCTAssertEqual(values.count, pairs.count, "\(testCase.name) \(key)")
                    for (pair, value) in zip(pairs, values) {
                        check(result.result(coefficient, pair: pair), value, "\(testCase.name) \(key) \(pair)", corpus.tolerance)
                        compared += 1
                    }
                }
            }
            // Published values, to the digits printed.
            for (key, printed) in testCase.published ?? [:] {
                let coefficient = try XCTUnwrap(AgreementCoefficient(rawValue: key))
                let row = coefficient.isPairwise ? result.result(coefficient, pair: pairs[0]) : result.result(coefficient)
                let value = try XCTUnwrap(Double(printed))
                let digits = printed.split(separator: ".").last.map(\.count) ?? 0
                XCTAssertEqual(try XCTUnwrap(row?.value), value, accuracy: 0.5 * pow(10, -Double(digits)) + 1e-12, "\(testCase.name) published \(key)")
            }
        }
        XCTAssertGreaterThan(compared, 600)
    }

    private func check(_ row: AgreementCoefficientResult?, _ expected: Double?, _ label: String, _ tolerance: Double) {
        guard let row else { return XCTFail("no row for \(label)") }
        if let expected {
            guard let value = row.value else { return XCTFail("\(label): undefined (\(row.reason ?? "")) but reference gives \(expected)") }
            XCTAssertEqual(value, expected, accuracy: tolerance, label)
            XCTAssertEqual(row.status, .defined, label)
        } else {
            XCTAssertNil(row.value, "\(label): reference says undefined")
            XCTAssertEqual(row.status, .undefined, label)
        }
    }
}

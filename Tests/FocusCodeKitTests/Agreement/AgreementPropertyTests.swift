import XCTest
@testable import FocusCodeKit

/// Invariants that hold for any data, checked on many seeded random matrices.
final class AgreementPropertyTests: XCTestCase {
    /// Units × coders where every coder who codes a unit gives it the unit's one category.
    /// The first `q` units are coded by everyone with categories 0, 1, …, so every pair sees variation.
    private func unanimousMatrix(seed: UInt64, coders m: Int, categories q: Int, units: Int) throws -> ReliabilityMatrix {
        var rng = AgreementXoshiro256(seed: seed)
        var rows: [[Int?]] = []
        for u in 0..<units {
            let truth = u < q ? u : rng.next(below: q)
            rows.append((0..<m).map { _ in u < q || rng.next(below: 3) > 0 ? truth : nil })
        }
        return try ReliabilityMatrix(
            variable: "unanimous", kind: q == 2 ? .binary : .nominal, coders: (0..<m).map { "C\($0)" },
            categories: (0..<q).map(String.init), rows: rows)
    }

    func testEveryCoefficientIsOneWhenAllCodersAgreeAndThereIsVariation() throws {
        for seed in UInt64(1)...40 {
            let m = 2 + Int(seed % 5), q = 2 + Int(seed % 4)
            let matrix = try unanimousMatrix(seed: seed, coders: m, categories: q, units: 10 + Int(seed))
            let result = AgreementAnalysis.analyse(matrix)
            for row in result.coefficients {
                if row.coefficient == .scottPi && m != 2 {
                    XCTAssertNil(row.value)
                    continue
                }
                let value = try XCTUnwrap(row.value, "seed \(seed) \(row.coefficient.rawValue) \(row.pair ?? ""): \(row.reason ?? "")")
                XCTAssertEqual(value, 1, accuracy: 1e-12, "seed \(seed) \(row.coefficient.rawValue) \(row.pair ?? "")")
            }
        }
    }

    func testUnitOrderDoesNotMatter() throws {
        var rng = AgreementXoshiro256(seed: 99)
        let rows: [[Int?]] = (0..<40).map { _ in (0..<4).map { _ in rng.next(below: 4) == 0 ? nil : rng.next(below: 3) } }
        let shuffled = rows.shuffled(using: &rng)
        let a = AgreementAnalysis.analyse(try ReliabilityMatrix(coders: ["a", "b", "c", "d"], categories: ["x", "y", "z"], rows: rows))
        let b = AgreementAnalysis.analyse(try ReliabilityMatrix(coders: ["a", "b", "c", "d"], categories: ["x", "y", "z"], rows: shuffled))
        for (x, y) in zip(a.coefficients, b.coefficients) {
            XCTAssertEqual(x.status, y.status)
            XCTAssertEqual(x.nUnits, y.nUnits)
            if let u = x.value, let v = y.value { XCTAssertEqual(u, v, accuracy: 1e-12, x.coefficient.rawValue) }
        }
    }

    func testPooledEqualsTheStackedMatrix() throws {
        var rng = AgreementXoshiro256(seed: 5)
        var records: [AgreementCodingRecord] = []
        let codes = ["age", "gender", "isolation", "rare"]
        for u in 0..<30 {
            for coder in ["ann", "ben", "cat"] where rng.next(below: 5) > 0 {
                records.append(AgreementCodingRecord(unit: "FG1-\(u)", coder: coder, code: nil))
                for code in codes where rng.next(below: code == "rare" ? 20 : 3) == 0 {
                    records.append(AgreementCodingRecord(unit: "FG1-\(u)", coder: coder, code: code))
                }
            }
        }
        let dataset = try AgreementDataset(records: records, codes: codes)
        let binaries = dataset.binaryMatrices()
        let pooled = try AgreementAnalysis.analysePooled(binaries)
        // Stack units × codes into one binary matrix by hand.
        var values: [Int32] = [], units: [String] = []
        for u in dataset.units.indices {
            for matrix in binaries {
                values += matrix.values[(u * 3)..<(u * 3 + 3)]
                units.append("\(dataset.units[u])/\(matrix.variable)")
            }
        }
        let stacked = AgreementAnalysis.analyse(try ReliabilityMatrix(
            variable: "stacked", kind: .binary, units: units, coders: dataset.coders, categories: ["0", "1"], values: values))
        XCTAssertEqual(pooled.kind, .pooled)
        XCTAssertEqual(pooled.unitCount, units.count)
        for (x, y) in zip(pooled.coefficients, stacked.coefficients) {
            XCTAssertEqual(x.coefficient, y.coefficient)
            XCTAssertEqual(x.status, y.status)
            XCTAssertEqual(x.nUnits, y.nUnits, x.coefficient.rawValue)
            XCTAssertEqual(x.nValues, y.nValues, x.coefficient.rawValue)
            if let a = x.value, let b = y.value { XCTAssertEqual(a, b, accuracy: 1e-12, x.coefficient.rawValue) }
        }
    }

    func testBootstrapIsReproducibleWithTheSameSeed() throws {
        let matrix = try AgreementPublishedExamplesTests.krippendorffNominal()
        let options = AgreementOptions(bootstrapResamples: 300, seed: 7)
        let first = AgreementAnalysis.analyse(matrix, options: options)
        let second = AgreementAnalysis.analyse(matrix, options: options)
        XCTAssertEqual(first, second)
        let other = AgreementAnalysis.analyse(matrix, options: AgreementOptions(bootstrapResamples: 300, seed: 8))
        XCTAssertNotEqual(first.result(.krippendorffAlphaNominal)?.ci, other.result(.krippendorffAlphaNominal)?.ci)

        for row in first.coefficients {
            let ci = try XCTUnwrap(row.ci, row.coefficient.rawValue)
            XCTAssertEqual(ci.resamples, 300)
            XCTAssertEqual(ci.seed, 7)
            XCTAssertEqual(ci.level, 0.95)
            if let lower = ci.lower, let upper = ci.upper { XCTAssertLessThanOrEqual(lower, upper) }
        }
        let alpha = try XCTUnwrap(first.result(.krippendorffAlphaNominal)?.interval)
        XCTAssertLessThan(alpha.lower, 113.0 / 152.0)
        XCTAssertGreaterThan(alpha.upper, 113.0 / 152.0)
        // Scott's π is undefined (4 coders) in every resample.
        XCTAssertEqual(first.result(.scottPi)?.ci?.undefinedResamples, 300)
        XCTAssertNil(first.result(.scottPi)?.ci?.lower)
    }

    func testBootstrapCountsUndefinedResamples() throws {
        // A rare code: 1 unit of 12 carries the only 1s, so resamples that miss it have no variation.
        let rows: [[Int?]] = [[1, 1]] + Array(repeating: [0, 0], count: 10) + [[0, 1]]
        let matrix = try ReliabilityMatrix(variable: "code:rare", kind: .binary, coders: ["A", "B"], categories: ["0", "1"], rows: rows)
        let result = AgreementAnalysis.analyse(matrix, options: AgreementOptions(bootstrapResamples: 500, seed: 3))
        let alpha = try XCTUnwrap(result.result(.krippendorffAlphaNominal)?.ci)
        // P(resample misses units 1 and 12) = (10/12)^12 ≈ 11%: roughly 56 of 500.
        XCTAssertGreaterThan(alpha.undefinedResamples, 20)
        XCTAssertLessThan(alpha.undefinedResamples, 110)
        XCTAssertEqual(result.result(.percentAgreementUnitMean)?.ci?.undefinedResamples, 0)
        XCTAssertEqual(result.result(.gwetAC1)?.ci?.undefinedResamples, 0)
    }

    func testBootstrapOfConstantDataHasNoInterval() throws {
        let matrix = try ReliabilityMatrix(variable: "code:c", kind: .binary, coders: ["A", "B"], categories: ["0", "1"], rows: [[1, 1], [1, 1], [1, 1]])
        let result = AgreementAnalysis.analyse(matrix, options: AgreementOptions(bootstrapResamples: 50, seed: 1))
        let alpha = try XCTUnwrap(result.result(.krippendorffAlphaNominal)?.ci)
        XCTAssertEqual(alpha.undefinedResamples, 50)
        XCTAssertNil(alpha.lower)
        XCTAssertNil(alpha.upper)
        XCTAssertEqual(result.result(.percentAgreementUnitMean)?.ci?.lower, 1)
        XCTAssertEqual(result.result(.percentAgreementUnitMean)?.ci?.upper, 1)
    }

    func testGeneratorMatchesReferenceVectors() {
        // SplitMix64 from state 0 (Vigna's reference splitmix64.c).
        var mixer = AgreementSplitMix64(seed: 0)
        XCTAssertEqual(mixer.next(), 0xE220_A839_7B1D_CDAF)
        // xoshiro256** from state {1, 2, 3, 4} (reference xoshiro256starstar.c).
        var xoshiro = AgreementXoshiro256(state: (1, 2, 3, 4))
        XCTAssertEqual([xoshiro.next(), xoshiro.next(), xoshiro.next(), xoshiro.next()], [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
        // Seeded through SplitMix64, and bounded draws (checked against a Python transcription).
        var seeded = AgreementXoshiro256(seed: 42)
        XCTAssertEqual([seeded.next(), seeded.next(), seeded.next()], [1_546_998_764_402_558_742, 6_990_951_692_964_543_102, 12_544_586_762_248_559_009])
        var bounded = AgreementXoshiro256(seed: 7)
        XCTAssertEqual((0..<10).map { _ in bounded.next(below: 10) }, [7, 2, 8, 9, 9, 8, 0, 1, 4, 1])
    }

    func testPercentileInterpolatesLikeType7() {
        XCTAssertEqual(AgreementBootstrap.percentile([1, 2, 3, 4], 0.5), 2.5)
        XCTAssertEqual(AgreementBootstrap.percentile([1, 2, 3, 4, 5], 0.025)!, 1.1, accuracy: 1e-12)
        XCTAssertEqual(AgreementBootstrap.percentile([7], 0.975), 7)
        XCTAssertNil(AgreementBootstrap.percentile([], 0.5))
    }
}

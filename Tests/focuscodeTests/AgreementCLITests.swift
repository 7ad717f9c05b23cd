import FocusCodeTestSupport
import Foundation
import XCTest

/// `focuscode agreement --codings …` and the agreement/reconcile errors, through the built binary.
final class AgreementCLITests: XCTestCase {
    var cli: AgreementCLIRunner!

    override func setUpWithError() throws {
        cli = try AgreementCLIRunner()
    }

    override func tearDownWithError() throws {
        cli.removeFolder()
    }

    /// Four units, two coders. Per code (A = ann, B = ben; u4 has no row for ben, so it is missing for him):
    ///   x: u1 A1 B1, u2 A0 B0, u3 A0 B0, u4 A1 –   → the 3 shared units agree: every coefficient 1.
    ///   y: u1 A0 B0, u2 A0 B1, u3 A1 B1, u4 A0 –   → p_o = 2/3; A's p(1) = 1/3, B's 2/3, so
    ///      p_e = 1/3·2/3 + 2/3·1/3 = 4/9 and Cohen's κ = (2/3 − 4/9)/(1 − 4/9) = 0.4;
    ///      Scott: pooled p(1) = 1/2, p_e = 1/2, π = (2/3 − 1/2)/(1/2) = 1/3;
    ///      α: 6 values, n_1 = 3, one disagreeing pair: α = 1 − 5·2/(2·3·3) = 4/9.
    static let small = """
        unit,coder,code
        u1,ann,x
        u1,ben,x
        u2,ann,
        u2,ben,y
        u3,ann,y
        u3,ben,y
        u4,ann,x

        """

    func testCSVModeWritesTheExactMachineReadableCSV() throws {
        let file = cli.write("small.csv", Self.small)
        let r = try cli.run(["agreement", "--codings", file, "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, """
            variable,coefficient,pair,value,status,n_units
            code:x,percent_agreement.pair,ann|ben,1.0,defined,3
            code:x,percent_agreement.pairwise_mean,,1.0,defined,3
            code:x,percent_agreement.unit_mean,,1.0,defined,3
            code:x,percent_agreement.krippendorff_observed,,1.0,defined,3
            code:x,cohen_kappa.pair,ann|ben,1.0,defined,3
            code:x,cohen_kappa.mean_over_pairs,,1.0,defined,3
            code:x,scott_pi,,1.0,defined,3
            code:x,fleiss_kappa_complete_cases,,1.0,defined,3
            code:x,fleiss_kappa_gwet_missing,,1.0,defined,4
            code:x,krippendorff_alpha_nominal,,1.0,defined,3
            code:x,gwet_ac1,,1.0,defined,4
            code:y,percent_agreement.pair,ann|ben,0.6666666666666666,defined,3
            code:y,percent_agreement.pairwise_mean,,0.6666666666666666,defined,3
            code:y,percent_agreement.unit_mean,,0.6666666666666666,defined,3
            code:y,percent_agreement.krippendorff_observed,,0.6666666666666666,defined,3
            code:y,cohen_kappa.pair,ann|ben,0.4,defined,3
            code:y,cohen_kappa.mean_over_pairs,,0.4,defined,3
            code:y,scott_pi,,0.3333333333333333,defined,3
            code:y,fleiss_kappa_complete_cases,,0.33333333333333326,defined,3
            code:y,fleiss_kappa_gwet_missing,,0.2888888888888888,defined,4
            code:y,krippendorff_alpha_nominal,,0.4444444444444444,defined,3
            code:y,gwet_ac1,,0.3725490196078431,defined,4
            pooled,percent_agreement.pair,ann|ben,0.8333333333333334,defined,6
            pooled,percent_agreement.pairwise_mean,,0.8333333333333334,defined,6
            pooled,percent_agreement.unit_mean,,0.8333333333333334,defined,6
            pooled,percent_agreement.krippendorff_observed,,0.8333333333333334,defined,6
            pooled,cohen_kappa.pair,ann|ben,0.6666666666666666,defined,6
            pooled,cohen_kappa.mean_over_pairs,,0.6666666666666666,defined,6
            pooled,scott_pi,,0.6571428571428571,defined,6
            pooled,fleiss_kappa_complete_cases,,0.6571428571428573,defined,6
            pooled,fleiss_kappa_gwet_missing,,0.6613756613756615,defined,8
            pooled,krippendorff_alpha_nominal,,0.6857142857142857,defined,6
            pooled,gwet_ac1,,0.6717948717948719,defined,8

            """)
        XCTAssertEqual(r.stderr, "")
    }

    /// A code nobody applied has no variation: κ, π, Fleiss and α are undefined ("not computable" on screen,
    /// empty value and `undefined` in CSV), while percent agreement is 1.
    func testUndefinedCoefficientsAreNotComputable() throws {
        let file = cli.write("small.csv", Self.small)
        let codes = cli.write("codes.csv", "code\nx\ny\nz\n")
        // A wide screen keeps each reason on one line (narrower screens wrap it under the value column).
        let screen = try cli.run(["agreement", "--codings", file, "--codes", codes], env: ["COLUMNS": "300"])
        XCTAssertEqual(screen.status, 0, screen.stderr)
        let block = screen.stdout.components(separatedBy: "code:z")[1].components(separatedBy: "\npooled")[0]
        func line(_ start: String) -> String {
            block.split(separator: "\n").first { $0.hasPrefix("  " + start) }.map(String.init) ?? "(no line \(start))"
        }
        XCTAssertTrue(line("Cohen's κ (pair)").contains(" ann|ben "), block)
        XCTAssertTrue(line("Cohen's κ (pair)").hasSuffix(" 3  not computable — coders ann and ben gave every shared unit the same category '0': chance agreement is 1, so κ is 0/0"), block)
        XCTAssertTrue(line("Krippendorff's α (nominal)").contains("  3  not computable — every pairable value is the same category '0'"), block)
        XCTAssertTrue(line("percent agreement (pair)").hasSuffix("  3  1.000"), block)
        XCTAssertTrue(line("Gwet's AC1").hasSuffix("  4  1.000"), block)
        XCTAssertFalse(block.lowercased().contains("nan"), block)
        XCTAssertTrue(screen.stdout.contains("Legend"))
        let narrow = try cli.run(["agreement", "--codings", file, "--codes", codes], env: ["COLUMNS": "100"]).stdout
        XCTAssertTrue(narrow.split(separator: "\n").allSatisfy { $0.count <= 100 }, narrow)
        XCTAssertTrue(narrow.contains("not computable — coders ann and ben gave\n"), narrow)

        let csv = try cli.run(["agreement", "--codings", file, "--codes", codes, "--format", "csv"]).stdout
        XCTAssertTrue(csv.contains("\ncode:z,cohen_kappa.pair,ann|ben,,undefined,3\n"), csv)
        XCTAssertTrue(csv.contains("\ncode:z,krippendorff_alpha_nominal,,,undefined,3\n"), csv)
        XCTAssertTrue(csv.contains("\ncode:z,percent_agreement.pair,ann|ben,1.0,defined,3\n"), csv)

        let json = try cli.run(["agreement", "--codings", file, "--codes", codes, "--format", "json"]).stdout
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let z = (object["variables"] as! [[String: Any]]).first { $0["variable"] as? String == "code:z" }!
        let alpha = (z["coefficients"] as! [[String: Any]]).first { $0["coefficient"] as? String == "krippendorff_alpha_nominal" }!
        XCTAssertTrue(alpha["value"] is NSNull)
        XCTAssertEqual(alpha["status"] as? String, "undefined")
        XCTAssertNotNil(alpha["reason"] as? String)
        XCTAssertEqual(object["unit"] as? String, "unit")
    }

    func testListsOrderOutputFileMarkdownAndDisagreements() throws {
        let file = cli.write("small.csv", Self.small)
        let units = cli.write("units.csv", "unit\nu1\nu2\nu3\nu4\nu5\n")
        let coders = cli.write("coders.csv", "coder\nben\nann\n")
        let out = dir("out.csv")
        let r = try cli.run(["agreement", "--codings", file, "--units", units, "--coders", coders, "--format", "csv", "--output", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let written = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(written.hasPrefix("variable,coefficient,pair,value,status,n_units\ncode:x,percent_agreement.pair,ben|ann,1.0,defined,3\n"), written)

        let md = try cli.run(["agreement", "--codings", file, "--format", "md", "--bootstrap", "50", "--seed", "7"]).stdout
        XCTAssertTrue(md.contains("| variable | coefficient | pair | n | value | 95% CI |"), md)
        XCTAssertTrue(md.contains("| `code:y` | percent agreement (pair) | ann\\|ben | 3 | 0.667 |"), md)
        XCTAssertTrue(md.contains("- CI: 95% percentile bootstrap over units, 50 resamples, seed 7"), md)
        let again = try cli.run(["agreement", "--codings", file, "--format", "md", "--bootstrap", "50", "--seed", "7"]).stdout
        XCTAssertEqual(md, again, "a seed reproduces the intervals")

        let list = try cli.run(["agreement", "--codings", file, "--disagreements", "--format", "csv"])
        XCTAssertEqual(list.stdout, "excerpt,code,applied_by,not_applied_by,not_reviewed_by\nu2,y,ben,ann,\n")

        // --exclusive adds the nominal variable over all codes.
        let nominal = try cli.run(["agreement", "--codings", file, "--exclusive", "--format", "csv"]).stdout
        XCTAssertTrue(nominal.contains("\nnominal,percent_agreement.pair,ann|ben,1.0,defined,2\n"), nominal)
    }

    func testBadInputsExitWithSysexitsAndNameFileAndLine() throws {
        let good = cli.write("small.csv", Self.small)
        func expect(_ args: [String], _ status: Int32, _ message: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
            let r = try cli.run(args)
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr)", file: file, line: line)
            if let message { XCTAssertTrue(r.stderr.contains(message), "\(args): \(r.stderr)", file: file, line: line) }
            XCTAssertEqual(r.stdout, "", file: file, line: line)
        }
        try expect(["agreement", "--codings", "missing.csv"], 66, "missing.csv: no such file")
        try expect(["agreement", "--codings", good, "--units", "nope.csv"], 66)
        try expect(["agreement"], 66, "no project")
        try expect(["agreement", "--codings", cli.write("q.csv", "unit,coder,code\nu1,ann,\"open\n")], 65, "q.csv:2:")
        try expect(["agreement", "--codings", cli.write("h.csv", "excerpt,who,code\nu1,ann,x\n")], 65, "h.csv:1: the header needs columns")
        try expect(["agreement", "--codings", cli.write("f.csv", "unit,coder,code\nu1,ann,x\nu2,ann\n")], 65, "f.csv:3: expected 3 fields")
        try expect(["agreement", "--codings", cli.write("e.csv", "unit,coder,code\nu1,,x\n")], 65, "e.csv:2: the coder is empty")
        try expect(["agreement", "--codings", good, "--units", cli.write("u.csv", "unit\nu1\nu2\n")], 65, "small.csv:6: unit 'u3' is not in u.csv")
        try expect(["agreement", "--codings", good, "--coders", cli.write("c.csv", "coder\nann\nann\n")], 65, "c.csv:3: 'ann' is listed twice")
        try expect(["agreement", "--codings", good, "--codes", cli.write("k.csv", "code\nx\n")], 65, "small.csv:5: code 'y' is not in k.csv")
        try expect(["agreement", "--codings", cli.write("x.csv", "unit,coder,code\nu1,ann,x\nu1,ann,y\n"), "--exclusive"], 65, "x.csv:3: coder 'ann' already gave unit 'u1' the code 'x' (x.csv:2)")
        try expect(["agreement", "--codings", good, "--output", "/nonexistent-folder/out.csv"], 73, "cannot create /nonexistent-folder/out.csv")
        try expect(["agreement", "--codings", good, "--bootstrap", "-1"], 64)
        try expect(["agreement", "--units", good], 64, "--units goes with --codings")
        try expect(["agreement", "--codings", good, "--group", "FG1"], 64)
        try expect(["agreement", "--level", "0"], 64)
        try expect(["agreement", "--codings", good, "--format", "xml"], 64)
        try expect(["reconcile", "--coders", "a"], 64, "at least two coders")
        try expect(["reconcile", "--coders", "a,b"], 64, "needs a terminal")
        try expect(["reconcile", "--coders", "a,b", "--rule", "vote"], 64, "unknown rule 'vote'")
        try expect(["reconcile", "--coders", "a,b", "--replace"], 64)
    }

    func testHelpShowsExamples() throws {
        let help = try cli.run(["--help"]).stdout
        XCTAssertTrue(help.contains("  agreement "))
        XCTAssertTrue(help.contains("  reconcile "))
        XCTAssertTrue(try cli.run(["agreement", "--help"]).stdout.contains("focuscode agreement --codings elsewhere.csv"))
        XCTAssertTrue(try cli.run(["reconcile", "--help"]).stdout.contains("focuscode reconcile --coders coder_a,coder_b --rule majority"))
    }

    private func dir(_ name: String) -> String { cli.dir.appendingPathComponent(name).path }
}

/// Runs the built binary in a fresh folder (as `CLITests` does), for the agreement tests.
struct AgreementCLIRunner {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-agr-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func removeFolder() { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String], env: [String: String] = [:]) throws -> CLITests.Result {
        var overrides: [String: String?] = ["FOCUSCODE_PROJECT": nil]
        for (k, v) in env { overrides[k] = v }
        return try runBinary(args, in: dir, environment: overrides)
    }

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }
}

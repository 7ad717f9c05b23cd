import FocusCodeTestSupport
import Foundation
import XCTest

/// `focuscode suggest train|evaluate|apply` end to end through the built binary, on the fixture study.
final class SuggestCLITests: XCTestCase {
    var dir: URL!
    var projectPath: String { dir.appendingPathComponent("focuscode.sqlite").path }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-suggest-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let fixtures = CLITests.fixtures
        for args in [["init"],
                     ["import", fixtures.appendingPathComponent("transcripts/FG1.docx").path, "--group", "FG1", "--moderator", "Moderator"],
                     ["import", fixtures.appendingPathComponent("transcripts/FG2.vtt").path, "--group", "FG2", "--moderator", "Moderator"],
                     ["codebook", "import", fixtures.appendingPathComponent("codebook.yaml").path],
                     ["codings", "import", fixtures.appendingPathComponent("codings/coder_a.csv").path]] {
            let result = try run(args)
            XCTAssertEqual(result.status, 0, "\(args): \(result.stderr)")
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func run(_ args: [String]) throws -> BinaryResult {
        try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": projectPath, "COLUMNS": "160"])
    }

    func testTrainEvaluateApplyAndAgreement() throws {
        let train = try run(["suggest", "train", "--coder", "coder_a", "--level", "2"])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stdout.hasPrefix("Model 'coder_a': learned 17 codes from 132 turns reviewed by coder_a"), train.stdout)
        XCTAssertTrue(train.stdout.contains("  Role of policing: 36 examples\n"), train.stdout)
        XCTAssertTrue(train.stdout.contains("  not learned: Justification for offending/Own childhood victimisation: 2 examples (at least 5 needed)\n"), train.stdout)

        let evaluate = ["suggest", "evaluate", "--coder", "coder_a", "--level", "1", "--folds", "5", "--bootstrap", "100", "--seed", "4", "--format", "csv"]
        let first = try run(evaluate)
        XCTAssertEqual(first.status, 0, first.stderr)
        let lines = first.stdout.split(separator: "\n")
        XCTAssertEqual(lines[0], "code,examples,suggested,precision,recall,accuracy,baseline,kappa,kappa_ci_lower,kappa_ci_upper,alpha,ac1")
        XCTAssertEqual(lines.count, 7)
        XCTAssertTrue(lines[6].hasPrefix("Role of policing,36,"), String(lines[6]))
        XCTAssertEqual(try run(evaluate).stdout, first.stdout, "the same seed gives the same evaluation")

        let apply = try run(["suggest", "apply", "--as", "machine", "--group", "FG2", "--min-confidence", "0.3"])
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertTrue(apply.stdout.contains("on 51 turns stored as coder 'machine' (model 'coder_a', minimum confidence 0.3)."), apply.stdout)
        let agreement = try run(["agreement", "--coders", "coder_a,machine", "--group", "FG2", "--level", "1", "--format", "csv"])
        XCTAssertEqual(agreement.status, 0, agreement.stderr)
        XCTAssertTrue(agreement.stdout.contains("code:Role of policing,cohen_kappa.pair,coder_a|machine,"), agreement.stdout)
        let codings = try run(["codings", "export", "--coder", "machine"])
        XCTAssertEqual(codings.status, 0, codings.stderr)
        XCTAssertFalse(codings.stdout.contains("FG1-"), "only FG2 was suggested")
    }

    func testBadInputGetsOneLine() throws {
        let noModel = try run(["suggest", "apply", "--as", "machine"])
        XCTAssertEqual(noModel.status, 65)
        XCTAssertEqual(noModel.stderr.split(separator: "\n").count, 1)
        XCTAssertTrue(noModel.stderr.contains("run 'focuscode suggest train --coder NAME' first"), noModel.stderr)
        let unknown = try run(["suggest", "train", "--coder", "nobody"])
        XCTAssertEqual(unknown.status, 65, unknown.stderr)
        XCTAssertEqual(try run(["code", "FG1-0002", "--none", "--coder", "bob"]).status, 0)
        let few = try run(["suggest", "train", "--coder", "bob"])
        XCTAssertEqual(few.status, 65)
        XCTAssertTrue(few.stderr.contains("cannot learn from coder 'bob': no code has at least 5 examples among their 1 reviewed turns"), few.stderr)
        XCTAssertEqual(try run(["suggest", "train", "--coder", "coder_a", "--level", "1"]).status, 0)
        let group = try run(["suggest", "apply", "--group", "FG9"])
        XCTAssertEqual(group.status, 65)
        XCTAssertTrue(group.stderr.contains("no group 'FG9'"), group.stderr)
        XCTAssertEqual(try run(["suggest", "evaluate", "--coder", "coder_a", "--folds", "1"]).status, 64)
        XCTAssertEqual(try run(["suggest", "apply", "--min-confidence", "1.5"]).status, 64)
    }
}

import FocusCodeTestSupport
import Foundation
import XCTest

/// `export`, `import-refi` and `team` run as the built binary, end to end.
final class ExchangeCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-refi-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("no package root")
    }

    @discardableResult
    func run(_ args: [String], _ executable: URL = CLITests.binary) throws -> CLITests.Result {
        try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": nil], executable: executable)
    }

    func xmllint(_ schema: String, _ file: String) throws -> Int32 {
        let lint = URL(fileURLWithPath: "/usr/bin/xmllint")
        guard FileManager.default.isExecutableFile(atPath: lint.path) else { throw XCTSkip("xmllint is missing") }
        let xsd = Self.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/refi-qda/\(schema)").path
        guard FileManager.default.fileExists(atPath: xsd) else { throw XCTSkip("no schema at \(xsd)") }
        return try run(["--noout", "--nonet", "--schema", xsd, file], lint).status
    }

    func testExportImportSplitMergeEndToEnd() throws {
        try Data("Moderator: Welcome.\nRuth: Training and workload.\nDan: Workload, yes.\n".utf8).write(to: dir.appendingPathComponent("fg.txt"))
        XCTAssertEqual(try run(["init"]).status, 0)
        XCTAssertEqual(try run(["import", "fg.txt", "--group", "FG1"]).status, 0)
        XCTAssertEqual(try run(["codebook", "add", "Policing"]).status, 0)
        XCTAssertEqual(try run(["codebook", "add", "Policing/Workload"]).status, 0)
        XCTAssertEqual(try run(["code", "FG1-0002", "Policing/Workload", "--coder", "ann", "--span", "13:21"]).status, 0)

        let export = try run(["export", "study.qdpx"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertEqual(export.stdout, "Exported 1 sources, 2 codes, 1 coders, 1 coded selections and 0 notes to study.qdpx\n")
        XCTAssertEqual(try run(["export", "study.qde"]).status, 0)
        let projectValid = try xmllint("Project.xsd", dir.appendingPathComponent("study.qde").path)   // throws the skip without xmllint
        XCTAssertEqual(projectValid, 0)
        XCTAssertEqual(try run(["export", "codebook.qdc"]).stdout, "Exported the codebook (2 codes) to codebook.qdc\n")
        let codebookValid = try xmllint("Codebook.xsd", dir.appendingPathComponent("codebook.qdc").path)   // throws the skip without xmllint
        XCTAssertEqual(codebookValid, 0)
        XCTAssertEqual(try run(["export", "study.txt"]).status, 64)

        XCTAssertEqual(try run(["init", "--project", "other.sqlite"]).status, 0)
        let imported = try run(["import-refi", "study.qdpx", "--project", "other.sqlite"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("fg.txt → FG1 (new, 3 excerpts from FG1-0001): 1 selections, positions read as Unicode code points"), imported.stdout)
        XCTAssertEqual(try run(["codings", "export", "--project", "other.sqlite"]).stdout,
                       "excerpt,coder,code,note,span_start,span_end\nFG1-0002,ann,Policing/Workload,,13,21\n")

        let vendor = Self.packageRoot.appendingPathComponent("Fixtures/refi/nvivo-like.qdpx").path
        let nvivo = try run(["import-refi", vendor, "--project", "other.sqlite", "--group", "FG9", "--format", "json"])
        XCTAssertEqual(nvivo.status, 0, nvivo.stderr)
        XCTAssertTrue(nvivo.stdout.contains("\"positions\" : \"UTF-16 code units\""), nvivo.stdout)
        XCTAssertEqual(try run(["import-refi", "missing.qdpx"]).status, 66)
        try Data("<Project".utf8).write(to: dir.appendingPathComponent("bad.qde"))
        let bad = try run(["import-refi", "bad.qde"])
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.hasPrefix("focuscode: error: bad.qde: line"), bad.stderr)

        let split = try run(["team", "split", "--coders", "coder_a,coder_b", "--out", "copies"])
        XCTAssertEqual(split.status, 0, split.stderr)
        // A copy is set to its coder: the default, and the only one allowed.
        XCTAssertEqual(try run(["code", "FG1-0003", "Policing", "--project", "copies/coder_a.sqlite"]).stdout, "FG1-0003: applied Policing to the whole turn as coder_a.\n")
        let wrong = try run(["code", "FG1-0002", "Policing", "--coder", "coder_b", "--project", "copies/coder_a.sqlite"])
        XCTAssertEqual(wrong.status, 64)
        XCTAssertTrue(wrong.stderr.contains("coder_a's blind copy"), wrong.stderr)
        XCTAssertEqual(try run(["codings", "export", "--project", "copies/coder_b.sqlite"]).stdout, "excerpt,coder,code,note,span_start,span_end\n", "blind")
        let merge = try run(["team", "merge", "copies/coder_a.sqlite", "copies/coder_b.sqlite"])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertTrue(merge.stdout.contains("coder_a.sqlite (coder_a): 1 codings added"), merge.stdout)
        let again = try run(["team", "merge", "copies/coder_a.sqlite", "copies/coder_b.sqlite"])
        XCTAssertTrue(again.stdout.contains("Nothing new"), again.stdout)
        XCTAssertEqual(try run(["codings", "export"]).stdout,
                       "excerpt,coder,code,note,span_start,span_end\nFG1-0002,ann,Policing/Workload,,13,21\nFG1-0003,coder_a,Policing,,,\n")

        // A conflict without --prefer (and no terminal to ask) merges nothing and says how to choose.
        XCTAssertEqual(try run(["codebook", "rename", "Policing", "Role of police", "--project", "copies/coder_a.sqlite"]).status, 0)
        XCTAssertEqual(try run(["codebook", "rename", "Policing", "Policework"]).status, 0)
        let conflict = try run(["team", "merge", "copies/coder_a.sqlite"])
        XCTAssertEqual(conflict.status, 65)
        XCTAssertTrue(conflict.stderr.contains("--prefer project or --prefer copy"), conflict.stderr)
        XCTAssertEqual(try run(["team", "merge", "copies/coder_a.sqlite", "--prefer", "copy"]).status, 0)
        XCTAssertTrue(try run(["codebook", "--format", "csv"]).stdout.contains("Role of police,"))
    }
}

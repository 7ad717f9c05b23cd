import FocusCodeTestSupport
import Foundation
import XCTest

/// Exports that are safe to open in a spreadsheet, and files only their owner can read, through the built binary.
final class HardeningCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-hardening-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func run(_ args: [String], expect status: Int32 = 0) throws -> BinaryResult {
        let result = try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": nil])
        XCTAssertEqual(result.status, status, "\(args): \(result.stderr)")
        return result
    }

    func write(_ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: dir.appendingPathComponent(name))
        return name
    }

    func read(_ name: String) throws -> String { try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) }

    func makeProject() throws {
        try run(["init"])
        try run(["import", try write("fg1.txt", "Moderator: Welcome.\nP1: Workload is heavy.\nP2: Training helps.\n"), "--group", "FG1"])
        try run(["codebook", "add", "Workload", "--description", "+cmd|' /C calc'!A0"])
        try run(["code", "FG1-0002", "Workload", "--coder", "ann", "--note", "=HYPERLINK(\"http://example.org\",\"x\")"])
        try run(["code", "FG1-0003", "Workload", "--coder", "ann", "--note", "'=already quoted"])
        try run(["participants", "import", try write("attrs.csv", "participant,role,score\nP01,@SUM(1+1),-0.5\nP02,+1-1,12\n")])
    }

    func testCSVExportsNeutraliseFormulasAndImportBackExactly() throws {
        try makeProject()
        let codings = try run(["codings", "export"]).stdout
        XCTAssertTrue(codings.contains(#"FG1-0002,ann,Workload,"'=HYPERLINK(""http://example.org"",""x"")",,"#), codings)
        XCTAssertTrue(codings.contains("FG1-0003,ann,Workload,''=already quoted,,"), codings)
        let raw = try run(["codings", "export", "--raw-csv"]).stdout
        XCTAssertTrue(raw.contains(#"FG1-0002,ann,Workload,"=HYPERLINK(""http://example.org"",""x"")",,"#), raw)
        XCTAssertTrue(raw.contains("FG1-0003,ann,Workload,'=already quoted,,"), raw)

        let participants = try run(["participants", "--format", "csv"]).stdout
        XCTAssertTrue(participants.contains("'@SUM(1+1)"), participants)
        XCTAssertTrue(participants.contains(",'+1-1,"), participants)
        XCTAssertTrue(participants.contains(",-0.5"), "a plain number is left alone: \(participants)")
        XCTAssertFalse(participants.contains("'-0.5"), participants)
        XCTAssertTrue(try run(["participants", "--format", "csv", "--raw-csv"]).stdout.contains(",@SUM(1+1),"))

        let codebook = try run(["codebook", "export", "--format", "csv"]).stdout
        XCTAssertTrue(codebook.contains("'+cmd|' /C calc'!A0"), codebook)

        // The neutralised files import back to exactly the stored values.
        try Data(codings.utf8).write(to: dir.appendingPathComponent("codings.csv"))
        try Data(codebook.utf8).write(to: dir.appendingPathComponent("codebook.csv"))
        let first = try run(["codings", "export", "--raw-csv"]).stdout
        try FileManager.default.moveItem(at: dir.appendingPathComponent("focuscode.sqlite"), to: dir.appendingPathComponent("first.sqlite"))
        try run(["init"])
        try run(["import", "fg1.txt", "--group", "FG1"])
        try run(["codebook", "import", "codebook.csv"])
        try run(["codings", "import", "codings.csv"])
        XCTAssertEqual(try run(["codings", "export", "--raw-csv"]).stdout, first)
        XCTAssertTrue(try run(["codebook", "export", "--format", "yaml"]).stdout.contains("+cmd|' /C calc'!A0"))
    }

    func testEveryFileWrittenIsOwnerOnly() throws {
        let old = umask(0o022)
        defer { umask(old) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("keys"), withIntermediateDirectories: true)
        try makeProject()
        try run(["import", try write("fg2.txt", "Moderator: Hi.\nP3: Ring 07700 900123 or mail p3@example.org.\n"), "--group", "FG2",
                 "--key", "keys/study.key"])
        try run(["export", "study.qdpx"])
        try run(["export", "study.qde"])
        try run(["export", "codebook.qdc"])
        try run(["codings", "export", "--output", "codings.csv"])
        try run(["codebook", "export", "--format", "csv", "--output", "codebook.csv"])
        try run(["report", "html", "--coder", "ann", "--output", "report.html"])
        try run(["agreement", "--coder", "ann", "--format", "csv", "--output", "agreement.csv"], expect: try agreementStatus())
        try run(["team", "split", "--coders", "cat,dev", "--out", "copies"])
        var files = ["focuscode.sqlite", "keys/study.key", "study.qdpx", "study.qde", "codebook.qdc", "codings.csv", "codebook.csv",
                     "report.html", "copies/cat.sqlite", "copies/dev.sqlite"]
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("agreement.csv").path) { files.append("agreement.csv") }
        for file in files {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(file).path)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, file)
        }
        let folder = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("copies").path)
        XCTAssertEqual((folder[.posixPermissions] as? NSNumber)?.intValue, 0o700, "copies/")
    }

    /// Agreement of one coder alone is refused (bad data); the file check then skips it.
    func agreementStatus() throws -> Int32 {
        try runBinary(["agreement", "--coder", "ann", "--format", "csv"], in: dir, environment: ["FOCUSCODE_PROJECT": nil]).status
    }
}

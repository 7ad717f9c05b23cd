import FocusCodeTestSupport
import Foundation
import XCTest

/// Anonymisation end to end through the built binary: nothing planted leaks into the project
/// file, its WAL, any listing, or the messages of rejected imports.
final class AnonymiseCLITests: XCTestCase {
    struct Planted: Decodable {
        struct Item: Decodable { var text: String; var kind: String; var review: Bool? }
        var labels: [String]
        var planted: [Item]
    }

    var dir: URL!
    var projectPath: String { dir.appendingPathComponent("project/p.sqlite").path }
    var keyPath: String { dir.appendingPathComponent("keys/study.key").path }
    static var anonymise: URL { CLITests.fixtures.appendingPathComponent("anonymise") }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-anon-\(UUID().uuidString)")
        for sub in ["project", "keys", "input"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    @discardableResult
    func run(_ args: [String]) throws -> CLITests.Result {
        try runBinary(args, in: dir, environment: ["FOCUSCODE_PROJECT": projectPath])
    }

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent("input/\(name)")
        try! Data(text.utf8).write(to: url)
        return url.path
    }

    var listOptions: [String] {
        ["--names", Self.anonymise.appendingPathComponent("names.txt").path,
         "--places", Self.anonymise.appendingPathComponent("places.txt").path,
         "--organisations", Self.anonymise.appendingPathComponent("organisations.txt").path,
         "--patterns", Self.anonymise.appendingPathComponent("patterns.txt").path]
    }

    /// What must not appear, in lower case: each original; its digits (phones) or its letters and
    /// digits without spaces (codes); and each of its words that occurs nowhere else in the fixture
    /// (the full-text index stores words one by one).
    static func needles(_ items: [Planted.Item], labels: [String], emptyProject emptyURL: URL) throws -> [String: String] {
        let source = try String(contentsOf: anonymise.appendingPathComponent("planted.txt"), encoding: .utf8)
        var residual = source
        for item in items.sorted(by: { $0.text.count > $1.text.count }) { residual = residual.replacingOccurrences(of: item.text, with: " ") }
        for label in labels { residual = residual.replacingOccurrences(of: "\n\(label):", with: "\n") }
        residual = residual.lowercased()
        // Words that any project file holds (table names such as project_info) are not leaks.
        let emptyProject = String(decoding: (try? Data(contentsOf: emptyURL)) ?? Data(), as: UTF8.self).lowercased()
        var needles: [String: String] = [:]
        for text in items.map(\.text) + labels {
            if !residual.contains(text.lowercased()) { needles[text.lowercased()] = text }
            if ["PHONE"].contains(items.first { $0.text == text }?.kind ?? "") { needles[text.filter(\.isNumber)] = text }
            if ["NINO", "POSTCODE", "VEHICLE"].contains(items.first { $0.text == text }?.kind ?? "") {
                needles[text.lowercased().filter { !$0.isWhitespace }] = text
            }
            // Words with letters, or long numbers (short digit runs turn up in any file's hex digests).
            for word in text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            where word.count >= 4 && (word.contains(where: \.isLetter) || word.count >= 6) {
                let w = String(word)
                if !residual.contains(w), !emptyProject.contains(w) { needles[w] = text }
            }
        }
        return needles
    }

    /// A new, empty project file in the test's folder, for the words every project holds.
    func emptyProjectURL() throws -> URL {
        let url = dir.appendingPathComponent("input/empty.sqlite")
        if !FileManager.default.fileExists(atPath: url.path) { try run(["init", "--project", url.path]) }
        return url
    }

    static func leaks(in data: Data, _ needles: [String: String]) -> [String] {
        let lower = Data(data.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 })
        return needles.keys.sorted().filter { lower.range(of: Data($0.utf8)) != nil }
    }

    func projectFiles() -> [String: Data] {
        var files: [String: Data] = [:]
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: projectPath + suffix) { files["p.sqlite" + suffix] = data }
        }
        return files
    }

    func testNothingPlantedLeaksIntoTheProjectListingsOrMessages() throws {
        let planted = try JSONDecoder().decode(Planted.self, from: Data(contentsOf: Self.anonymise.appendingPathComponent("planted.json")))
        let sure = planted.planted.filter { $0.review != true }
        let sureNeedles = try Self.needles(sure, labels: planted.labels, emptyProject: try emptyProjectURL())
        let allNeedles = try Self.needles(planted.planted, labels: planted.labels, emptyProject: try emptyProjectURL())
        XCTAssertGreaterThan(sureNeedles.count, sure.count)

        XCTAssertEqual(try run(["init"]).status, 0)
        let source = Self.anonymise.appendingPathComponent("planted.txt").path
        let imported = try run(["import", source, "--group", "FG9", "--key", keyPath] + listOptions)
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("Imported planted.txt (text) into FG9 (new group): 20 turns"), imported.stdout)
        XCTAssertTrue(imported.stdout.contains("anonymised: 56 replacements"), imported.stdout)
        XCTAssertEqual(Self.leaks(in: Data((imported.stdout + imported.stderr).utf8), allNeedles), [])

        // 1. The raw bytes of the project file (and a WAL or shared memory if the process left one;
        // SQLite folds the WAL in when the last connection closes: LeakTests scans a live WAL).
        for (name, data) in projectFiles() { XCTAssertEqual(Self.leaks(in: data, sureNeedles), [], name) }

        // 2. Every listing in every format.
        for command in [["groups"], ["documents"], ["participants"], ["excerpts"], ["show", "FG9-0002", "--context", "30"],
                        ["search", "team OR case OR number"], ["anonymise", "summary"], ["anonymise", "review"]] {
            for format in ["table", "csv", "json"] {
                let r = try run(command + ["--format", format])
                XCTAssertEqual(r.status, 0, "\(command) \(r.stderr)")
                XCTAssertEqual(Self.leaks(in: Data((r.stdout + r.stderr).utf8), sureNeedles), [], "\(command) \(format)")
            }
        }
        let summary = try run(["anonymise", "summary", "--format", "csv"]).stdout
        XCTAssertTrue(summary.hasPrefix("group,document,kind,count\n"))
        XCTAssertTrue(summary.contains("FG9,planted.txt,NAME,16\n"), summary)

        // 3. Rejected imports: nothing written, and no original in the message.
        let bad: [(String, String, Int32)] = [
            ("bad_time.csv", "speaker,text,start\nImogen,Hello Tobias,Imogen Farrow\n", 65),
            ("no_header.csv", "Imogen Farrow,07700 900123\nTobias,hi\n", 65),
            ("unterminated.csv", "speaker,text\nImogen,\"imogen.farrow@example.org\n", 65),
            ("bad_cue.srt", "1\n00:00:01,000 --> 00:00:02,000\nImogen: hi\n\nCall 07700 900123\n00:00:03,000 --> 00:00:04,000\nx\n", 65),
            ("bad_timing.vtt", "WEBVTT\n\n00:00:01.000 --> Imogen Farrow\n<v Imogen>hi\n", 65),
        ]
        for (name, text, status) in bad {
            let before = try run(["excerpts", "--format", "csv"]).stdout + (try run(["anonymise", "summary", "--format", "csv"]).stdout)
            let r = try run(["import", write(name, text), "--group", "FG8", "--key", keyPath] + listOptions)
            XCTAssertEqual(r.status, status, "\(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("focuscode: error: \(name):"), r.stderr)
            XCTAssertEqual(Self.leaks(in: Data((r.stdout + r.stderr).utf8), allNeedles), [], name)
            XCTAssertEqual(try run(["excerpts", "--format", "csv"]).stdout + (try run(["anonymise", "summary", "--format", "csv"]).stdout), before, name)
            for (file, data) in projectFiles() { XCTAssertEqual(Self.leaks(in: data, sureNeedles), [], "\(name): \(file)") }
        }
        let badPatterns = write("patterns.txt", "NAME\t(Imogen Farrow\n")
        let badPseudonyms = write("pseudonyms.csv", "Imogen Farrow,\n")
        for args in [["--patterns", badPatterns], ["--pseudonyms", badPseudonyms]] {
            let r = try run(["import", source, "--group", "FG8"] + args)
            XCTAssertEqual(r.status, 65, r.stderr)
            XCTAssertEqual(Self.leaks(in: Data((r.stdout + r.stderr).utf8), allNeedles), [], args[0])
        }

        // 4. A person decides on the review list; then nothing planted is left anywhere.
        let review = try run(["anonymise", "review", "--format", "csv"])
        for item in planted.planted where item.review == true {
            XCTAssertTrue(review.stdout.contains(item.text), item.text)
        }
        for (text, kind) in [("Hollowell", "NAME"), ("Quarrington", "PLACE"), ("@farrow_im", "HANDLE"), ("40918227", "ACCOUNT"),
                             ("Marlowe", "ORG"), ("2 September 2021", "DATE")] {
            let r = try run(["anonymise", "redact", "FG9-0018", text, "--as", kind, "--key", keyPath])
            if text == "Marlowe" || text == "2 September 2021" {
                XCTAssertEqual(r.status, 65, "\(text) is in FG9-0019")
                XCTAssertEqual(Self.leaks(in: Data((r.stdout + r.stderr).utf8), allNeedles), [], text)
                XCTAssertEqual(try run(["anonymise", "redact", "FG9-0019", text, "--as", kind, "--key", keyPath]).status, 0)
            } else {
                XCTAssertEqual(r.status, 0, r.stderr)
                XCTAssertEqual(Self.leaks(in: Data((r.stdout + r.stderr).utf8), allNeedles), [], text)
            }
        }
        XCTAssertEqual(try run(["anonymise", "review", "--format", "csv"]).stdout, "candidate,reason,count,first_excerpt,context\n")
        for (name, data) in projectFiles() { XCTAssertEqual(Self.leaks(in: data, allNeedles), [], name) }

        // 5. The key file has the way back; reveal uses it.
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let revealed = try run(["anonymise", "reveal", "FG9-0018", "--key", keyPath])
        XCTAssertEqual(revealed.status, 0, revealed.stderr)
        XCTAssertTrue(revealed.stdout.contains("Sergeant Hollowell at Quarrington asked about @farrow_im, which was the account name, and an account number, 40918227, from the bank."), revealed.stdout)
        let audit = try run(["anonymise", "summary", "--format", "csv"]).stdout
        XCTAssertTrue(audit.contains("FG9,planted.txt,PLACE,"), audit)
    }

    func testPreviewWritesNothingAndShowsReplacements() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        let before = projectFiles()
        let r = try run(["import", Self.anonymise.appendingPathComponent("planted.txt").path, "--group", "FG9", "--key", keyPath, "--preview"] + listOptions)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Preview of planted.txt into FG9: 20 turns, 16 with replacements (nothing written)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("[EMAIL-1]     EMAIL     imogen.farrow@example.org"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Quarrington"))
        XCTAssertEqual(projectFiles()["p.sqlite"], before["p.sqlite"])
        XCTAssertEqual(projectFiles()["p.sqlite-wal"] ?? Data(), before["p.sqlite-wal"] ?? Data())
        XCTAssertFalse(FileManager.default.fileExists(atPath: keyPath))
        XCTAssertEqual(try run(["documents", "--format", "csv"]).stdout, "id,group,file,format,turns,words,imported_at,sha256\n")
        let json = try run(["import", Self.anonymise.appendingPathComponent("planted.txt").path, "--group", "FG9", "--preview", "--format", "json"] + listOptions)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((parsed?["turns"] as? [Any])?.count, 20)
        XCTAssertEqual((parsed?["replacements"] as? [Any])?.count, 56)
    }

    func testKeyFileRulesAtTheCommandLine() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        let file = write("a.txt", "Ruth: I met Sarah in Eastmoor.\nModerator: Thanks.\n")
        let inFolder = try run(["import", file, "--group", "FG1", "--key", dir.appendingPathComponent("project/k.key").path])
        XCTAssertEqual(inFolder.status, 64)
        XCTAssertTrue(inFolder.stderr.contains("refusing to write the key file"), inFolder.stderr)
        XCTAssertEqual(try run(["import", file, "--group", "FG1", "--key", keyPath]).status, 0)
        XCTAssertEqual(try run(["excerpts", "--format", "csv"]).stdout, "excerpt,speaker,start,end,words,text\nFG1-0001,P01,,,5,I met Sarah in Eastmoor.\nFG1-0002,Moderator,,,1,Thanks.\n")
        let second = write("b.txt", "Ann: Ruth again.\nModerator: Thanks.\n")
        let noKey = try run(["import", second, "--group", "FG2"])
        XCTAssertEqual(noKey.status, 64)
        XCTAssertTrue(noKey.stderr.contains("pass --key FILE"), noKey.stderr)
        XCTAssertEqual(try run(["import", second, "--group", "FG2", "--key", keyPath]).status, 0)
        XCTAssertEqual(try run(["excerpts", "--group", "FG2", "--format", "csv"]).stdout,
                       "excerpt,speaker,start,end,words,text\nFG2-0001,P02,,,2,[NAME-1] again.\nFG2-0002,Moderator,,,1,Thanks.\n")
        let wrong = write("wrong.key", "{\"format\":\"focuscode-key\",\"version\":1,\"project_id\":\"x\",\"created_at\":\"x\",\"secret\":\"" + String(repeating: "ab", count: 32) + "\",\"entries\":[{\"placeholder\":\"[NAME-1]\",\"kind\":\"NAME\",\"original\":\"Imogen\"}]}")
        let r = try run(["anonymise", "reveal", "FG2-0001", "--key", wrong])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "focuscode: error: \(wrong) is not the key file of this project; use the key file that was created for it.\n")
        let ok = try run(["anonymise", "reveal", "FG2-0001", "--key", keyPath, "--format", "csv"])
        XCTAssertEqual(ok.stdout, "excerpt,speaker,start,end,words,text\nFG2-0001,P02,,,2,Ruth again.\n")
    }

    func testNoDetectStoresTextAsReadAndTheReviewListShowsWhatDetectorsWouldReplace() throws {
        XCTAssertEqual(try run(["init"]).status, 0)
        let file = write("notes.txt", "Ruth: Mail me at ruth@example.org or ring 07700 900123.\nModerator: Thanks, Ruth.\n")
        let r = try run(["import", file, "--group", "FG1", "--no-detect"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("anonymisation: off (--no-detect); text stored as read"), r.stdout)
        XCTAssertEqual(try run(["excerpts", "--format", "csv"]).stdout,
                       "excerpt,speaker,start,end,words,text\nFG1-0001,P01,,,8,Mail me at ruth@example.org or ring 07700 900123.\nFG1-0002,Moderator,,,2,\"Thanks, Ruth.\"\n")
        let review = try run(["anonymise", "review", "--format", "csv"]).stdout
        XCTAssertTrue(review.contains("ruth@example.org,detected EMAIL,1,FG1-0001,"), review)
        XCTAssertTrue(review.contains("07700 900123,detected PHONE,1,FG1-0001,"), review)
        XCTAssertTrue(review.contains("Ruth,capitalised,1,FG1-0002,"), review)
        XCTAssertEqual(try run(["import", file, "--group", "FG1", "--no-detect", "--names", file]).status, 64)
    }

    func testDemoShowsTheAnonymisationSummary() throws {
        let r = try run(["demo", "--project", dir.appendingPathComponent("project/demo.sqlite").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Anonymisation: identifiers replaced at import"), r.stdout)
        XCTAssertTrue(r.stdout.contains("FG1    FG1.docx  NAME"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Online investigator, same team as [NAME-1] but on the other shift pattern."), r.stdout)
        XCTAssertTrue(r.stdout.contains("[NAME-8], tell me about their technical ability."), r.stdout)
    }
}

import FocusCodeTestSupport
import Foundation
import XCTest

/// Runs the built binary in a temporary folder with a project of the two fixture groups (shared by the coding CLI tests).
final class CLIHarness {
    typealias Result = CLITests.Result

    let dir: URL
    var project: String { dir.appendingPathComponent("p.sqlite").path }
    static var binary: URL { Bundle.main.bundleURL.appendingPathComponent("focuscode") }
    static var fixtures: URL { CLITests.fixtures }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-coding-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    /// Runs `focuscode args…` with FOCUSCODE_PROJECT set to this harness's project, stdin from /dev/null.
    @discardableResult
    func run(_ args: [String], env: [String: String] = [:]) throws -> Result {
        var overrides: [String: String?] = ["FOCUSCODE_PROJECT": project, "FOCUSCODE_CODER": nil]
        for (k, v) in env { overrides[k] = v }
        return try runBinary(args, in: dir, environment: overrides)
    }

    /// The rows of a listing run with `--format json`.
    func jsonRows(_ args: [String]) throws -> [[String: Any]] {
        let out = try run(args + ["--format", "json"]).stdout
        return try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
    }

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }

    /// init, import FG1 and FG2, and (optionally) the fixture codebook.
    func setUpProject(codebook: Bool = true) throws {
        let t = Self.fixtures.appendingPathComponent("transcripts")
        XCTAssertEqual(try run(["init"]).status, 0)
        XCTAssertEqual(try run(["import", t.appendingPathComponent("FG1.docx").path, "--group", "FG1", "--moderator", "Moderator"]).status, 0)
        XCTAssertEqual(try run(["import", t.appendingPathComponent("FG2.vtt").path, "--group", "FG2"]).status, 0)
        if codebook {
            XCTAssertEqual(try run(["codebook", "import", Self.fixtures.appendingPathComponent("codebook.yaml").path]).stdout,
                           "Imported codebook.yaml: 28 codes added, 0 updated, 0 unchanged.\n")
        }
    }
}

final class CodingCLITests: XCTestCase {
    func testCodebookCommandsEndToEnd() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let csv = try h.run(["codebook", "--format", "csv"])
        XCTAssertEqual(csv.status, 0)
        let lines = csv.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 29)
        XCTAssertEqual(lines[0], "code,id,status,any_coder")
        XCTAssertTrue(lines[2].hasPrefix("Offender profiles/Age diversity,"))

        XCTAssertEqual(try h.run(["codebook", "add", "Impact of Covid-19/Remote supervision", "--description", "At a distance", "--colour", "#4477aa"]).status, 0)
        XCTAssertEqual(try h.run(["codebook", "add", "impact of covid-19/remote SUPERVISION"]).status, 64)
        XCTAssertEqual(try h.run(["codebook", "add", "Nowhere/Child"]).stderr,
                       "focuscode: error: no code 'Nowhere' to put the new code under; add the parent first ('focuscode codebook add \"Nowhere\"').\n")
        XCTAssertEqual(try h.run(["codebook", "rename", "Impact of Covid-19/Remote supervision", "Supervision at a distance"]).status, 0)
        XCTAssertEqual(try h.run(["codebook", "move", "Impact of Covid-19/Supervision at a distance", "--under", "Role of policing"]).status, 0)
        XCTAssertEqual(try h.run(["codebook", "move", "Role of policing", "--under", "Role of policing/Training needs"]).status, 64)
        XCTAssertEqual(try h.run(["codebook", "describe", "Role of policing", "--exclusive", "--example", ""]).status, 0)
        let show = try h.run(["codebook", "show", "Role of policing/Supervision at a distance", "--format", "csv"])
        XCTAssertTrue(show.stdout.contains("description,At a distance\n"), show.stdout)
        XCTAssertTrue(show.stdout.contains("colour,#4477aa\n"))
        XCTAssertEqual(try h.run(["codebook", "show", "Role of policing", "--format", "csv"]).stdout.contains("exclusive_children,yes"), true)
        XCTAssertEqual(try h.run(["codebook", "retire", "Role of policing/Supervision at a distance"]).status, 0)
        XCTAssertTrue(try h.run(["codebook", "--format", "csv"]).stdout.contains("Role of policing/Supervision at a distance,"))

        let md = try h.run(["codebook", "export", "--format", "md"]).stdout
        XCTAssertTrue(md.contains("  - **Supervision at a distance** — At a distance\n    - Colour: `#4477aa`\n    - Retired\n"), md)
        let yaml = h.write("out.yaml", try h.run(["codebook", "export"]).stdout)
        XCTAssertEqual(try h.run(["init", "--project", "q.sqlite"]).status, 0)
        XCTAssertEqual(try h.run(["codebook", "import", yaml, "--project", "q.sqlite"]).stdout, "Imported out.yaml: 29 codes added, 0 updated, 0 unchanged.\n")
        XCTAssertEqual(try h.run(["codebook", "export", "--format", "json", "--project", "q.sqlite"]).stdout,
                       try h.run(["codebook", "export", "--format", "json"]).stdout)
        let bad = h.write("bad.yaml", "codes:\n  - name: A\n    colour: 12\n    colr: x\n")
        let r = try h.run(["codebook", "import", bad])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, "focuscode: error: bad.yaml:4: code 'A': unknown key 'colr' (a code has name, id, description, inclusion, exclusion, example, colour, exclusive, retired, children)\n")
    }

    func testCodeUncodeNoneAndExcerptFiltersEndToEnd() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        XCTAssertEqual(try h.run(["code", "FG1-0007", "Offender profiles/Isolation"]).stderr,
                       "focuscode: error: name the coder with --coder NAME or the FOCUSCODE_CODER environment variable.\n")
        XCTAssertEqual(try h.run(["code", "FG1-0007", "offender profiles/isolation", "--coder", "alice", "--span", "0:20", "--note", "a, b"]).stdout,
                       "FG1-0007: applied Offender profiles/Isolation to characters 0:20 as alice.\n")
        XCTAssertEqual(try h.run(["code", "FG1-0009", "Role of policing"], env: ["FOCUSCODE_CODER": "alice"]).status, 0)
        XCTAssertEqual(try h.run(["code", "FG1-0008", "--none", "--coder", "alice"]).stdout, "FG1-0008: reviewed by alice, no code applied.\n")
        let refused = try h.run(["code", "FG1-0007", "--none", "--coder", "alice"])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("pass --replace"))
        XCTAssertEqual(try h.run(["code", "FG1-0007", "Role of policing", "--coder", "consensus"]).status, 64)
        XCTAssertEqual(try h.run(["code", "FG1-9999", "Role of policing", "--coder", "alice"]).status, 65)
        XCTAssertEqual(try h.run(["code", "FG1-0007", "Role of policing", "--coder", "alice", "--span", "5:100000"]).status, 64)
        XCTAssertEqual(try h.run(["code", "FG1-0007", "Role of policing", "--coder", "alice", "--span", "five"]).status, 64)
        XCTAssertEqual(try h.run(["uncode", "FG1-0009", "Role of policing", "--coder", "alice"]).status, 0)
        XCTAssertEqual(try h.run(["uncode", "FG1-0009", "Role of policing", "--coder", "alice"]).status, 65)

        XCTAssertEqual(try h.run(["codings", "export", "--coder", "alice"]).stdout, """
            excerpt,coder,code,note,span_start,span_end
            FG1-0007,alice,Offender profiles/Isolation,"a, b",0,20
            FG1-0008,alice,,,,
            FG1-0009,alice,,,,

            """)
        XCTAssertEqual(try h.run(["excerpts", "--code", "Offender profiles", "--coder", "alice", "--format", "csv"]).stdout.split(separator: "\n").map { $0.prefix(9) },
                       ["excerpt,s", "FG1-0007,"])
        XCTAssertEqual(try h.jsonRows(["excerpts", "--group", "FG1", "--uncoded", "--coder", "alice"]).count, 98 - 3)
        XCTAssertEqual(try h.run(["excerpts", "--uncoded", "--code", "Offender profiles"]).status, 64)
    }

    /// Passages through the binary: found by text (and occurrence), refused in one line naming the excerpt when the
    /// span or text is wrong, listed with span and text, removed one at a time, and exported one row each.
    func testPassagesByTextSpanAndIDEndToEnd() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let code = "Offender profiles/Isolation"
        func code_(_ extra: [String]) throws -> CLITests.Result { try h.run(["code", "FG1-0007", code, "--coder", "alice"] + extra) }
        // FG1-0007: "Online investigator, same team as [NAME-1] but on the other shift pattern. Eleven years in, …" (111 characters)
        XCTAssertEqual(try code_(["--text", "same team"]).stdout, "FG1-0007: applied \(code) to characters 21:30 as alice.\n")
        XCTAssertEqual(try code_(["--text", "the", "--occurrence", "2"]).stdout, "FG1-0007: applied \(code) to characters 55:58 as alice.\n")
        XCTAssertEqual(try code_(["--span", "0:21"]).status, 0)
        XCTAssertEqual(try code_(["--text", "same team"]).stdout,
                       "FG1-0007: alice had coded characters 21:30 of FG1-0007 with \(code) already.\n")
        let refusals: [([String], String)] = [
            (["--text", "the"], "the text \"the\" occurs 2 times in FG1-0007; choose one with --occurrence N (1–2) or give --span START:END."),
            (["--text", "the", "--occurrence", "3"], "--occurrence 3: the text \"the\" occurs 2 times in FG1-0007; choose 1–2."),
            (["--text", "night shift"], "the text \"night shift\" is not in FG1-0007 (matched exactly, case and spaces as written); check it with 'focuscode show FG1-0007' or give --span START:END."),
            (["--span", "5:1000"], "invalid span '5:1000' on FG1-0007: the excerpt has 111 characters. Write START:END in characters, end exclusive (e.g. 12:80)."),
            (["--span", "9:9"], "invalid span '9:9' on FG1-0007: the end must be after the start. Write START:END in characters, end exclusive (e.g. 12:80)."),
        ]
        for (extra, message) in refusals {
            let r = try code_(extra)
            XCTAssertEqual(r.status, 64, "\(extra)")
            XCTAssertEqual(r.stderr, "focuscode: error: \(message)\n", "\(extra)")
        }

        let listed = try h.jsonRows(["codings", "--excerpt", "FG1-0007"])
        XCTAssertEqual(listed.map { $0["span"] as? String }, ["0:21", "21:30", "55:58"])
        XCTAssertEqual(listed.map { $0["text"] as? String }, ["Online investigator, ", "same team", "the"])
        let ids = listed.compactMap { $0["passage"] as? String }
        XCTAssertEqual(Set(ids).count, 3)

        XCTAssertEqual(try h.run(["codings", "export", "--coder", "alice"]).stdout, """
            excerpt,coder,code,note,span_start,span_end
            FG1-0007,alice,\(code),,0,21
            FG1-0007,alice,\(code),,21,30
            FG1-0007,alice,\(code),,55,58

            """)

        let missing = try h.run(["uncode", "FG1-0007", code, "--coder", "alice", "--span", "1:2"])
        XCTAssertEqual(missing.status, 65)
        XCTAssertEqual(missing.stderr, "focuscode: error: alice has not coded characters 1:2 of FG1-0007 with '\(code)'; nothing removed. 'focuscode codings --excerpt FG1-0007 --coder alice' lists the passages.\n")
        XCTAssertEqual(try h.run(["uncode", "FG1-0007", code, "--coder", "alice", "--whole-turn"]).status, 65)
        XCTAssertEqual(try h.run(["uncode", "FG1-0007", code, "--coder", "alice", "--text", "same team"]).status, 0)
        XCTAssertEqual(try h.run(["uncode", "--coder", "bob", "--passage", ids[0]]).status, 65, "another coder's passage")
        XCTAssertEqual(try h.run(["uncode", "--coder", "alice", "--passage", ids[0]]).status, 0)
        XCTAssertEqual(try h.run(["uncode", "--coder", "alice", "--passage", ids[0]]).status, 65, "already removed")
        XCTAssertEqual(try h.jsonRows(["codings", "--excerpt", "FG1-0007"]).map { $0["span"] as? String }, ["55:58"])
        XCTAssertEqual(try h.run(["uncode", "FG1-0007", code, "--coder", "alice"]).status, 0)
        XCTAssertEqual(try h.jsonRows(["codings", "--excerpt", "FG1-0007"]).map { $0["code"] as? String }, ["(reviewed, none)"],
                       "the review stays")
    }

    /// `agreement --unit character` through the binary: per code over characters, with the counts and what uncoded
    /// text counts as said in the legend; the options that make no sense at that unit are refused.
    func testMemoCommandsEndToEnd() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        XCTAssertEqual(try h.run(["memo", "add", "Training keeps coming back", "--code", "Role of policing/Training needs", "--author", "alice"]).stdout,
                       "memo 1 added on code Role of policing/Training needs.\n")
        XCTAssertEqual(try h.run(["memo", "add", "Speaker change mid-turn?", "--excerpt", "FG1-0007"], env: ["FOCUSCODE_CODER": "bob"]).stdout,
                       "memo 2 added on excerpt FG1-0007.\n")
        XCTAssertEqual(try h.run(["memo", "add", "=Second group ran long"]).stdout, "memo 3 added on project.\n")
        let csv = try h.run(["memo", "list", "--format", "csv"]).stdout.split(separator: "\n")
        XCTAssertEqual(csv.first, "id,on,target,author,text,created_at,updated_at")
        XCTAssertEqual(csv.count, 4)
        XCTAssertTrue(csv[1].hasPrefix("1,code,Role of policing/Training needs,alice,Training keeps coming back,"), String(csv[1]))
        XCTAssertTrue(csv[3].hasPrefix("3,project,,,'=Second group ran long,"), "a formula is neutralised in CSV: \(csv[3])")
        let rows = try h.jsonRows(["memo", "list", "--excerpt", "FG1-0007"])
        XCTAssertEqual(rows.map { $0["text"] as? String }, ["Speaker change mid-turn?"])
        XCTAssertEqual(rows.map { $0["author"] as? String }, ["bob"])

        XCTAssertEqual(try h.run(["memo", "edit", "2", "P2 then P4", "--author", "bob"]).stdout, "memo 2 on excerpt FG1-0007 edited.\n")
        let notYours = try h.run(["memo", "remove", "2", "--author", "alice"])
        XCTAssertEqual(notYours.status, 64)
        XCTAssertEqual(notYours.stderr, "focuscode: error: memo 2 is bob's; only its author changes it.\n")
        let unknown = try h.run(["memo", "remove", "9"])
        XCTAssertEqual(unknown.status, 65)
        XCTAssertEqual(unknown.stderr, "focuscode: error: no memo 9 in this project; 'focuscode memo list' lists them with their IDs.\n")
        XCTAssertEqual(try h.run(["memo", "add", "x", "--excerpt", "FG1-9999"]).status, 65)
        let two = try h.run(["memo", "add", "x", "--excerpt", "FG1-0007", "--code", "Role of policing"])
        XCTAssertEqual(two.status, 64)
        XCTAssertTrue(two.stderr.hasPrefix("Error: Name one of --excerpt, --code, --group or --participant, not several.\nUsage: focuscode memo add "), two.stderr)
        XCTAssertEqual(try h.run(["memo", "add", "   "]).status, 64)
        XCTAssertEqual(try h.run(["memo", "remove", "2", "--author", "bob"]).stdout, "memo 2 removed.\n")
        XCTAssertEqual(try h.jsonRows(["memo", "list"]).map { $0["id"] as? Int }, [1, 3])
    }

    func testAgreementAtTheCharacterUnitEndToEnd() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let code = "Offender profiles/Isolation"
        XCTAssertEqual(try h.run(["code", "FG1-0007", code, "--coder", "alice", "--span", "0:30"]).status, 0)
        XCTAssertEqual(try h.run(["code", "FG1-0007", code, "--coder", "bob", "--span", "20:50"]).status, 0)
        let args = ["agreement", "--coders", "alice,bob", "--unit", "character", "--codes", code]
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try h.run(args + ["--format", "json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["unit"] as? String, "character")
        let n = try XCTUnwrap(json["units"] as? Int)
        XCTAssertGreaterThan(n, 10_000, "every character of the participant turns of FG1 and FG2")
        // Both 10 (20:30), alice only 20, bob only 20, neither n − 50.
        let po = Double(n - 40) / Double(n)
        let pa = 30.0 / Double(n)
        let pe = pa * pa + (1 - pa) * (1 - pa)
        let variables = try XCTUnwrap(json["variables"] as? [[String: Any]])
        let coefficients = try XCTUnwrap(variables.first { $0["variable"] as? String == "code:\(code)" }?["coefficients"] as? [[String: Any]])
        func value(_ name: String) -> Double? { coefficients.first { $0["coefficient"] as? String == name }?["value"] as? Double }
        XCTAssertEqual(try XCTUnwrap(value("percent_agreement.pair")), po, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(value("cohen_kappa.pair")), (po - pe) / (1 - pe), accuracy: 1e-12)
        let legend = try XCTUnwrap(json["legend"] as? [String])
        XCTAssertTrue(legend.contains("\(code): characters coded by both 10, by alice only 20, by bob only 20, by neither \((n - 50).formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_GB"))))."), "\(legend)")
        XCTAssertTrue(legend.contains { $0.hasPrefix("Uncoded text counts as agreement") })

        let csv = try h.run(args + ["--format", "csv"]).stdout
        XCTAssertTrue(csv.hasPrefix("variable,coefficient,pair,value,status,n_units\ncode:\(code),percent_agreement.pair,alice|bob,"), csv)
        XCTAssertTrue(csv.contains(",defined,\(n)\n"), csv)
        let table = try h.run(args).stdout
        XCTAssertTrue(table.hasPrefix("Agreement on \(n) characters (groups FG1, FG2, moderator turns left out) · coders alice, bob"), table)

        let turn = try h.run(["agreement", "--coders", "alice,bob", "--codes", code, "--format", "json"]).stdout
        XCTAssertTrue(turn.contains("\"unit\" : \"excerpt\""), "the turn unit stays the default")
        for (extra, message) in [(["--bootstrap", "10"], "--bootstrap works with --unit turn"), (["--disagreements"], "--disagreements lists turns")] {
            let r = try h.run(args + extra)
            XCTAssertEqual(r.status, 64)
            XCTAssertTrue(r.stderr.contains(message), r.stderr)
        }
        XCTAssertEqual(try h.run(["agreement", "--unit", "word"]).status, 64)
    }

    /// The reports over passages through the binary: `report themes --count passages`, `report quotes --context turn`.
    func testReportsCountAndQuotePassagesEndToEnd() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        for span in ["0:20", "34:42"] {
            XCTAssertEqual(try h.run(["code", "FG1-0007", "Offender profiles/Isolation", "--coder", "alice", "--span", span]).status, 0)
        }
        XCTAssertEqual(try h.run(["code", "FG1-0009", "Offender profiles", "--coder", "alice"]).status, 0)
        let csv = try h.run(["report", "themes", "--coder", "alice", "--count", "passages", "--level", "1", "--format", "csv"]).stdout
        XCTAssertTrue(csv.hasPrefix("level,code,name,FG1_excerpts,FG1_passages,FG1_share,"), csv)
        XCTAssertTrue(csv.contains("\n1,Offender profiles,Offender profiles,2,3,"), csv)
        XCTAssertEqual(try h.run(["report", "themes", "--count", "words"]).status, 64)

        let quote = try h.run(["report", "quotes", "Offender profiles/Isolation", "--coder", "alice"]).stdout
        XCTAssertTrue(quote.contains("     Online investigator, … [NAME-1]\n"), quote)
        let turn = try h.run(["report", "quotes", "Offender profiles/Isolation", "--coder", "alice", "--context", "turn", "--format", "md"]).stdout
        XCTAssertTrue(turn.contains("> **Online investigator,** same team as **\\[NAME-1\\]** but on the other shift pattern."), turn)
        let data = try h.run(["report", "quotes", "Offender profiles/Isolation", "--coder", "alice", "--format", "csv"]).stdout
        XCTAssertTrue(data.hasPrefix("code,rank,excerpt,participant,group,words,other_codes,text,passages\n"), data)
        XCTAssertTrue(data.contains(",\"Online investigator, … [NAME-1]\",0:20;34:42\n"), data)
    }

    func testCodingsImportReportsEveryBadRowAndExportRoundTrips() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let a = try h.run(["codings", "import", CLIHarness.fixtures.appendingPathComponent("codings/coder_a.csv").path])
        XCTAssertEqual(a.stdout, "Imported coder_a.csv: 149 rows, 134 codings added, 0 already present, 132 reviews added; new coders: coder_a.\n")
        let bad = h.write("bob.csv", "excerpt,coder,code\nFG1-0002,bob,Offender profiles\nFG1-0404,bob,Offender profiles\nFG1-0003,bob,Offender profiles/Nope\n")
        let r = try h.run(["codings", "import", bad])
        XCTAssertEqual(r.status, 65)
        XCTAssertEqual(r.stderr, """
            focuscode: error: bob.csv: 2 bad rows; nothing was imported (fix them, or pass --skip-invalid to import the good rows):
              bob.csv:3: unknown excerpt 'FG1-0404' ('focuscode excerpts' lists them)
              bob.csv:4: unknown code 'Offender profiles/Nope' ('focuscode codebook' lists the paths)

            """)
        XCTAssertEqual(try h.run(["codings", "--coder", "bob"]).status, 65, "bob was not created")
        let skipped = try h.run(["codings", "import", bad, "--skip-invalid"])
        XCTAssertEqual(skipped.status, 0)
        XCTAssertEqual(skipped.stdout, "Imported bob.csv: 3 rows, 1 codings added, 0 already present, 1 reviews added; new coders: bob.\n")
        XCTAssertTrue(skipped.stderr.hasPrefix("Skipped 2 bad rows:\n  bob.csv:3: unknown excerpt"), skipped.stderr)

        let exported = try h.run(["codings", "export", "--output", "all.csv"])
        XCTAssertEqual(exported.status, 0)
        let all = try String(contentsOf: h.dir.appendingPathComponent("all.csv"), encoding: .utf8)
        XCTAssertEqual(all.split(separator: "\n").count, 1 + 149 + 1)
        XCTAssertEqual(try h.run(["init", "--project", "q.sqlite"]).status, 0)
        let t = CLIHarness.fixtures.appendingPathComponent("transcripts")
        XCTAssertEqual(try h.run(["import", t.appendingPathComponent("FG1.docx").path, "--group", "FG1", "--project", "q.sqlite"]).status, 0)
        XCTAssertEqual(try h.run(["import", t.appendingPathComponent("FG2.vtt").path, "--group", "FG2", "--project", "q.sqlite"]).status, 0)
        XCTAssertEqual(try h.run(["codebook", "import", CLIHarness.fixtures.appendingPathComponent("codebook.yaml").path, "--project", "q.sqlite"]).status, 0)
        XCTAssertEqual(try h.run(["codings", "import", "all.csv", "--project", "q.sqlite"]).status, 0)
        XCTAssertEqual(try h.run(["codings", "export", "--project", "q.sqlite"]).stdout, all)
    }

    func testAutocodePreviewsFirstAndNeedsYesOffATerminal() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let args = ["autocode", "--regex", #"\btrain(ing|ed)\b"#, "--code", "Role of policing/Training needs", "--coder", "auto"]
        let preview = try h.run(args + ["--preview", "--format", "csv"])
        XCTAssertEqual(preview.status, 0)
        XCTAssertEqual(preview.stdout.split(separator: "\n").map { String($0.prefix(16)) },
                       ["excerpt,speaker,", "FG1-0083,P03,no,", "FG1-0085,P02,no,", "FG1-0086,P06,no,"])
        XCTAssertTrue(preview.stdout.contains("Nobody has **trained** us"))
        XCTAssertEqual(preview.stderr, "Preview: 3 matching excerpts; 3 would be coded Role of policing/Training needs as auto. Nothing was written.\n")
        XCTAssertEqual(try h.run(["codings", "export"]).stdout, "excerpt,coder,code,note,span_start,span_end\n")
        let noYes = try h.run(args)
        XCTAssertEqual(noYes.status, 64)
        XCTAssertTrue(noYes.stderr.contains("pass --yes"), noYes.stderr)
        XCTAssertEqual(try h.run(["codings", "export"]).stdout, "excerpt,coder,code,note,span_start,span_end\n")
        let applied = try h.run(args + ["--yes"])
        XCTAssertEqual(applied.status, 0)
        XCTAssertTrue(applied.stderr.hasSuffix("Applied Role of policing/Training needs to 3 passages in 3 excerpts as auto.\n"), applied.stderr)
        XCTAssertEqual(try h.jsonRows(["excerpts", "--code", "Role of policing", "--coder", "auto"]).map { $0["excerpt"] as? String },
                       ["FG1-0083", "FG1-0085", "FG1-0086"])
        XCTAssertEqual(try h.run(["autocode", "--query", "training", "--regex", "x", "--code", "Role of policing", "--coder", "auto"]).status, 64)
    }

    func testInteractiveRefusesWithoutATerminal() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let r = try h.run(["code", "--interactive", "--coder", "alice", "--group", "FG1"])
        XCTAssertEqual(r.status, 64)
        XCTAssertEqual(r.stderr, "focuscode: error: the interactive session needs a terminal (stdin and stdout); from a script use 'focuscode code EXCERPT CODE --coder NAME' or 'focuscode codings import FILE'.\n")
    }

    func testDemoLoadsTheCodebookAndBothCodersAndPrintsTheTree() throws {
        let h = try CLIHarness()
        let r = try h.run(["demo", "--project", h.dir.appendingPathComponent("demo.sqlite").path], env: ["COLUMNS": "120"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("6. Codebook and two coders' codings"))
        XCTAssertTrue(r.stdout.contains("Imported codebook.yaml: 28 codes (six themes and their subthemes)"))
        XCTAssertTrue(r.stdout.contains("Imported coder_a.csv: 134 codings, 132 excerpts reviewed"))
        XCTAssertTrue(r.stdout.contains("Imported coder_b.csv: 131 codings, 132 excerpts reviewed"))
        let rows = r.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        XCTAssertTrue(rows.contains { $0.hasPrefix("Offender profiles ") && $0.hasSuffix(" 21 23 23") }, r.stdout)
        XCTAssertTrue(rows.contains { $0.hasPrefix("Isolation ") && $0.hasSuffix(" 7 9 9") }, r.stdout)
    }

    func testHelpListsTheCodingCommands() throws {
        let h = try CLIHarness()
        let help = try h.run(["--help"])
        for command in ["codebook", "code", "uncode", "codings", "autocode"] {
            XCTAssertTrue(help.stdout.contains("  \(command) "), command)
            XCTAssertTrue(try h.run([command, "--help"]).stdout.contains("focuscode \(command)"), command)
        }
    }
}

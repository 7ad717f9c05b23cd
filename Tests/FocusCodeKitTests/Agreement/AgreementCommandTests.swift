import FocusCodeTestSupport
import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// `focuscode agreement` and `focuscode reconcile` on the fixture project, through the built binary
/// (here rather than in focuscodeTests because the project is filled by the test-only loader).
final class AgreementCommandTests: XCTestCase {
    static var binary: URL { focuscodeBinary }

    var dir: TempDir!
    var project: Project!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.binary.path), "the focuscode binary is built by swift test")
        dir = TempDir()
        project = try AgreementFixtureLoader.fixtureProject(in: dir)
    }

    @discardableResult
    func run(_ args: [String]) throws -> BinaryResult {
        try runBinary(args, in: dir.url, environment: ["FOCUSCODE_PROJECT": project.path, "FOCUSCODE_CODER": "supervisor"])
    }

    func testProjectModeCSVHasTheHandCheckedKappaAndIsReproducible() throws {
        let r = try run(["agreement", "--level", "1", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "variable,coefficient,pair,value,status,n_units")
        XCTAssertEqual(lines.count, 1 + 7 * 11, "6 themes + pooled, 11 rows each for two coders")
        // 4578/4842: see ProjectAgreementTests.testOffenderProfilesThemeMatchesHandCount.
        XCTAssertTrue(lines.contains("code:Offender profiles,cohen_kappa.pair,coder_a|coder_b,\(4578.0 / 4842.0),defined,132"), r.stdout)
        XCTAssertTrue(lines.contains("code:Impact of Covid-19,cohen_kappa.pair,coder_a|coder_b,\(3390.0 / 3918.0),defined,132"), r.stdout)

        let screen = try run(["agreement", "--codes", "Offender profiles", "--group", "FG1", "--coders", "coder_a,coder_b", "--bootstrap", "200", "--seed", "7"])
        XCTAssertEqual(screen.status, 0, screen.stderr)
        XCTAssertTrue(screen.stdout.hasPrefix("Agreement on 81 excerpts (groups FG1, moderator turns left out) · coders coder_a, coder_b · project "), screen.stdout)
        XCTAssertTrue(screen.stdout.contains("\ncode:Offender profiles/Isolation  (binary, 81 excerpts)\n"), screen.stdout)
        XCTAssertTrue(screen.stdout.contains("95% CI"))
        XCTAssertEqual(try run(["agreement", "--codes", "Offender profiles", "--group", "FG1", "--bootstrap", "200", "--seed", "7"]).stdout,
                       screen.stdout, "same seed, same intervals")
        let ambiguous = try run(["agreement", "--codes", "Isolation"])
        XCTAssertEqual(ambiguous.status, 65)
        XCTAssertTrue(ambiguous.stderr.contains("give its path instead"), ambiguous.stderr)
        XCTAssertEqual(try run(["agreement", "--coders", "coder_a,nobody"]).status, 65)
    }

    func testDisagreementsListThroughTheBinary() throws {
        let r = try run(["agreement", "--disagreements", "--format", "csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "excerpt,group,speaker,code,applied_by,not_applied_by,not_reviewed_by,text")
        XCTAssertEqual(lines.count, 1 + 38)
        XCTAssertTrue(lines[1].hasPrefix("FG1-0016,FG1,P03,Role of policing,coder_a,coder_b,,"), lines[1])
        XCTAssertTrue(lines.contains { $0.hasPrefix("FG1-0033,FG1,P04,Offenders' IT skills/Learning from earlier mistakes,coder_a,coder_b,,") })
        let json = try JSONSerialization.jsonObject(with: Data(try run(["agreement", "--disagreements", "--format", "json"]).stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(json.count, 38)
        XCTAssertEqual(json[0]["applied_by"] as? [String], ["coder_a"])
        let table = try run(["agreement", "--disagreements", "--level", "1"])
        // Themes only: 7 README rows stay within one theme (FG1-0033, 0038, 0046, 0096, FG2-0033, 0054, 0066);
        // FG1-0057 and FG1-0065 differ on two themes each; the other 11 on one: 15 on 13 excerpts.
        XCTAssertTrue(table.stdout.hasPrefix("15 disagreements on 13 excerpts"), table.stdout)
    }

    func testReconcileRuleThroughTheBinaryRefusesASecondRun() throws {
        let r = try run(["reconcile", "--coders", "coder_a,coder_b", "--rule", "majority"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("Consensus written for 132 excerpts reviewed by coder_a, coder_b: 118 codings.\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("Unresolved (majority ties, not applied) on 20 excerpts: FG1-0016, FG1-0026,"), r.stdout)
        let again = try run(["reconcile", "--coders", "coder_a,coder_b", "--rule", "union"])
        XCTAssertEqual(again.status, 64)
        XCTAssertEqual(again.stderr, "focuscode: error: the consensus coder already has codings on 132 of these excerpts (e.g. FG1-0002); pass --replace to overwrite them, or --group to reconcile other excerpts.\n")
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus").count, 118)
        let replaced = try run(["reconcile", "--coders", "coder_a,coder_b", "--rule", "prefer:coder_a", "--replace", "--format", "csv"])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertTrue(replaced.stdout.hasPrefix("excerpt,code,applied_by,consensus,tie\nFG1-0005,Role of policing/Scale and workload,coder_a; coder_b,yes,no\n"), replaced.stdout)
        XCTAssertEqual(try AgreementFixtureLoader.codings(project, coder: "consensus"), try AgreementFixtureLoader.codings(project, coder: "coder_a"))
        let actors = try project.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT actor FROM audit_log WHERE action LIKE 'reconcile%'") }
        XCTAssertEqual(actors, ["supervisor"])
        // The consensus coder is not a rater in later analyses.
        XCTAssertTrue(try run(["agreement", "--level", "1"]).stdout.contains("coders coder_a, coder_b ·"))
    }
}

/// The interactive reconcile, driven like a person through a real terminal (tmux).
final class ReconcileInteractiveTests: XCTestCase {
    var socket = ""
    var tmux = ""

    override func setUpWithError() throws {
        let candidates = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw XCTSkip("tmux is not installed (.ci/run installs it)")
        }
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: AgreementCommandTests.binary.path))
        tmux = found
        // A private server, so nothing here touches anyone else's tmux sessions.
        socket = "fc-reconcile-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        _ = try? tmuxRun(["kill-server"])
    }

    /// Runs tmux with posix_spawn and waitpid: Foundation's Process waits for every holder of its exit
    /// pipe, and the tmux server that new-session forks would hold it for ever.
    @discardableResult
    func tmuxRun(_ args: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("fc-tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([tmux, "-L", socket] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, tmux, &actions, nil, argv, environ) == 0 else { throw XCTSkip("cannot start tmux") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    /// The session being driven (a second one resumes while the first is kept, so the server stays up).
    var session = "rec"

    func screen() throws -> String { try tmuxRun(["capture-pane", "-p", "-t", session]) }

    /// Waits until the screen shows `text` (the session redraws after each key) and is the same 50 ms later: tmux
    /// may take a frame in in pieces, and a capture between two pieces holds only the top of the new frame.
    @discardableResult
    func waitFor(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        var last = ""
        for _ in 0..<300 {  // up to 15 s, for a loaded CI machine
            last = try screen()
            usleep(50_000)
            if last.contains(text), try screen() == last { return last }
        }
        XCTFail("the screen never showed \"\(text)\":\n\(last)", file: file, line: line)
        return last
    }

    func start(_ project: Project) throws {
        let command = "env FOCUSCODE_PROJECT='\(project.path)' FOCUSCODE_CODER=supervisor '\(AgreementCommandTests.binary.path)' reconcile --coders coder_a,coder_b; echo EXIT=$?; sleep 60"
        try tmuxRun(["new-session", "-d", "-x", "120", "-y", "40", "-s", session, command])
    }

    func press(_ key: String, thenSee text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try tmuxRun(["send-keys", "-t", session, key])
        try waitFor(text, file: file, line: line)
    }

    func testApplyRejectUndoSkipQuitAndResume() throws {
        let dir = TempDir()
        let project = try AgreementFixtureLoader.fixtureProject(in: dir)
        try start(project)

        // FG1-0016: coder_a added Role of policing/Training needs; both applied Offender profiles/Gender.
        var s = try waitFor("[a] apply")
        XCTAssertTrue(s.contains("FG1-0016  FG1  P03"), s)
        XCTAssertTrue(s.contains("Code: Role of policing/Training needs"), s)
        XCTAssertTrue(s.contains("applied by:      coder_a"), s)
        XCTAssertTrue(s.contains("not applied by:  coder_b"), s)
        XCTAssertTrue(s.contains("coder_b: Offender profiles/Gender"), s)
        XCTAssertTrue(s.contains("excerpts written 0 of 20"), s)

        try press("a", thenSee: "Code: Changes in the nature of offending/Storage")   // FG1-0016 written, on to FG1-0026
        try press("r", thenSee: "FG1-0027")                                              // FG1-0026 written without Storage
        try press("u", thenSee: "Undone: Changes in the nature of offending/Storage on FG1-0026")
        try press("a", thenSee: "FG1-0026 written: 2 code(s).")                         // changed mind: apply
        s = try waitFor("Code: Changes in the nature of offending/Sharing")
        XCTAssertTrue(s.contains("FG1-0027"), s)
        try press("s", thenSee: "FG1-0027 skipped")
        // FG1-0033: two codes differ (the theme alone for coder_b, the subtheme for coder_a).
        s = try waitFor("disagreement 1 of 2 on this excerpt")
        XCTAssertTrue(s.contains("FG1-0033"), s)
        try press("r", thenSee: "Decided here: Offenders' IT skills rejected")
        try press("q", thenSee: "EXIT=0")
        s = try screen()
        XCTAssertTrue(s.contains("112 excerpts on which the coders agree taken as they are."), s)
        XCTAssertTrue(s.contains("Reconciled 2 of 20 excerpts with disagreements this session; 18 left open."), s)
        XCTAssertTrue(s.contains("Not saved (quit before all its codes were decided): FG1-0033."), s)

        let consensus = try AgreementFixtureLoader.codings(project, coder: "consensus")
        XCTAssertEqual(consensus.filter { $0.hasPrefix("FG1-0016 ") }, ["FG1-0016 Offender profiles/Gender", "FG1-0016 Role of policing/Training needs"])
        XCTAssertEqual(consensus.filter { $0.hasPrefix("FG1-0026 ") }, ["FG1-0026 Changes in the nature of offending/Storage", "FG1-0026 Offenders' IT skills/Concealment"])
        XCTAssertEqual(consensus.filter { $0.hasPrefix("FG1-0027 ") || $0.hasPrefix("FG1-0033 ") }, [])
        // Agreed excerpts carry the common codes: 112 agreed + 2 decided.
        let reviews = try project.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM reviews r JOIN coders c ON c.id = r.coder_id WHERE c.name = 'consensus'")!
        }
        XCTAssertEqual(reviews, 114)
        XCTAssertTrue(consensus.contains("FG1-0005 Role of policing/Scale and workload"))
        let audit = try project.read { db in
            try Row.fetchAll(db, sql: "SELECT action, object_ref, detail FROM audit_log WHERE action LIKE 'reconcile.%' AND object_ref IN ('FG1-0016', 'FG1-0026') ORDER BY id")
                .map { "\($0["action"] as String) \($0["object_ref"] as String) \($0["detail"] as String)" }
        }
        XCTAssertEqual(audit, [
            "reconcile.decide FG1-0016 rule=interactive decision=applied code=Role of policing/Training needs",
            "reconcile.decide FG1-0026 rule=interactive decision=not-applied code=Changes in the nature of offending/Storage",
            "reconcile.undo FG1-0026 rule=interactive",
            "reconcile.decide FG1-0026 rule=interactive decision=applied code=Changes in the nature of offending/Storage",
        ])

        // Resuming: the skipped FG1-0027 comes first, nothing already written is asked again.
        session = "resumed"
        try start(project)
        s = try waitFor("[a] apply")
        XCTAssertTrue(s.contains("FG1-0027"), s)
        XCTAssertTrue(s.contains("excerpts written 0 of 18"), s)
        try press("q", thenSee: "EXIT=0")
        s = try screen()
        XCTAssertTrue(s.contains("114 excerpts already had a consensus."), s)
    }
}

import FocusCodeTestSupport
import Foundation
import XCTest

/// The team hub end to end: the built `focuscode` against a real PostgreSQL 15 started by the tests
/// (`TestPostgres`), blind enforcement checked with plain `psql`. Parallel coders and killed pushes are
/// separate processes; nothing blocks a thread waiting on async work.
final class HubCLITests: XCTestCase {
    var dir: URL!
    var pg: TestPostgres!

    override func setUpWithError() throws {
        pg = try TestPostgres.shared()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    static var fixtures: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.appendingPathComponent("Fixtures") }
        }
        fatalError("no Fixtures")
    }

    @discardableResult
    func run(_ args: [String], env: [String: String] = [:]) throws -> BinaryResult {
        var overrides: [String: String?] = ["FOCUSCODE_PROJECT": nil, "PGPASSWORD": nil]
        for (k, v) in env { overrides[k] = v }
        return try runBinary(args, in: dir, environment: overrides)
    }

    /// Runs `focuscode` without blocking: the process's end resumes the task.
    func runAsync(_ args: [String], env: [String: String] = [:]) async throws -> BinaryResult {
        try await Self.runAsync(in: dir, args, env: env)
    }

    static func runAsync(in dir: URL, _ args: [String], env: [String: String] = [:]) async throws -> BinaryResult {
        let (process, out, err) = try startProcess(args, in: dir, env: env)
        return await finish(process, out, err)
    }

    func startProcess(_ args: [String], env: [String: String] = [:]) throws -> (Process, URL, URL) {
        try Self.startProcess(args, in: dir, env: env)
    }

    static func startProcess(_ args: [String], in dir: URL, env: [String: String] = [:]) throws -> (Process, URL, URL) {
        let process = Process()
        process.executableURL = focuscodeBinary
        process.arguments = args
        process.currentDirectoryURL = dir
        var environment = ProcessInfo.processInfo.environment
        environment["FOCUSCODE_PROJECT"] = nil
        environment["PGPASSWORD"] = nil
        for (k, v) in env { environment[k] = v }
        process.environment = environment
        let out = dir.appendingPathComponent("out-\(UUID().uuidString)"), err = dir.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        return (process, out, err)
    }

    func finish(_ process: Process, _ out: URL, _ err: URL, started: Bool = false) async -> BinaryResult {
        await Self.finish(process, out, err, started: started)
    }

    static func finish(_ process: Process, _ out: URL, _ err: URL, started: Bool = false) async -> BinaryResult {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in c.resume() }
            if !started {
                do { try process.run() } catch { process.terminationHandler = nil; c.resume() }
            } else if !process.isRunning {
                process.terminationHandler = nil
                c.resume()
            }
        }
        let o = (try? String(contentsOf: out, encoding: .utf8)) ?? "", e = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        return BinaryResult(status: process.terminationStatus, stdout: o, stderr: e)
    }

    /// The supervisor's project: both fixture groups and the fixture codebook.
    func makeLeadProject() throws -> String {
        let t = Self.fixtures.appendingPathComponent("transcripts")
        XCTAssertEqual(try run(["init", "--project", "lead.sqlite"]).status, 0)
        XCTAssertEqual(try run(["import", t.appendingPathComponent("FG1.docx").path, "--group", "FG1", "--moderator", "Moderator", "--project", "lead.sqlite"]).status, 0)
        XCTAssertEqual(try run(["import", t.appendingPathComponent("FG2.vtt").path, "--group", "FG2", "--project", "lead.sqlite"]).status, 0)
        XCTAssertEqual(try run(["codebook", "import", Self.fixtures.appendingPathComponent("codebook.yaml").path, "--project", "lead.sqlite"]).status, 0)
        return dir.appendingPathComponent("lead.sqlite").path
    }

    struct TestHub {
        var database: String
        var lead: String
        var coders: [String: String]   // name → URL with password
        func password(_ name: String) -> String {
            URLComponents(string: coders[name]!)!.password!
        }
        func role(_ name: String) -> String { URLComponents(string: coders[name]!)!.user! }
    }

    /// A hub made from the supervisor's project, with coders added and each cloned into NAME.sqlite.
    func makeHub(coders: [String]) throws -> TestHub {
        _ = try makeLeadProject()
        let db = try pg.newDatabase()
        let initialised = try run(["hub", "init", pg.leadURL(db), "--project", "lead.sqlite"])
        XCTAssertEqual(initialised.status, 0, initialised.stderr)
        var urls: [String: String] = [:]
        for name in coders {
            let added = try run(["hub", "coder", "add", name, "--project", "lead.sqlite"], env: ["PGPASSWORD": TestPostgres.leadPassword])
            XCTAssertEqual(added.status, 0, added.stderr)
            let url = added.stdout.split(separator: "\n").map(String.init).first { $0.hasPrefix("postgresql://") }!
            XCTAssertTrue(url.contains("\(db)_\(name):"), url)
            urls[name] = url
            let cloned = try run(["hub", "clone", url, "\(name).sqlite"])
            XCTAssertEqual(cloned.status, 0, cloned.stderr)
        }
        return TestHub(database: db, lead: pg.leadURL(db), coders: urls)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func serverCount(_ db: String, _ condition: String) throws -> Int {
        Int(try pg.admin("SELECT count(*) FROM hub.rows WHERE \(condition)", database: db).trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    // MARK: - The workflow of the issue

    func testHubInitCloneCodePushPullStatusUnblind() throws {
        let hub = try makeHub(coders: ["alice", "bob"])
        let lead = ["PGPASSWORD": TestPostgres.leadPassword]

        // The clone holds the supervisor's transcripts, participants and codebook, and nothing secret.
        for table in ["excerpts", "codes", "participants", "groups", "documents"] {
            XCTAssertEqual(try ProjectInspection.count(table, in: path("alice.sqlite")), try ProjectInspection.count(table, in: path("lead.sqlite")), table)
        }
        XCTAssertEqual(try ProjectInspection.strings("SELECT text FROM excerpts WHERE ref = 'FG1-0007'", in: path("alice.sqlite")),
                       try ProjectInspection.strings("SELECT text FROM excerpts WHERE ref = 'FG1-0007'", in: path("lead.sqlite")))
        XCTAssertEqual(try ProjectInspection.count("hub_link", in: path("lead.sqlite")), 4)
        XCTAssertEqual(try ProjectInspection.strings("SELECT value FROM hub_link WHERE key = 'url'", in: path("lead.sqlite")).first?
            .contains(TestPostgres.leadPassword), false, "no password in the project file")
        XCTAssertEqual(try ProjectInspection.strings("SELECT value FROM hub_link WHERE key = 'coder'", in: path("bob.sqlite")), ["bob"])
        XCTAssertEqual(try serverCount(hub.database, "kind = 'passage'"), 0)

        // Coding offline, as today; the search index of the clone works.
        XCTAssertEqual(try run(["code", "FG1-0007", "Offender profiles/Isolation", "--coder", "alice", "--span", "0:20", "--project", "alice.sqlite"]).status, 0)
        XCTAssertEqual(try run(["code", "FG1-0008", "Offender profiles/Isolation", "--coder", "alice", "--project", "alice.sqlite"]).status, 0)
        XCTAssertEqual(try run(["code", "FG2-0003", "Offender profiles/Isolation", "--coder", "bob", "--project", "bob.sqlite"]).status, 0)
        XCTAssertEqual(try run(["code", "FG1-0010", "--none", "--coder", "bob", "--project", "bob.sqlite"]).status, 0)

        let pushed = try run(["hub", "push", "--project", "alice.sqlite", "--url", hub.coders["alice"]!])
        XCTAssertEqual(pushed.status, 0, pushed.stderr)
        XCTAssertEqual(pushed.stdout, "Pushed 4 rows.\n")   // two passages, two reviews
        XCTAssertEqual(try run(["hub", "push", "--project", "bob.sqlite"], env: ["PGPASSWORD": hub.password("bob")]).stdout, "Pushed 3 rows.\n")
        // Idempotent: nothing to send, nothing changes on the server.
        let versions = try pg.admin("SELECT string_agg(uid || ':' || version, ',' ORDER BY uid) FROM hub.rows WHERE kind = 'passage'", database: hub.database)
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")]).stdout, "Nothing to push.\n")
        XCTAssertEqual(try pg.admin("SELECT string_agg(uid || ':' || version, ',' ORDER BY uid) FROM hub.rows WHERE kind = 'passage'", database: hub.database), versions)
        XCTAssertEqual(try serverCount(hub.database, "kind = 'passage' AND coder = 'alice'"), 2)
        XCTAssertEqual(try serverCount(hub.database, "kind = 'review' AND coder = 'bob'"), 2)

        // Status: counts per coder and group.
        let status = try run(["hub", "status", "--project", "lead.sqlite", "--format", "csv"], env: lead)
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("alice,FG1,2,"), status.stdout)
        XCTAssertTrue(status.stdout.contains(",2,blind"), status.stdout)
        XCTAssertTrue(status.stdout.contains("bob,FG1,1,"), status.stdout)
        XCTAssertTrue(status.stdout.contains("bob,FG2,1,"), status.stdout)
        XCTAssertFalse(status.stdout.contains("Isolation"), "counts only")

        // Blind: a coder's pull brings nobody else's work, nor does the supervisor's.
        XCTAssertEqual(try run(["hub", "pull", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")]).status, 0)
        XCTAssertEqual(try ProjectInspection.strings("SELECT DISTINCT r.name FROM codings c JOIN coders r ON r.id = c.coder_id", in: path("alice.sqlite")), ["alice"])
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).status, 0)
        XCTAssertEqual(try ProjectInspection.count("codings", in: path("lead.sqlite")), 0)

        // Codebook edits are the supervisor's: a rename reaches the coders on pull; a coder's edit is refused.
        XCTAssertEqual(try run(["codebook", "rename", "Offender profiles/Isolation", "Loneliness", "--project", "lead.sqlite"]).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "lead.sqlite"], env: lead).stdout, "Pushed 1 row.\n")
        XCTAssertEqual(try run(["hub", "pull", "--project", "bob.sqlite"], env: ["PGPASSWORD": hub.password("bob")]).stdout, "Pulled 1 row (3 already there).\n")
        XCTAssertEqual(try ProjectInspection.count("codes WHERE name = 'Loneliness'", in: path("bob.sqlite")), 1)
        XCTAssertEqual(try run(["codebook", "rename", "Offender profiles/Loneliness", "Solitude", "--project", "bob.sqlite"]).status, 0)
        XCTAssertEqual(try run(["code", "FG2-0004", "Offender profiles/Solitude", "--coder", "bob", "--project", "bob.sqlite"]).status, 0)
        let refused = try run(["hub", "push", "--project", "bob.sqlite"], env: ["PGPASSWORD": hub.password("bob")])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.hasPrefix("focuscode: error: the codebook was edited in this project (Solitude)"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(try serverCount(hub.database, "kind = 'passage' AND coder = 'bob'"), 1, "nothing pushed")
        // Once the supervisor allows it, the same push goes through.
        XCTAssertEqual(try run(["hub", "allow-codebook-edits", "--project", "lead.sqlite"], env: lead).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "bob.sqlite"], env: ["PGPASSWORD": hub.password("bob")]).stdout, "Pushed 3 rows.\n")

        // Unblinding: the supervisor's pull brings both coders' work, and the coders see each other's.
        let unblind = try run(["hub", "unblind", "--coders", "alice,bob", "--project", "lead.sqlite"], env: lead)
        XCTAssertEqual(unblind.status, 0, unblind.stderr)
        let pulled = try run(["hub", "pull", "--project", "lead.sqlite"], env: lead)
        XCTAssertEqual(pulled.status, 0, pulled.stderr)
        XCTAssertEqual(try ProjectInspection.count("codings", in: path("lead.sqlite")), 4)
        XCTAssertEqual(try ProjectInspection.count("reviews", in: path("lead.sqlite")), 5)
        XCTAssertEqual(try ProjectInspection.count("codes WHERE name = 'Solitude'", in: path("lead.sqlite")), 1)
        XCTAssertEqual(try ProjectInspection.strings("SELECT c.uid FROM codings c ORDER BY c.uid", in: path("lead.sqlite")),
                       try pg.admin("SELECT uid FROM hub.rows WHERE kind = 'passage' ORDER BY uid", database: hub.database).split(separator: "\n").map(String.init))
        XCTAssertEqual(try run(["hub", "pull", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")]).status, 0)
        XCTAssertEqual(try ProjectInspection.count("codings", in: path("alice.sqlite")), 4)
        let agreement = try run(["agreement", "--coders", "alice,bob", "--project", "lead.sqlite"])
        XCTAssertEqual(agreement.status, 0, agreement.stderr)
        // A pull again changes nothing.
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).stdout, "Up to date.\n")
        // team split/merge still work on a hub-linked project.
        XCTAssertEqual(try run(["team", "split", "--coders", "carol", "--out", "copies", "--project", "lead.sqlite"]).status, 0)
    }

    // MARK: - Blind by the database, shown with plain psql

    func testBlindIsEnforcedByRowLevelSecurityInPsql() throws {
        let hub = try makeHub(coders: ["alice", "bob"])
        XCTAssertEqual(try run(["code", "FG1-0007", "Offender profiles/Isolation", "--coder", "alice", "--project", "alice.sqlite"]).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")]).status, 0)
        let bob = { (sql: String) in try self.pg.psql(sql, database: hub.database, role: hub.role("bob"), password: hub.password("bob")) }
        let alice = { (sql: String) in try self.pg.psql(sql, database: hub.database, role: hub.role("alice"), password: hub.password("alice")) }

        XCTAssertEqual(try alice("SELECT count(*) FROM hub.rows WHERE coder = 'alice'").stdout, "2\n")
        XCTAssertEqual(try bob("SELECT count(*) FROM hub.rows WHERE coder = 'alice'").stdout, "0\n", "alice's passages are invisible to bob")
        XCTAssertEqual(try bob("SELECT count(*) FROM hub.rows WHERE kind = 'excerpt'").stdout,
                       try pg.admin("SELECT count(*) FROM hub.rows WHERE kind = 'excerpt'", database: hub.database), "transcripts are shared")
        let update = try bob("UPDATE hub.rows SET note = 'x' WHERE coder = 'alice'")
        XCTAssertNotEqual(update.status, 0)   // no such column: the next line is the real test
        XCTAssertEqual(try bob("UPDATE hub.rows SET payload = '{}' WHERE coder = 'alice'").stdout, "UPDATE 0\n")
        let insert = try bob("INSERT INTO hub.rows(kind, uid, coder, payload, hash, version) VALUES ('passage', 'forged', 'alice', '{}', 'h', 1)")
        XCTAssertNotEqual(insert.status, 0)
        XCTAssertTrue(insert.stderr.contains("row-level security"), insert.stderr)
        XCTAssertEqual(try bob("UPDATE hub.rows SET payload = '{}' WHERE kind = 'excerpt'").stdout, "UPDATE 0\n", "a coder cannot change transcripts")
        let forgedExcerpt = try bob("INSERT INTO hub.rows(kind, uid, payload, hash, version) VALUES ('excerpt', 'FG9-0001', '{}', 'h', 1)")
        XCTAssertTrue(forgedExcerpt.stderr.contains("row-level security"), forgedExcerpt.stderr)
        XCTAssertEqual(try serverCount(hub.database, "payload = '{}'"), 0)
        let delete = try bob("DELETE FROM hub.rows")
        XCTAssertTrue(delete.stderr.contains("permission denied"), delete.stderr)
        let unblind = try bob("UPDATE hub.coders SET unblinded = true")
        XCTAssertTrue(unblind.stderr.contains("permission denied"), unblind.stderr)
        XCTAssertEqual(try serverCount(hub.database, "coder = 'alice'"), 2)
        XCTAssertEqual(try serverCount(hub.database, "uid = 'forged'"), 0)

        // Unblinding alice alone shows bob nothing; both, and each sees the other's.
        XCTAssertEqual(try run(["hub", "unblind", "--coders", "alice", "--project", "lead.sqlite"], env: ["PGPASSWORD": TestPostgres.leadPassword]).status, 0)
        XCTAssertEqual(try bob("SELECT count(*) FROM hub.rows WHERE coder = 'alice'").stdout, "0\n")
        XCTAssertEqual(try run(["hub", "unblind", "--coders", "bob", "--project", "lead.sqlite"], env: ["PGPASSWORD": TestPostgres.leadPassword]).status, 0)
        XCTAssertEqual(try bob("SELECT count(*) FROM hub.rows WHERE coder = 'alice'").stdout, "2\n")
        XCTAssertEqual(try bob("UPDATE hub.rows SET payload = '{}' WHERE coder = 'alice'").stderr.contains("row-level security")
                       || (try bob("UPDATE hub.rows SET payload = '{}' WHERE coder = 'alice'").stdout == "UPDATE 0\n"), true, "still unwritable")
        XCTAssertEqual(try serverCount(hub.database, "coder = 'alice' AND payload = '{}'"), 0)
    }

    // MARK: - Memos and deletions travel like passages

    func memoRows(_ file: String) throws -> [String] {
        try ProjectInspection.strings("SELECT uid || '|' || target_kind || '|' || coalesce(author, '-') || '|' || text FROM memos ORDER BY uid", in: path(file))
    }

    func testMemosTravelBlindLikePassagesAndDeletionsReachTheHub() throws {
        let hub = try makeHub(coders: ["alice", "bob"])
        let lead = ["PGPASSWORD": TestPostgres.leadPassword]
        let alice = ["PGPASSWORD": hub.password("alice")], bob = ["PGPASSWORD": hub.password("bob")]
        // The supervisor: a memo for everyone (no author) and one of their own.
        XCTAssertEqual(try run(["memo", "add", "Read FG2 with the site notes", "--project", "lead.sqlite"]).status, 0)
        XCTAssertEqual(try run(["memo", "add", "Isolation may split in two", "--code", "Offender profiles/Isolation", "--author", "lead",
                                "--project", "lead.sqlite"]).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "lead.sqlite"], env: lead).stdout, "Pushed 2 rows.\n")
        // alice: a memo on a turn (hers without --author, in her clone) and a passage.
        XCTAssertEqual(try run(["memo", "add", "Sounds like the FG1 site", "--excerpt", "FG1-0007", "--project", "alice.sqlite"]).status, 0)
        XCTAssertEqual(try ProjectInspection.strings("SELECT author FROM memos", in: path("alice.sqlite")), ["alice"])
        XCTAssertEqual(try run(["code", "FG1-0007", "Offender profiles/Isolation", "--coder", "alice", "--project", "alice.sqlite"]).status, 0)
        XCTAssertEqual(try run(["code", "FG1-0008", "Offender profiles/Isolation", "--coder", "alice", "--project", "alice.sqlite"]).status, 0)
        let pushed = try run(["hub", "push", "--project", "alice.sqlite"], env: alice)
        XCTAssertEqual(pushed.stdout, "Pushed 5 rows.\n", pushed.stderr)   // a memo, two passages, two reviews
        XCTAssertEqual(try serverCount(hub.database, "kind = 'memo' AND coder = 'alice' AND excerpt = 'FG1-0007' AND grp = 'FG1'"), 1)

        // Blind, by the database: bob's role sees the supervisor's shared memo, not alice's nor the supervisor's own,
        // and cannot write a memo as alice or change hers.
        let psqlBob = { (sql: String) in try self.pg.psql(sql, database: hub.database, role: hub.role("bob"), password: hub.password("bob")) }
        XCTAssertEqual(try psqlBob("SELECT count(*) FROM hub.rows WHERE kind = 'memo'").stdout, "1\n")
        XCTAssertEqual(try psqlBob("SELECT count(*) FROM hub.rows WHERE kind = 'memo' AND coder IS NULL").stdout, "1\n")
        let forged = try psqlBob("INSERT INTO hub.rows(kind, uid, coder, payload, hash, version) VALUES ('memo', 'forged', 'alice', '{}', 'h', 1)")
        XCTAssertTrue(forged.stderr.contains("row-level security"), forged.stderr)
        let shared = try psqlBob("INSERT INTO hub.rows(kind, uid, payload, hash, version) VALUES ('memo', 'forged2', '{}', 'h', 1)")
        XCTAssertTrue(shared.stderr.contains("row-level security"), "a coder cannot write a memo for everyone: \(shared.stderr)")
        XCTAssertEqual(try psqlBob("UPDATE hub.rows SET payload = '{}' WHERE kind = 'memo'").stdout, "UPDATE 0\n")
        XCTAssertEqual(try pg.admin("SELECT count(*) FROM hub.rows WHERE kind = 'memo' AND payload = '{}'", database: hub.database), "0\n")
        // The passage table's rule still holds: a passage always has a coder.
        XCTAssertThrowsError(try pg.admin("INSERT INTO hub.rows(kind, uid, payload, hash, version) VALUES ('passage', 'p', '{}', 'h', 1)", database: hub.database))

        XCTAssertEqual(try run(["hub", "pull", "--project", "bob.sqlite"], env: bob).status, 0)
        let bobMemos = try memoRows("bob.sqlite")
        XCTAssertEqual(bobMemos.count, 1, "\(bobMemos)")
        XCTAssertTrue(bobMemos[0].hasSuffix("|project|-|Read FG2 with the site notes"), bobMemos[0])
        XCTAssertEqual(bobMemos, try memoRows("lead.sqlite").filter { $0.contains("|-|") }, "same uid on both sides")
        // In bob's copy, a memo as someone else, or a change to the supervisor's memo, is refused at once.
        let asAlice = try run(["memo", "add", "Noted", "--author", "alice", "--project", "bob.sqlite"])
        XCTAssertEqual(asAlice.status, 64)
        XCTAssertEqual(asAlice.stderr, """
            focuscode: error: this project is bob's copy from a team hub, so a memo written here is bob's and the hub \
            would refuse one by alice; leave out --author and FOCUSCODE_CODER, or write it in alice's own copy.

            """)
        let sharedId = try ProjectInspection.strings("SELECT id FROM memos", in: path("bob.sqlite"))[0]
        for change in [["edit", sharedId, "Changed"], ["remove", sharedId]] {
            let refused = try run(["memo"] + change + ["--project", "bob.sqlite"])
            XCTAssertEqual(refused.status, 64, change.joined(separator: " "))
            XCTAssertEqual(refused.stderr, """
                focuscode: error: memo \(sharedId) is the project's (no author); in bob's copy from a team hub only bob's own \
                memos can be changed, because the hub takes no other change from bob.

                """)
        }
        XCTAssertEqual(try memoRows("bob.sqlite"), bobMemos, "nothing changed")
        // A memo as someone else that got in by another way (SQLite's own shell, here) is still not pushed.
        try ProjectInspection.execute("""
            INSERT INTO memos(target_kind, author, text, created_at, updated_at)
            VALUES ('project', 'alice', 'Noted', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z')
            """, in: path("bob.sqlite"))
        let notYours = try run(["hub", "push", "--project", "bob.sqlite"], env: bob)
        XCTAssertEqual(notYours.status, 65)
        XCTAssertTrue(notYours.stderr.hasPrefix("focuscode: error: 1 memo row changed here that this coder cannot push (e.g. memo "), notYours.stderr)
        XCTAssertTrue(notYours.stderr.contains(" by alice)"), notYours.stderr)
        XCTAssertEqual(try serverCount(hub.database, "kind = 'memo'"), 3, "nothing pushed")
        XCTAssertEqual(try ProjectInspection.count("memos WHERE author = 'alice'", in: path("bob.sqlite")), 1)
        try ProjectInspection.execute("DELETE FROM memos WHERE author = 'alice'", in: path("bob.sqlite"))
        XCTAssertEqual(try run(["hub", "push", "--project", "bob.sqlite"], env: bob).stdout, "Nothing to push.\n")

        // The supervisor's pull brings nothing of alice's while she is blind; after unblinding, her memo and passages.
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).stdout, "Up to date.\n")
        XCTAssertEqual(try run(["hub", "unblind", "--coders", "alice", "--project", "lead.sqlite"], env: lead).status, 0)
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).status, 0)
        XCTAssertEqual(try memoRows("lead.sqlite").filter { $0.contains("|alice|") }, try memoRows("alice.sqlite").filter { $0.contains("|alice|") })
        XCTAssertEqual(try ProjectInspection.count("memos WHERE author = 'alice' AND target_kind = 'excerpt'", in: path("lead.sqlite")), 1)
        let listed = try run(["memo", "list", "--excerpt", "FG1-0007", "--format", "csv", "--project", "lead.sqlite"])
        XCTAssertTrue(listed.stdout.contains("alice,Sounds like the FG1 site"), listed.stdout)
        XCTAssertEqual(try ProjectInspection.count("codings", in: path("lead.sqlite")), 2)

        // alice edits her memo, removes it again after one more push, and uncodes a passage: each reaches the supervisor.
        // (She has not pulled since the unblinding renumbered her rows on the hub: that alone is no conflict.)
        let aliceMemo = try ProjectInspection.strings("SELECT id FROM memos", in: path("alice.sqlite"))[0]
        XCTAssertEqual(try run(["memo", "edit", aliceMemo, "Sounds like the FG2 site", "--project", "alice.sqlite"]).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: alice).stdout, "Pushed 1 row.\n")
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).stdout, "Pulled 1 row.\n")
        XCTAssertEqual(try ProjectInspection.strings("SELECT text FROM memos WHERE author = 'alice'", in: path("lead.sqlite")), ["Sounds like the FG2 site"])
        XCTAssertEqual(try run(["memo", "remove", aliceMemo, "--project", "alice.sqlite"]).status, 0)
        XCTAssertEqual(try run(["uncode", "FG1-0008", "Offender profiles/Isolation", "--coder", "alice", "--project", "alice.sqlite"]).status, 0)
        let deletions = try run(["hub", "push", "--project", "alice.sqlite"], env: alice)
        XCTAssertEqual(deletions.stdout, "Pushed 2 rows.\n", deletions.stderr)
        XCTAssertEqual(try serverCount(hub.database, "deleted AND coder = 'alice'"), 2)
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).stdout, "Pulled 2 rows.\n")
        XCTAssertEqual(try ProjectInspection.count("memos WHERE author = 'alice'", in: path("lead.sqlite")), 0)
        XCTAssertEqual(try ProjectInspection.strings("SELECT e.ref FROM codings c JOIN excerpts e ON e.id = c.excerpt_id", in: path("lead.sqlite")), ["FG1-0007"])
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: alice).stdout, "Nothing to push.\n")
        // No memo text in the audit trail of either side.
        for file in ["alice.sqlite", "lead.sqlite"] {
            XCTAssertEqual(try ProjectInspection.count("audit_log WHERE detail LIKE '%site%'", in: path(file)), 0, file)
        }
    }

    /// A merge in the supervisor's codebook travels as a merge: coders' passages follow the merged code (one passage
    /// where a coder had both), and the supervisor's pull of passages still naming the merged code lands them on the survivor.
    func testACodebookMergeOnTheHubMovesTheCodersPassagesToo() throws {
        let hub = try makeHub(coders: ["alice", "bob"])
        let lead = ["PGPASSWORD": TestPostgres.leadPassword]
        let alice = ["PGPASSWORD": hub.password("alice")], bob = ["PGPASSWORD": hub.password("bob")]
        for (ref, code) in [("FG1-0007", "Isolation"), ("FG1-0008", "Isolation"), ("FG1-0008", "Gender")] {
            XCTAssertEqual(try run(["code", ref, "Offender profiles/\(code)", "--coder", "alice", "--project", "alice.sqlite"]).status, 0)
        }
        XCTAssertEqual(try run(["code", "FG1-0009", "Offender profiles/Isolation", "--coder", "bob", "--project", "bob.sqlite"]).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: alice).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "bob.sqlite"], env: bob).status, 0)

        let merged = try run(["codebook", "merge", "Offender profiles/Isolation", "--into", "Offender profiles/Gender", "--project", "lead.sqlite"])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertEqual(try run(["hub", "push", "--project", "lead.sqlite"], env: lead).stdout, "Pushed 1 row.\n")
        XCTAssertEqual(try serverCount(hub.database, "kind = 'code' AND deleted AND payload LIKE '%mergedInto%'"), 1)

        // alice pulls: her Isolation passages are Gender passages now (FG1-0008 once), and her push sends just that.
        let pulled = try run(["hub", "pull", "--project", "alice.sqlite"], env: alice)
        XCTAssertEqual(pulled.status, 0, pulled.stderr)
        let codes = "SELECT e.ref || ' ' || k.name FROM codings c JOIN excerpts e ON e.id = c.excerpt_id JOIN codes k ON k.id = c.code_id ORDER BY 1"
        XCTAssertEqual(try ProjectInspection.strings(codes, in: path("alice.sqlite")), ["FG1-0007 Gender", "FG1-0008 Gender"])
        XCTAssertEqual(try ProjectInspection.count("codes WHERE name = 'Isolation' AND parent_id = (SELECT id FROM codes WHERE name = 'Offender profiles')",
                                                   in: path("alice.sqlite")), 0, "the merged code is gone, as in the supervisor's")
        let pushed = try run(["hub", "push", "--project", "alice.sqlite"], env: alice)
        XCTAssertEqual(pushed.stdout, "Pushed 2 rows.\n", pushed.stderr)   // one passage changed its code, one collapsed (a tombstone)
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: alice).stdout, "Nothing to push.\n")

        // bob has not pulled: his passage still names Isolation on the hub. The supervisor's pull puts it on Gender.
        XCTAssertEqual(try run(["hub", "unblind", "--coders", "alice,bob", "--project", "lead.sqlite"], env: lead).status, 0)
        let leadPull = try run(["hub", "pull", "--project", "lead.sqlite"], env: lead)
        XCTAssertEqual(leadPull.status, 0, leadPull.stderr)
        let byCoder = "SELECT r.name || ' ' || e.ref || ' ' || k.name FROM codings c JOIN excerpts e ON e.id = c.excerpt_id JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id ORDER BY 1"
        XCTAssertEqual(try ProjectInspection.strings(byCoder, in: path("lead.sqlite")), ["alice FG1-0007 Gender", "alice FG1-0008 Gender", "bob FG1-0009 Gender"])
        // bob catches up and pushes his moved passage; the supervisor's next pull changes nothing it shows.
        XCTAssertEqual(try run(["hub", "pull", "--project", "bob.sqlite"], env: bob).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "bob.sqlite"], env: bob).stdout, "Pushed 1 row.\n")
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).status, 0)
        XCTAssertEqual(try ProjectInspection.strings(byCoder, in: path("lead.sqlite")), ["alice FG1-0007 Gender", "alice FG1-0008 Gender", "bob FG1-0009 Gender"])
        XCTAssertEqual(try serverCount(hub.database, "kind = 'passage' AND NOT deleted AND payload LIKE '%' || (SELECT uid FROM hub.rows WHERE kind = 'code' AND deleted LIMIT 1) || '%'"), 0,
                       "no live passage names the merged code on the hub")
    }

    /// A hub made by an older focuscode (schema 1: memos had no coder) is upgraded by the supervisor's next hub
    /// command, in place; a coder meanwhile gets one line saying so.
    func testAnOlderHubIsUpgradedByTheSupervisor() throws {
        let hub = try makeHub(coders: ["alice"])
        // Make it what focuscode with hub schema 1 created.
        try pg.admin("""
            ALTER TABLE hub.rows DROP CONSTRAINT rows_coder;
            ALTER TABLE hub.rows ADD CHECK ((kind IN ('passage', 'review')) = (coder IS NOT NULL));
            ALTER POLICY coder_insert ON hub.rows WITH CHECK ((kind IN ('passage', 'review') AND coder = hub.my_coder()) OR (kind = 'code' AND coder IS NULL AND hub.codebook_open()));
            UPDATE hub.meta SET value = '1' WHERE key = 'schema_version';
            """, database: hub.database)
        XCTAssertEqual(try run(["memo", "add", "A thought", "--project", "alice.sqlite"]).status, 0)
        let refused = try run(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("has schema version 1, older than this focuscode needs (2)"), refused.stderr)
        XCTAssertEqual(try ProjectInspection.count("hub_rows WHERE kind = 'memo'", in: path("alice.sqlite")), 0)

        let status = try run(["hub", "status", "--project", "lead.sqlite"], env: ["PGPASSWORD": TestPostgres.leadPassword])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertEqual(try pg.admin("SELECT value FROM hub.meta WHERE key = 'schema_version'", database: hub.database), "2\n")
        XCTAssertEqual(try pg.admin("SELECT string_agg(conname, ',') FROM pg_constraint WHERE conrelid = 'hub.rows'::regclass AND contype = 'c'",
                                    database: hub.database), "rows_coder\n")
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")]).stdout, "Pushed 1 row.\n")
        XCTAssertEqual(try serverCount(hub.database, "kind = 'memo' AND coder = 'alice'"), 1)
        XCTAssertEqual(try serverCount(hub.database, "kind = 'excerpt'"), try ProjectInspection.count("excerpts", in: path("lead.sqlite")), "nothing lost")
    }

    // MARK: - Errors: one line, sysexits status, nothing changed locally

    func testHubErrorsAreOneLineAndChangeNothing() throws {
        let hub = try makeHub(coders: ["alice"])
        XCTAssertEqual(try run(["code", "FG1-0007", "Offender profiles/Isolation", "--coder", "alice", "--project", "alice.sqlite"]).status, 0)
        let snapshot = { try ProjectInspection.strings("SELECT count(*) || '/' || (SELECT count(*) FROM hub_rows) || '/' || (SELECT group_concat(value) FROM hub_link) FROM audit_log", in: self.path("alice.sqlite")) }
        let before = try snapshot()
        func expectError(_ args: [String], env: [String: String] = [:], status: Int32, _ prefix: String, line: UInt = #line) throws {
            let r = try run(args, env: env)
            XCTAssertEqual(r.status, status, r.stderr, line: line)
            XCTAssertTrue(r.stderr.hasPrefix("focuscode: error: \(prefix)"), r.stderr, line: line)
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr, line: line)
            XCTAssertFalse(r.stderr.contains(hub.password("alice")), "no password in messages", line: line)
        }
        // Wrong password.
        try expectError(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": "wrong"], status: 65,
                        "the hub at 127.0.0.1:\(pg.port)/\(hub.database) refused the password for role \(hub.role("alice"))")
        try expectError(["hub", "push", "--project", "alice.sqlite"], status: 65, "the hub at 127.0.0.1:\(pg.port)/\(hub.database) refused the password")
        // Server down (nothing listens on that port).
        let down = "postgresql://\(hub.role("alice")):\(hub.password("alice"))@127.0.0.1:\(TestPostgres.freePort())/\(hub.database)"
        try expectError(["hub", "push", "--project", "alice.sqlite", "--url", down], status: 74, "cannot reach the hub at 127.0.0.1:")
        // A role that is not a coder of this hub.
        try pg.admin("CREATE ROLE \(hub.database)_stranger LOGIN PASSWORD 'stranger-pw'")
        try expectError(["hub", "clone", "postgresql://\(hub.database)_stranger:stranger-pw@127.0.0.1:\(pg.port)/\(hub.database)", "s.sqlite"],
                        status: 65, "the role \(hub.database)_stranger is not a coder of the hub")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("s.sqlite")), "no half-made clone")
        // A project not cloned from this hub: another hub the same supervisor runs.
        let other = try pg.newDatabase()
        XCTAssertEqual(try run(["init", "--project", "other.sqlite"]).status, 0)
        XCTAssertEqual(try run(["hub", "init", pg.leadURL(other), "--project", "other.sqlite"]).status, 0)
        try expectError(["hub", "push", "--project", "lead.sqlite", "--url", pg.leadURL(other)], status: 65, "lead.sqlite was not cloned from the hub")
        try expectError(["hub", "push", "--project", "other.sqlite", "--url", hub.lead], status: 65, "other.sqlite was not cloned from the hub")
        // A project with no hub at all.
        XCTAssertEqual(try run(["init", "--project", "plain.sqlite"]).status, 0)
        try expectError(["hub", "pull", "--project", "plain.sqlite"], status: 66, "plain.sqlite is not linked to a team hub")
        // A hub schema from a newer focuscode.
        try pg.admin("UPDATE hub.meta SET value = '3' WHERE key = 'schema_version'", database: hub.database)
        try expectError(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")], status: 65,
                        "the hub at 127.0.0.1:\(pg.port)/\(hub.database) has schema version 3, newer than this focuscode knows (2)")
        // One from an older focuscode: a coder cannot upgrade it, and is told who can.
        try pg.admin("UPDATE hub.meta SET value = '1' WHERE key = 'schema_version'", database: hub.database)
        try expectError(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")], status: 65,
                        "the hub at 127.0.0.1:\(pg.port)/\(hub.database) has schema version 1, older than this focuscode needs (2); the supervisor upgrades it")
        try pg.admin("UPDATE hub.meta SET value = '2' WHERE key = 'schema_version'", database: hub.database)
        // A bad URL.
        try expectError(["hub", "clone", "http://example.org/x", "x.sqlite"], status: 64, "invalid hub URL")
        // A second init of the same database.
        try expectError(["hub", "init", pg.leadURL(hub.database), "--project", "plain.sqlite"], status: 65, "there is already a FocusCode hub")

        XCTAssertEqual(try snapshot(), before, "nothing changed locally")
        XCTAssertEqual(try serverCount(hub.database, "kind = 'passage'"), 0)
        // And the project still pushes once the password is right.
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: ["PGPASSWORD": hub.password("alice")]).stdout, "Pushed 2 rows.\n")
    }

    // MARK: - Resumable: a push killed mid-way, then pushed again

    /// Rounds of: add `size` passages to alice's project, start a push, `interrupt` it after a delay, check that the
    /// hub has all of that push or none of it, push again and check it completed. Returns, per round, whether the push
    /// was still running when interrupted and how it ended.
    func interruptedPushes(_ hub: TestHub, rounds: Int, size: Int, delay: (Int) -> Int, interrupt: (Process) throws -> Void,
                           line: UInt = #line) async throws -> [(running: Bool, result: BinaryResult)] {
        let env = ["PGPASSWORD": hub.password("alice")]
        var total = try serverCount(hub.database, "kind = 'passage'")
        var outcomes: [(running: Bool, result: BinaryResult)] = []
        for round in 0..<rounds {
            try ProjectInspection.addPassages(size, coder: "alice", in: path("alice.sqlite"))
            let before = try serverCount(hub.database, "kind = 'passage'")
            let (process, out, err) = try startProcess(["hub", "push", "--project", "alice.sqlite"], env: env)
            try process.run()
            try await Task.sleep(nanoseconds: UInt64(delay(round)) * 1_000_000)
            let running = process.isRunning
            try interrupt(process)
            let result = await finish(process, out, err, started: true)
            process.waitUntilExit()
            outcomes.append((running, result))
            let after = try serverCount(hub.database, "kind = 'passage'")
            XCTAssertTrue(after == before || after == before + size, "all or nothing: \(before) → \(after)", line: line)
            let again = try await runAsync(["hub", "push", "--project", "alice.sqlite"], env: env)
            XCTAssertEqual(again.status, 0, again.stderr, line: line)
            total += size
            XCTAssertEqual(try serverCount(hub.database, "kind = 'passage'"), total, line: line)
            XCTAssertEqual(try ProjectInspection.count("codings", in: path("alice.sqlite")), total, line: line)
            XCTAssertEqual(try ProjectInspection.count("hub_rows WHERE kind = 'passage'", in: path("alice.sqlite")), total, line: line)
        }
        // Every passage exactly once, with the same IDs on both sides.
        XCTAssertEqual(try ProjectInspection.strings("SELECT uid FROM codings ORDER BY uid", in: path("alice.sqlite")),
                       try pg.admin("SELECT uid FROM hub.rows WHERE kind = 'passage' ORDER BY uid", database: hub.database).split(separator: "\n").map(String.init),
                       line: line)
        XCTAssertEqual(try run(["hub", "push", "--project", "alice.sqlite"], env: env).stdout, "Nothing to push.\n", line: line)
        return outcomes
    }

    func testPushKilledMidwayIsAllOrNothingAndCompletesOnTheNextPush() async throws {
        let hub = try makeHub(coders: ["alice"])
        let outcomes = try await interruptedPushes(hub, rounds: 4, size: 3000, delay: { 150 + $0 * 120 }) { kill($0.processIdentifier, SIGKILL) }
        XCTAssertGreaterThan(outcomes.filter(\.running).count, 0, "at least one push was killed while it ran")
    }

    /// The server restarted the hard way (as after a crash) during a push: the hub has the whole push or none of it,
    /// the push says in one line that it could not finish, and the next push completes it.
    func testPushDuringAServerCrashRestartIsAllOrNothingAndCompletesOnTheNextPush() async throws {
        let hub = try makeHub(coders: ["alice"])
        let outcomes = try await interruptedPushes(hub, rounds: 3, size: 6000, delay: { 250 + $0 * 250 }) { _ in try self.pg.restart() }
        let cutOff = outcomes.map(\.result).filter { $0.status != 0 }
        XCTAssertGreaterThan(cutOff.count, 0, "at least one push was cut off by the restart")
        for result in cutOff {
            XCTAssertEqual(result.status, 74, result.stderr)
            XCTAssertTrue(result.stderr.hasPrefix("focuscode: error: cannot reach the hub at "), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
    }

    // MARK: - Many at once

    func testFiveCodersPushingAndPullingInParallelLoops() async throws {
        let names = ["c1", "c2", "c3", "c4", "c5"]
        let hub = try makeHub(coders: names)
        let excerpts = try ProjectInspection.strings("SELECT ref FROM excerpts WHERE length(text) > 80 ORDER BY id LIMIT 12", in: path("lead.sqlite"))
        let rounds = 3
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, name) in names.enumerated() {
                let env = ["PGPASSWORD": hub.password(name)]
                let dir: URL = self.dir
                group.addTask {
                    for round in 0..<rounds {
                        for k in 0..<2 {
                            let ref = excerpts[(n + round * 2 + k) % excerpts.count]
                            let r = try await Self.runAsync(in: dir, ["code", ref, "Offender profiles/Isolation", "--coder", name, "--span", "\(round * 2 + k):\(round * 2 + k + 3)",
                                                              "--project", "\(name).sqlite"], env: [:])
                            XCTAssertEqual(r.status, 0, r.stderr)
                        }
                        let push = try await Self.runAsync(in: dir, ["hub", "push", "--project", "\(name).sqlite"], env: env)
                        XCTAssertEqual(push.status, 0, push.stderr)
                        let pull = try await Self.runAsync(in: dir, ["hub", "pull", "--project", "\(name).sqlite"], env: env)
                        XCTAssertEqual(pull.status, 0, pull.stderr)
                    }
                }
            }
            try await group.waitForAll()
        }
        for name in names {
            XCTAssertEqual(try serverCount(hub.database, "kind = 'passage' AND coder = '\(name)'"), rounds * 2, name)
        }
        let lead = ["PGPASSWORD": TestPostgres.leadPassword]
        XCTAssertEqual(try run(["hub", "unblind", "--coders", names.joined(separator: ","), "--project", "lead.sqlite"], env: lead).status, 0)
        XCTAssertEqual(try run(["hub", "pull", "--project", "lead.sqlite"], env: lead).status, 0)
        XCTAssertEqual(try ProjectInspection.count("codings", in: path("lead.sqlite")), names.count * rounds * 2, "every coding exactly once")
        XCTAssertEqual(try ProjectInspection.strings("SELECT count(DISTINCT uid) FROM codings", in: path("lead.sqlite")), ["\(names.count * rounds * 2)"])
        let c1 = try await runAsync(["hub", "pull", "--project", "c1.sqlite"], env: ["PGPASSWORD": hub.password("c1")])
        XCTAssertEqual(c1.status, 0, c1.stderr)
        XCTAssertEqual(try ProjectInspection.count("codings", in: path("c1.sqlite")), names.count * rounds * 2)
    }

    // MARK: - TLS

    func testSSLModeRequireIsHonoured() throws {
        let hub = try makeHub(coders: ["alice"])
        let url = hub.coders["alice"]!
        try pg.setTLS(false)
        let refused = try run(["hub", "clone", url + "?sslmode=require", "a2.sqlite"])
        XCTAssertEqual(refused.status, 74, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("does not offer TLS"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("a2.sqlite")))
        try pg.setTLS(true)
        try pg.requireTLS(for: hub.role("alice"))
        defer { try? pg.setTLS(false) }
        // The server now rejects alice without TLS, so a clone that works went over TLS (self-signed certificate).
        let plain = try run(["hub", "clone", url + "?sslmode=disable", "a3.sqlite"])
        XCTAssertNotEqual(plain.status, 0, plain.stderr)
        let secure = try run(["hub", "clone", url + "?sslmode=require", "a4.sqlite"])
        XCTAssertEqual(secure.status, 0, secure.stderr)
        XCTAssertEqual(try ProjectInspection.count("excerpts", in: path("a4.sqlite")), try ProjectInspection.count("excerpts", in: path("lead.sqlite")))
        XCTAssertEqual(try ProjectInspection.strings("SELECT value FROM hub_link WHERE key = 'url'", in: path("a4.sqlite")).first?.hasSuffix("?sslmode=require"), true)
        XCTAssertEqual(try run(["code", "FG1-0007", "Offender profiles/Isolation", "--coder", "alice", "--project", "a4.sqlite"]).status, 0)
        XCTAssertEqual(try run(["hub", "push", "--project", "a4.sqlite"], env: ["PGPASSWORD": hub.password("alice")]).stdout, "Pushed 2 rows.\n")
    }
}

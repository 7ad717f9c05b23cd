import Foundation
import XCTest

/// The interactive session driven as a person would: in a real terminal (tmux), by keys, reading the screen.
final class InteractiveCodingTests: XCTestCase {
    var socket = ""
    var tmuxPath = ""

    override func setUpWithError() throws {
        guard let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map({ "\($0)/tmux" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("tmux is not on PATH")
        }
        tmuxPath = path
        socket = "fc-test-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        // Ends only the tmux server this test started (its own socket).
        _ = try? tmux(["kill-server"])
        let dir = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        try? FileManager.default.removeItem(atPath: "\(dir)/tmux-\(getuid())/\(socket)")
    }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        if args.first == "new-session" { return try spawnServer(args) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tmuxPath)
        process.arguments = ["-L", socket, "-f", "/dev/null"] + args
        // Only capture-pane's output is read. The tmux server that new-session starts would keep a pipe open for
        // as long as it lives, so every other command writes to /dev/null.
        let capture = args.first == "capture-pane"
        let out = Pipe()
        process.standardOutput = capture ? out : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = capture ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts a tmux session with posix_spawn and waits for the client. Foundation's Process is not used here: on
    /// Linux it learns that a child ended from a descriptor the child inherits, and the tmux server that the client
    /// forks would keep that descriptor open for its whole life. Every descriptor above stderr is closed instead.
    func spawnServer(_ args: [String]) throws -> String {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap(Int32.init) ?? []
        for fd in open where fd > 2 && fcntl(fd, F_GETFD) != -1 { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = ([tmuxPath, "-L", socket, "-f", "/dev/null"] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, tmuxPath, &actions, nil, argv, environ) == 0 else { throw XCTSkip("cannot start tmux") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return ""
    }

    func screen(_ target: String) throws -> String { try tmux(["capture-pane", "-p", "-t", target]) }

    /// Waits until the screen shows `text` (up to 15 s) and has stopped changing, and returns it. The program writes
    /// a frame in one go, but tmux may take it in in pieces: a capture taken between two pieces shows the top of the
    /// new frame over the bottom of the old one. A screen that shows the text and is the same 50 ms later is whole.
    @discardableResult
    func waitFor(_ text: String, in target: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(15)
        var last = ""
        while Date() < deadline {
            last = try screen(target)
            if last.contains(text) {
                usleep(50_000)
                let again = try screen(target)
                if again == last { return last }
                continue
            }
            usleep(100_000)
        }
        XCTFail("the screen never showed \"\(text)\"; it shows:\n\(last)", file: file, line: line)
        throw XCTSkip("stopping after a failed wait")
    }

    func keys(_ target: String, _ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", target] + (literal ? ["-l"] : []) + keys)
    }

    func testCodesThreeTurnsUndoesOneQuitsAndResumes() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let moderatorTurns = try h.run(["excerpts", "--group", "FG1", "--speaker", "Moderator", "--format", "csv"]).stdout.split(separator: "\n").count - 1
        let total = 98 - moderatorTurns
        let command = "\(CLIHarness.binary.path) code --interactive --coder alice --group FG1 --blind --project \(h.project)"
        // The terminal's mode is printed before the exit status, so that a screen showing EXIT= also shows the mode.
        let shell = "\(command); rc=$?; stty -a | tr ' ' '\\n' | grep -x -- '-\\{0,1\\}icanon'; echo \"EXIT=$rc\"; sleep 120"
        try tmux(["new-session", "-d", "-s", "first", "-x", "120", "-y", "40", shell])

        var s = try waitFor("▶ FG1-0002", in: "first")
        XCTAssertTrue(s.contains("FocusCode · coding as alice · FG1 · blind"), s)
        XCTAssertTrue(s.contains("reviewed 0 of \(total) · excerpt 1 of \(total)"), s)
        XCTAssertTrue(s.contains("Not reviewed yet."), s)
        XCTAssertTrue(s.contains(" 2   Age diversity"), s)

        // 1. By number: code 2, then on to the next turn.
        try keys("first", "2", "Enter")
        s = try waitFor("Applied: [2] Offender profiles/Age diversity", in: "first")
        XCTAssertTrue(s.contains("reviewed 1 of \(total)"), s)
        try keys("first", "Enter")
        try waitFor("▶ FG1-0003", in: "first")

        // 2. By name, typed ahead.
        try keys("first", "/gend", literal: true)
        s = try waitFor("apply name: gend", in: "first")
        XCTAssertTrue(s.contains("▸ 3 Offender profiles/Gender"), s)
        try keys("first", "Enter")
        try waitFor("Applied: [3] Offender profiles/Gender", in: "first")
        try keys("first", "s")
        try waitFor("▶ FG1-0004", in: "first")

        // 3. Reviewed, no code applies; then undo it.
        try keys("first", "0")
        s = try waitFor("Reviewed: no code applies.", in: "first")
        XCTAssertTrue(s.contains("reviewed 3 of \(total)"), s)
        try keys("first", "u")
        s = try waitFor("Undone: none on FG1-0004.", in: "first")
        XCTAssertTrue(s.contains("reviewed 2 of \(total)"), s)
        XCTAssertTrue(s.contains("▶ FG1-0004"), s)
        XCTAssertTrue(s.contains("Not reviewed yet."), s)

        try keys("first", "q")
        s = try waitFor("EXIT=0", in: "first")
        XCTAssertTrue(s.contains("Coded as alice: reviewed 2 of \(total) excerpts in FG1. Run the same command to resume."), s)
        XCTAssertTrue(s.split(separator: "\n").contains("icanon"), "the terminal is back in line mode: \(s)")

        XCTAssertEqual(try h.run(["codings", "export", "--coder", "alice"]).stdout, """
            excerpt,coder,code,note,span_start,span_end
            FG1-0002,alice,Offender profiles/Age diversity,,,
            FG1-0003,alice,Offender profiles/Gender,,,

            """)

        // Resume: a new session starts at the first turn alice has not reviewed. Ctrl-C still restores the terminal.
        try tmux(["new-session", "-d", "-s", "second", "-x", "100", "-y", "30", shell])
        s = try waitFor("▶ FG1-0004", in: "second")
        XCTAssertTrue(s.contains("reviewed 2 of \(total) · excerpt 3 of \(total)"), s)
        XCTAssertTrue(s.contains("Resuming at the first excerpt you have not reviewed."), s)
        try keys("second", "n")
        try waitFor("\nnote:", in: "second")
        try keys("second", "Escape")
        try keys("second", "C-c")
        s = try waitFor("EXIT=130", in: "second")
        XCTAssertTrue(s.split(separator: "\n").contains("icanon"), "Ctrl-C restored the terminal: \(s)")
        XCTAssertEqual(try h.run(["codings", "export", "--coder", "alice"]).stdout.split(separator: "\n").count, 3)
    }
}

extension InteractiveCodingTests {
    /// A passage by word numbers: `w`, FROM-TO, Enter, then a code codes only those words; a range past the turn's
    /// words is refused on the screen and the session goes on.
    func testCodesAPassageByWordRange() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        let command = "\(CLIHarness.binary.path) code --interactive --coder alice --group FG1 --project \(h.project)"
        try tmux(["new-session", "-d", "-s", "words", "-x", "120", "-y", "40", "\(command); echo \"EXIT=$?\"; sleep 120"])
        try waitFor("▶ FG1-0002", in: "words")
        try keys("words", "w")
        var s = try waitFor("passage, word numbers FROM-TO:", in: "words")
        XCTAssertTrue(s.contains("4·online"), "words are numbered while choosing: \(s)")
        try keys("words", "90-99", literal: true)
        try keys("words", "Enter")
        s = try waitFor("invalid span 'words 90-99' on FG1-0002", in: "words")
        try keys("words", "w")
        try keys("words", "4-6", literal: true)
        try keys("words", "Enter")
        try waitFor("Passage: words 4–6", in: "words")
        try keys("words", "2", "Enter")
        try waitFor("Applied: [2] Offender profiles/Age diversity", in: "words")
        try keys("words", "q")
        try waitFor("EXIT=0", in: "words")
        let rows = try h.jsonRows(["codings", "--excerpt", "FG1-0002", "--coder", "alice"])
        XCTAssertEqual(rows.map { $0["span"] as? String }, ["11:36"])
        XCTAssertEqual(rows.map { $0["text"] as? String }, ["online investigation team"])
    }

    /// `code --interactive --review-suggestions machine`: accept, reject, skip by key, then what is stored.
    func testReviewsMachineSuggestions() throws {
        let h = try CLIHarness()
        try h.setUpProject()
        XCTAssertEqual(try h.run(["codings", "import", CLIHarness.fixtures.appendingPathComponent("codings/coder_a.csv").path]).status, 0)
        XCTAssertEqual(try h.run(["suggest", "train", "--coder", "coder_a", "--level", "1"]).status, 0)
        let applied = try h.run(["suggest", "apply", "--as", "machine", "--group", "FG2", "--min-confidence", "0.2"])
        XCTAssertEqual(applied.status, 0, applied.stderr)
        let command = "\(CLIHarness.binary.path) code --interactive --coder alice --review-suggestions machine --project \(h.project)"
        try tmux(["new-session", "-d", "-s", "review", "-x", "120", "-y", "40", "\(command); echo \"EXIT=$?\"; sleep 120"])
        var s = try waitFor("alice reviewing machine's suggestions", in: "review")
        XCTAssertTrue(s.contains("suggestion 1 of "), s)
        XCTAssertTrue(s.contains("Suggested: "), s)
        try keys("review", "a")
        s = try waitFor("suggestion 2 of ", in: "review")
        XCTAssertTrue(s.contains("Accepted "), s)
        try keys("review", "r")
        s = try waitFor("suggestion 3 of ", in: "review")
        XCTAssertTrue(s.contains("Rejected "), s)
        try keys("review", "s")
        try waitFor("suggestion 4 of ", in: "review")
        try keys("review", "q")
        s = try waitFor("EXIT=0", in: "review")
        XCTAssertTrue(s.contains("Reviewed machine's suggestions as alice: 1 accepted, 1 rejected,"), s)
        let alice = try h.run(["codings", "export", "--coder", "alice"]).stdout.split(separator: "\n").dropFirst()
        XCTAssertGreaterThanOrEqual(alice.count, 1)
        XCTAssertTrue(alice.allSatisfy { $0.hasPrefix("FG2-") }, "\(alice)")
    }
}

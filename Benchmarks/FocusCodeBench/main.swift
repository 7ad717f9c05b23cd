// focuscode-bench: the performance targets of PRODUCT.md §10, measured against a baseline in the same run.
//
//   swift build -c release && .build/release/focuscode-bench import [--turns 1000000] [--work DIR]
//   swift build -c release && .build/release/focuscode-bench themes [--excerpts 1000000] [--codings 3000000] [--groups 20] [--work DIR]
//
// Not part of `swift test`: benchmarks are measured on a release build, never as timed unit tests.
import FocusCodeKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

typealias SplitMix64 = AgreementSplitMix64

extension AgreementSplitMix64 {
    init(state: UInt64) { self.init(seed: state) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A measured child process: wall time and peak resident memory (from wait4's rusage).
struct Measured { var seconds: Double; var cpuSeconds: Double; var peakMB: Double; var status: Int32 }

func spawn(_ path: String, _ args: [String], stdin: String? = nil, quiet: Bool = true, stdout: String? = nil) -> Measured {
    var fileActions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    if let stdin { posix_spawn_file_actions_addopen(&fileActions, 0, stdin, O_RDONLY, 0) }
    if let stdout {
        posix_spawn_file_actions_addopen(&fileActions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    } else if quiet {
        posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
    }
    let argv = ([path] + args).map { strdup($0) } + [nil]
    var pid: pid_t = 0
    let start = Date()
    let rc = posix_spawn(&pid, path, &fileActions, nil, argv, environ)
    precondition(rc == 0, "cannot start \(path)")
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Date().timeIntervalSince(start)
    argv.forEach { free($0) }
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    return Measured(seconds: seconds, cpuSeconds: cpu, peakMB: Double(usage.ru_maxrss) / 1024, status: status)
}

func which(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let p = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

func option(_ name: String, _ fallback: String) -> String {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return fallback
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

/// A synthetic vocabulary with English-like word frequencies: Zipf's law (s = 1.05) over 50,000
/// words. The study's terms sit at ranks typical of such words in English text (a few hundred
/// to a few thousand), so that queries match realistic numbers of turns; a few function words
/// at the top match almost every turn (the worst case for ranked search, also measured).
struct Vocabulary {
    static let terms: [(String, Int)] = [
        ("team", 250), ("officer", 300), ("unit", 350), ("phone", 400), ("management", 450), ("risk", 500),
        ("offender", 600), ("device", 700), ("training", 800), ("visit", 900), ("workload", 1200),
        ("supervision", 1500), ("sharing", 1600), ("storage", 1800), ("covid", 2000), ("welfare", 2500),
        ("caseload", 3000), ("backlog", 4000), ("encryption", 5000), ("concealment", 6000),
    ]
    let words: [String]
    let cumulative: [Double]

    init() {
        let size = 50_000
        var rng = SplitMix64(state: 42)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var words = ["the", "and", "of", "to", "a", "in", "we", "it", "is", "that"]
        var seen = Set(words).union(Self.terms.map(\.0))
        while words.count < size {
            let w = String((0..<(3 + rng.below(8))).map { _ in letters[rng.below(26)] })
            if seen.insert(w).inserted { words.append(w) }
        }
        for (term, rank) in Self.terms { words.insert(term, at: rank - 1) }
        self.words = Array(words.prefix(size))
        var total = 0.0
        cumulative = (1...size).map { rank in total += 1 / pow(Double(rank), 1.05); return total }
    }

    /// About 30 words drawn by frequency.
    func turn(_ rng: inout SplitMix64) -> String {
        let total = cumulative[cumulative.count - 1]
        var parts: [String] = []
        for _ in 0..<(24 + rng.below(13)) {
            let u = Double(rng.next() >> 11) / Double(1 << 53) * total
            var lo = 0, hi = cumulative.count - 1
            while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < u { lo = mid + 1 } else { hi = mid } }
            parts.append(words[lo])
        }
        return parts.joined(separator: " ") + "."
    }
}

func benchImport() throws {
    let turns = Int(option("--turns", "1000000"))!
    let work = URL(fileURLWithPath: option("--work", FileManager.default.temporaryDirectory.appendingPathComponent("focuscode-bench").path))
    try? FileManager.default.removeItem(at: work)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let focuscode = binDir.appendingPathComponent("focuscode").path
    guard let sqlite3 = which("sqlite3") else { fatalError("the sqlite3 shell is needed for the baseline (apt-get install sqlite3)") }

    // 1. The same rows two ways: a transcript CSV for focuscode, and the finished table rows for sqlite3's .import.
    let transcript = work.appendingPathComponent("turns.csv")
    let rows = work.appendingPathComponent("rows.csv")
    _ = FileManager.default.createFile(atPath: transcript.path, contents: nil)
    _ = FileManager.default.createFile(atPath: rows.path, contents: nil)
    let t = try FileHandle(forWritingTo: transcript), r = try FileHandle(forWritingTo: rows)
    var rng = SplitMix64(state: 7)
    let vocabulary = Vocabulary()
    var bufT = "speaker,text\n", bufR = ""
    var speakerOf: [Int: Int] = [:]
    var nextPseudonym = 0
    for i in 1...turns {
        let s = rng.below(40)
        let text = vocabulary.turn(&rng)
        bufT += "Speaker \(s),\(text)\n"
        let pid: Int
        if let p = speakerOf[s] { pid = p } else { nextPseudonym += 1; speakerOf[s] = nextPseudonym; pid = nextPseudonym }
        let words = text.split(separator: " ").count
        bufR += "\(i),G1-\(String(format: "%04d", i)),1,1,\(pid),\(i),,,\(text),\(words)\n"
        if i % 10_000 == 0 { t.write(Data(bufT.utf8)); r.write(Data(bufR.utf8)); bufT = ""; bufR = "" }
    }
    t.write(Data(bufT.utf8)); r.write(Data(bufR.utf8))
    try t.close(); try r.close()
    let mb = Double((try FileManager.default.attributesOfItem(atPath: transcript.path)[.size] as! Int)) / 1_000_000

    // 2. Baseline: the same schema (indexes included); sqlite3 loads the rows, then builds the FTS index.
    let basePath = work.appendingPathComponent("baseline.sqlite").path
    let base = try Project.create(at: basePath)
    try base.write { db in
        try db.execute(sql: """
            INSERT INTO groups(id, name, position, created_at) VALUES (1, 'G1', 1, 'now');
            INSERT INTO documents(id, group_id, file_name, format, content_hash, position, turn_count, word_count, imported_at)
              VALUES (1, 1, 'turns.csv', 'csv', 'x', 1, 0, 0, 'now');
            """)
        for p in 1...nextPseudonym {
            try db.execute(sql: "INSERT INTO participants(id, pseudonym, created_at) VALUES (?, ?, 'now')", arguments: [p, String(format: "P%02d", p)])
        }
    }
    let script = work.appendingPathComponent("baseline.sql")
    try """
        PRAGMA journal_mode=WAL;
        PRAGMA foreign_keys=ON;
        BEGIN;
        .mode csv
        .import \(rows.path) excerpts
        INSERT INTO excerpts_fts(excerpts_fts) VALUES('rebuild');
        COMMIT;
        """.write(to: script, atomically: true, encoding: .utf8)
    let baseline = spawn(sqlite3, [basePath], stdin: script.path)

    // 3. FocusCode: init, then import the transcript file (read, parse, pseudonymise, store, index) in one transaction.
    let projectPath = work.appendingPathComponent("project.sqlite").path
    _ = spawn(focuscode, ["init", "--project", projectPath])
    let ours = spawn(focuscode, ["import", transcript.path, "--group", "G1", "--project", projectPath])
    precondition(ours.status == 0, "focuscode import failed with status \(ours.status)")
    let project = try Project.open(at: projectPath)
    let stored = try project.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM excerpts")! }
    precondition(stored == turns, "expected \(turns) excerpts, found \(stored)")

    // 4. Full-text queries on the imported project (warm: median of 20 runs each).
    var queryLines: [String] = []
    for query in ["training AND workload", "\"risk management\"", "supervision NOT phone", "encrypt*", "backlog OR caseload",
                  "training", "the"] {
        var times: [Double] = []
        var hits = 0
        for _ in 0..<20 {
            let start = Date()
            hits = try project.search(query, limit: 20).count
            times.append(Date().timeIntervalSince(start) * 1000)
        }
        let matches = try project.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM excerpts_fts WHERE excerpts_fts MATCH ?", arguments: [query])! }
        queryLines.append("| `\(query)` | \(matches) | \(hits) | \(String(format: "%.1f", median(times))) ms |")
    }

    // 5. Start-up: `focuscode --help`, median of 20.
    let help = median((0..<20).map { _ in spawn(focuscode, ["--help"]).seconds * 1000 })

    let ratio = ours.seconds / baseline.seconds
    func f(_ x: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", x) }
    print("""
        ## Import: \(turns) turns, \(f(mb, 0)) MB of CSV
        | what | wall time | CPU time (user+sys) | peak memory |
        |---|---|---|---|
        | baseline: sqlite3 `.import` + FTS5 `'rebuild'` | \(f(baseline.seconds)) s | \(f(baseline.cpuSeconds)) s | \(f(baseline.peakMB, 0)) MB |
        | `focuscode import` (read, parse, pseudonymise, store, index) | \(f(ours.seconds)) s | \(f(ours.cpuSeconds)) s | \(f(ours.peakMB, 0)) MB |
        | ratio (target ≤ 1.3×; memory ≤ 150 MB) | \(f(ratio, 2))× | \(f(ours.cpuSeconds / baseline.cpuSeconds, 2))× | |

        ## Full-text search over \(turns) excerpts (median of 20, top 20 by bm25)
        | query | matching rows | returned | time |
        |---|---|---|---|
        \(queryLines.joined(separator: "\n"))

        ## Start-up
        `focuscode --help`: \(String(format: "%.1f", help)) ms (median of 20; target ≤ 50 ms)
        """)
}

switch CommandLine.arguments.dropFirst().first {
case "import": try benchImport()
case "themes": try benchThemes()
default:
    print("usage: focuscode-bench import [--turns N] [--work DIR]\n       focuscode-bench themes [--excerpts N] [--codings N] [--groups N] [--work DIR]")
    exit(64)
}

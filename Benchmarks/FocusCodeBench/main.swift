// focuscode-bench: the performance targets of PRODUCT.md §10, measured against a baseline in the same run.
//
//   swift build -c release && .build/release/focuscode-bench import [--turns 1000000] [--work DIR]
//   swift build -c release && .build/release/focuscode-bench codings [--excerpts 1000000] [--codings 3000000] [--work DIR]
//
// Not part of `swift test`: benchmarks are measured on a release build, never as timed unit tests.
import FocusCodeKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// A measured child process: wall time and peak resident memory (from wait4's rusage).
struct Measured { var seconds: Double; var peakMB: Double; var status: Int32 }

func spawn(_ path: String, _ args: [String], stdin: String? = nil, quiet: Bool = true) -> Measured {
    var fileActions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    if let stdin { posix_spawn_file_actions_addopen(&fileActions, 0, stdin, O_RDONLY, 0) }
    if quiet { posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0) }
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
    return Measured(seconds: seconds, peakMB: Double(usage.ru_maxrss) / 1024, status: status)
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

let vocabulary: [String] = {
    // Common words, the study's terms (so that queries hit realistic numbers of rows), and filler.
    var words = ["the", "and", "of", "to", "a", "in", "we", "it", "is", "that", "they", "you", "for", "on", "have", "with",
                 "training", "workload", "supervision", "offender", "device", "phone", "visit", "officer", "welfare", "caseload",
                 "covid", "risk", "management", "storage", "sharing", "concealment", "encryption", "backlog", "unit", "team"]
    var rng = SplitMix64(state: 42)
    let letters = Array("abcdefghijklmnopqrstuvwxyz")
    while words.count < 5000 {
        words.append(String((0..<(3 + rng.below(7))).map { _ in letters[rng.below(26)] }))
    }
    return words
}()

/// About 30 words, Zipf-like: low indices (common words) far more often than the long tail.
func syntheticTurn(_ rng: inout SplitMix64) -> String {
    var parts: [String] = []
    let n = 24 + rng.below(13)
    for _ in 0..<n {
        let u = Double(rng.next() >> 11) / Double(1 << 53)
        let index = min(vocabulary.count - 1, Int(pow(Double(vocabulary.count), u)) - 1)
        parts.append(vocabulary[index])
    }
    return parts.joined(separator: " ") + "."
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
    var bufT = "speaker,text\n", bufR = ""
    var speakerOf: [Int: Int] = [:]
    var nextPseudonym = 0
    for i in 1...turns {
        let s = rng.below(40)
        let text = syntheticTurn(&rng)
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

    // 2. Baseline: the same schema (indexes included) without the FTS triggers; sqlite3 loads the rows, then builds the index.
    let basePath = work.appendingPathComponent("baseline.sqlite").path
    let base = try Project.create(at: basePath)
    try base.write { db in
        try db.execute(sql: """
            DROP TRIGGER excerpts_fts_insert;
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
    for query in ["training AND workload", "\"risk management\"", "supervision NOT phone", "encrypt*", "backlog OR caseload"] {
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
    print("""
        ## Import: \(turns) turns, \(String(format: "%.0f", mb)) MB of CSV
        | what | time | peak memory |
        |---|---|---|
        | baseline: sqlite3 `.import` + FTS5 `'rebuild'` | \(String(format: "%.1f", baseline.seconds)) s | \(String(format: "%.0f", baseline.peakMB)) MB |
        | `focuscode import` (read, parse, pseudonymise, store, index) | \(String(format: "%.1f", ours.seconds)) s | \(String(format: "%.0f", ours.peakMB)) MB |
        | ratio | \(String(format: "%.2f", ratio))× (target ≤ 1.3×) | target ≤ 150 MB |

        ## Full-text search over \(turns) excerpts (median of 20, top 20 by bm25)
        | query | matching rows | returned | time |
        |---|---|---|---|
        \(queryLines.joined(separator: "\n"))

        ## Start-up
        `focuscode --help`: \(String(format: "%.1f", help)) ms (median of 20; target ≤ 50 ms)
        """)
}

/// Bulk import of codings: a project of `--excerpts` turns and 20 codes, a long-form CSV of `--codings` rows from three
/// coders, timed through `focuscode codings import`, against sqlite3 inserting the same rows with IDs already resolved.
func benchCodings() throws {
    let excerptCount = Int(option("--excerpts", "1000000"))!
    let codingCount = Int(option("--codings", "3000000"))!
    let work = URL(fileURLWithPath: option("--work", FileManager.default.temporaryDirectory.appendingPathComponent("focuscode-bench-codings").path))
    try? FileManager.default.removeItem(at: work)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let focuscode = binDir.appendingPathComponent("focuscode").path
    guard let sqlite3 = which("sqlite3") else { fatalError("the sqlite3 shell is needed for the baseline (apt-get install sqlite3)") }

    // 1. Setup (not timed): the excerpts through the importer in-process, and a codebook of 4 themes × 4 subthemes.
    let projectPath = work.appendingPathComponent("project.sqlite").path
    let project = try Project.create(at: projectPath)
    var rng = SplitMix64(state: 11)
    let turns = (1...excerptCount).lazy.map { i -> Turn in
        var words: [String] = []
        for _ in 0..<12 { words.append(vocabulary[rng.below(200)]) }
        return Turn(speaker: "Speaker \(i % 40)", text: words.joined(separator: " ") + ".", line: i)
    }
    var preparer = PassThroughPreparer()
    let setupStart = Date()
    _ = try Importer.importTurns(turns, fileName: "synthetic.csv", format: .csv, contentHash: "bench-\(excerptCount)", into: project,
                                 options: ImportOptions(group: "G1"), preparer: &preparer)
    var paths: [String] = []
    for t in 1...4 {
        try project.addCode(path: "Theme \(t)")
        paths.append("Theme \(t)")
        for s in 1...4 {
            try project.addCode(path: "Theme \(t)/Subtheme \(t).\(s)")
            paths.append("Theme \(t)/Subtheme \(t).\(s)")
        }
    }
    let setupSeconds = Date().timeIntervalSince(setupStart)

    // 2. The codings CSV: rows by excerpt then coder, each coder one or two codes per excerpt, cycling until the count is met.
    let coders = ["coder_1", "coder_2", "coder_3"]
    let csvURL = work.appendingPathComponent("codings.csv")
    let rowsURL = work.appendingPathComponent("resolved.csv")
    _ = FileManager.default.createFile(atPath: csvURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: rowsURL.path, contents: nil)
    let csv = try FileHandle(forWritingTo: csvURL), resolved = try FileHandle(forWritingTo: rowsURL)
    var buf = "excerpt,coder,code\n", bufR = ""
    var written = 0
    let perExcerpt = Double(codingCount) / Double(excerptCount * coders.count)
    var excerpt = 0
    while written < codingCount {
        excerpt = excerpt % excerptCount + 1
        let ref = "G1-" + (excerpt < 1000 ? String(format: "%04d", excerpt) : String(excerpt))
        for (c, coder) in coders.enumerated() where written < codingCount {
            // About `perExcerpt` codes per coder and excerpt; distinct codes within one excerpt.
            let n = max(1, Int(perExcerpt) + (Double(rng.below(1000)) / 1000 < perExcerpt - Double(Int(perExcerpt)) ? 1 : 0))
            let first = rng.below(paths.count)
            for k in 0..<min(n, codingCount - written) {
                let code = (first + k * 7) % paths.count
                buf += "\(ref),\(coder),\(paths[code])\n"
                bufR += "\(excerpt),\(code + 1),\(c + 1)\n"
                written += 1
            }
        }
        if buf.utf8.count > 1 << 20 { csv.write(Data(buf.utf8)); resolved.write(Data(bufR.utf8)); buf = ""; bufR = "" }
    }
    csv.write(Data(buf.utf8)); resolved.write(Data(bufR.utf8))
    try csv.close(); try resolved.close()
    let mb = Double((try FileManager.default.attributesOfItem(atPath: csvURL.path)[.size] as! Int)) / 1_000_000

    // 3. Baseline on a copy: sqlite3 inserts the same codings and reviews, IDs already resolved, in one transaction.
    let basePath = work.appendingPathComponent("baseline.sqlite").path
    try project.dbQueue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    try FileManager.default.copyItem(atPath: projectPath, toPath: basePath)
    let script = work.appendingPathComponent("baseline.sql")
    try """
        PRAGMA journal_mode=WAL;
        PRAGMA foreign_keys=ON;
        CREATE TEMP TABLE raw(excerpt_id INTEGER, code_id INTEGER, coder_id INTEGER);
        .mode csv
        .import \(rowsURL.path) raw
        BEGIN;
        INSERT INTO coders(id, name, uid, created_at) VALUES (1, 'coder_1', 'u1', 'now'), (2, 'coder_2', 'u2', 'now'), (3, 'coder_3', 'u3', 'now');
        INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) SELECT excerpt_id, code_id, coder_id, 'now' FROM raw;
        INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) SELECT excerpt_id, coder_id, 'now' FROM raw;
        COMMIT;
        """.write(to: script, atomically: true, encoding: .utf8)
    let baseline = spawn(sqlite3, [basePath], stdin: script.path)

    // 4. FocusCode: read, decode, parse, validate every row, resolve, insert; one transaction.
    let ours = spawn(focuscode, ["codings", "import", csvURL.path, "--project", projectPath])
    precondition(ours.status == 0, "focuscode codings import failed with status \(ours.status)")
    let (codings, reviews) = try project.read { db in
        (try Int.fetchOne(db, sql: "SELECT count(*) FROM codings")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM reviews")!)
    }
    precondition(codings == codingCount, "expected \(codingCount) codings, found \(codings)")

    // 5. Export back (streamed), for scale.
    let export = spawn(focuscode, ["codings", "export", "--project", projectPath, "--output", work.appendingPathComponent("export.csv").path])

    print("""
        ## Codings import: \(codingCount) codings from \(coders.count) coders into \(excerptCount) excerpts (\(String(format: "%.0f", mb)) MB of CSV)
        Setup (not timed in the table): \(excerptCount) excerpts imported and 20 codes added in \(String(format: "%.1f", setupSeconds)) s.

        | what | time | peak memory |
        |---|---|---|
        | baseline: sqlite3 inserts the same codings and reviews, IDs resolved beforehand | \(String(format: "%.1f", baseline.seconds)) s | \(String(format: "%.0f", baseline.peakMB)) MB |
        | `focuscode codings import` (decode, parse, check every row, resolve, insert \(codings) codings + \(reviews) reviews) | \(String(format: "%.1f", ours.seconds)) s | \(String(format: "%.0f", ours.peakMB)) MB |
        | ratio | \(String(format: "%.2f", ours.seconds / baseline.seconds))× | |
        | `focuscode codings export` (all rows, streamed) | \(String(format: "%.1f", export.seconds)) s | \(String(format: "%.0f", export.peakMB)) MB |
        """)
}

switch CommandLine.arguments.dropFirst().first {
case "import": try benchImport()
case "codings": try benchCodings()
default:
    print("usage: focuscode-bench import [--turns N] [--work DIR]\n       focuscode-bench codings [--excerpts N] [--codings N] [--work DIR]")
    exit(64)
}

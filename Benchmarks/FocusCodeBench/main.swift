// focuscode-bench: the performance targets of PRODUCT.md §10, measured against a baseline in the same run.
//
//   swift build -c release && .build/release/focuscode-bench import [--turns 1000000] [--work DIR]
//   swift build -c release && .build/release/focuscode-bench themes [--excerpts 1000000] [--codings 3000000] [--groups 20] [--work DIR]
//   swift build -c release && .build/release/focuscode-bench anonymise [--turns 1000000] [--work DIR]
//   swift build -c release && .build/release/focuscode-bench agreement   (see AgreementBench.swift)
//   swift build -c release && .build/release/focuscode-bench codings [--excerpts 1000000] [--codings 3000000] [--work DIR]
//   swift build -c release && .build/release/focuscode-bench suggest [--turns 100000]   (see SuggestBench.swift)
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
    // Peak memory comes from /usr/bin/time's report on the grandchild: a child started by
    // posix_spawn (vfork) inherits this (large) process's high-water RSS in its own ru_maxrss.
    let timeReport = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        ? FileManager.default.temporaryDirectory.appendingPathComponent("bench-rss-\(UUID().uuidString)").path : nil
    let command = timeReport.map { ["/usr/bin/time", "-f", "%M", "-o", $0, path] } ?? [path]
    let argv = (command + args).map { strdup($0) } + [nil]
    var pid: pid_t = 0
    let start = Date()
    let rc = posix_spawn(&pid, command[0], &fileActions, nil, argv, environ)
    precondition(rc == 0, "cannot start \(path)")
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Date().timeIntervalSince(start)
    argv.forEach { free($0) }
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    var peakKB = Double(usage.ru_maxrss)
    if let timeReport, let text = try? String(contentsOfFile: timeReport, encoding: .utf8),
       let kb = text.split(separator: "\n").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) {
        peakKB = kb
        try? FileManager.default.removeItem(atPath: timeReport)
    }
    // /usr/bin/time exits with the command's status.
    return Measured(seconds: seconds, cpuSeconds: cpu, peakMB: peakKB / 1024, status: status)
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
    // Without detectors, like the baseline; `focuscode-bench anonymise` measures what they add.
    let projectPath = work.appendingPathComponent("project.sqlite").path
    _ = spawn(focuscode, ["init", "--project", projectPath])
    let ours = spawn(focuscode, ["import", transcript.path, "--group", "G1", "--project", projectPath, "--no-detect"])
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
        | `focuscode import --no-detect` (read, parse, pseudonymise, store, index) | \(f(ours.seconds)) s | \(f(ours.cpuSeconds)) s | \(f(ours.peakMB, 0)) MB |
        | ratio (target ≤ 1.3×; memory ≤ 150 MB) | \(f(ratio, 2))× | \(f(ours.cpuSeconds / baseline.cpuSeconds, 2))× | |

        ## Full-text search over \(turns) excerpts (median of 20, top 20 by bm25)
        | query | matching rows | returned | time |
        |---|---|---|---|
        \(queryLines.joined(separator: "\n"))

        ## Start-up
        `focuscode --help`: \(String(format: "%.1f", help)) ms (median of 20; target ≤ 50 ms)
        """)
}

/// The same 1,000,000-turn import twice in one run: without detectors (`--no-detect`), and with
/// every detector on, a 1,000-entry name list, place and organisation lists and a custom pattern.
/// About one turn in ten carries an identifier (a name, a place, an e-mail address, a phone number…).
func benchAnonymise() throws {
    let turns = Int(option("--turns", "1000000"))!
    let work = URL(fileURLWithPath: option("--work", FileManager.default.temporaryDirectory.appendingPathComponent("focuscode-bench-anon").path))
    try? FileManager.default.removeItem(at: work)
    try FileManager.default.createDirectory(at: work.appendingPathComponent("keys"), withIntermediateDirectories: true)
    let focuscode = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focuscode").path

    // Invented names from syllables (never ordinary words), 1,000 distinct "First Last".
    var rng = SplitMix64(state: 2024)
    let syllables = ["tav", "rin", "osk", "ell", "mar", "vek", "lun", "dor", "qua", "zel", "bri", "fen", "gor", "hal", "jas", "kel",
                     "nim", "pol", "ryn", "sul", "tor", "ulv", "wyn", "yar"]
    func invented(_ parts: Int) -> String {
        let word = (0..<parts).map { _ in syllables[rng.below(syllables.count)] }.joined()
        return word.prefix(1).uppercased() + word.dropFirst()
    }
    var names: [String] = []
    var seen = Set<String>()
    while names.count < 1000 {
        let name = invented(2) + " " + invented(3)
        if seen.insert(name).inserted { names.append(name) }
    }
    let places = (0..<50).map { _ in invented(3) + "ton" }
    let organisations = (0..<20).map { _ in invented(2) + " Trust" }
    try names.joined(separator: "\n").write(to: work.appendingPathComponent("names.txt"), atomically: true, encoding: .utf8)
    try places.joined(separator: "\n").write(to: work.appendingPathComponent("places.txt"), atomically: true, encoding: .utf8)
    try organisations.joined(separator: "\n").write(to: work.appendingPathComponent("organisations.txt"), atomically: true, encoding: .utf8)
    try "STAFF_ID\t\\bEM-\\d{5}\\b\n".write(to: work.appendingPathComponent("patterns.txt"), atomically: true, encoding: .utf8)

    let transcript = work.appendingPathComponent("turns.csv")
    _ = FileManager.default.createFile(atPath: transcript.path, contents: nil)
    let t = try FileHandle(forWritingTo: transcript)
    let vocabulary = Vocabulary()
    var buffer = "speaker,text\n"
    var planted = 0
    for i in 1...turns {
        var text = vocabulary.turn(&rng)
        switch rng.below(100) {
        case 0..<5: text += " As " + names[rng.below(names.count)].split(separator: " ")[0] + " said."; planted += 1
        case 5..<7: text += " Ask " + names[rng.below(names.count)] + " about it."; planted += 1
        case 7: text += " It was near " + places[rng.below(places.count)] + "."; planted += 1
        case 8: text += " Mail p\(rng.below(500))@example.org today."; planted += 1
        case 9: text += " Ring 07700 900\(100 + rng.below(900))."; planted += 1
        case 10 where rng.below(5) == 0: text += " Staff EM-\(10000 + rng.below(89999))."; planted += 1
        default: break
        }
        buffer += "Speaker \(rng.below(40)),\(text)\n"
        if i % 10_000 == 0 { t.write(Data(buffer.utf8)); buffer = "" }
    }
    t.write(Data(buffer.utf8))
    try t.close()
    let mb = Double((try FileManager.default.attributesOfItem(atPath: transcript.path)[.size] as! Int)) / 1_000_000

    let plainPath = work.appendingPathComponent("plain.sqlite").path
    let defaultPath = work.appendingPathComponent("default.sqlite").path
    let anonPath = work.appendingPathComponent("anonymised.sqlite").path
    for path in [plainPath, defaultPath, anonPath] { _ = spawn(focuscode, ["init", "--project", path]) }
    let plain = spawn(focuscode, ["import", transcript.path, "--group", "G1", "--project", plainPath, "--no-detect"])
    precondition(plain.status == 0, "import --no-detect failed with status \(plain.status)")
    // The default: shape detectors and speakers' names, no lists.
    let standard = spawn(focuscode, ["import", transcript.path, "--group", "G1", "--project", defaultPath])
    precondition(standard.status == 0, "import failed with status \(standard.status)")
    let lists = ["--names", "names.txt", "--places", "places.txt", "--organisations", "organisations.txt", "--patterns", "patterns.txt"]
        .map { $0.hasSuffix(".txt") ? work.appendingPathComponent($0).path : $0 }
    let anonymised = spawn(focuscode, ["import", transcript.path, "--group", "G1", "--project", anonPath,
                                      "--key", work.appendingPathComponent("keys/bench.key").path] + lists)
    precondition(anonymised.status == 0, "anonymised import failed with status \(anonymised.status)")
    let project = try Project.open(at: anonPath)
    let counts = try project.redactionSummary()
    let replaced = counts.map(\.count).reduce(0, +)
    let byKind = counts.map { "\($0.kind) \($0.count)" }.joined(separator: ", ")

    func f(_ x: Double, _ d: Int = 1) -> String { String(format: "%.\(d)f", x) }
    print("""
        ## Anonymisation: \(turns) turns, \(f(mb, 0)) MB of CSV, \(planted) turns with a planted identifier
        | what | wall time | CPU time (user+sys) | peak memory |
        |---|---|---|---|
        | `focuscode import --no-detect` | \(f(plain.seconds)) s | \(f(plain.cpuSeconds)) s | \(f(plain.peakMB, 0)) MB |
        | `focuscode import` (the default: shape detectors and speakers' names, no lists) | \(f(standard.seconds)) s | \(f(standard.cpuSeconds)) s | \(f(standard.peakMB, 0)) MB |
        | `focuscode import` with every detector, 1,000 names, \(places.count) places, \(organisations.count) organisations, 1 pattern, key file | \(f(anonymised.seconds)) s | \(f(anonymised.cpuSeconds)) s | \(f(anonymised.peakMB, 0)) MB |
        | ratio, default / --no-detect | \(f(standard.seconds / plain.seconds, 2))× | \(f(standard.cpuSeconds / plain.cpuSeconds, 2))× | |
        | ratio, every detector / --no-detect (target ≤ 2×) | \(f(anonymised.seconds / plain.seconds, 2))× | \(f(anonymised.cpuSeconds / plain.cpuSeconds, 2))× | |

        Replaced: \(replaced) (\(byKind))
        """)
}

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
    let fillerWords = Vocabulary()
    let turns = (1...excerptCount).lazy.map { i -> Turn in
        var words: [String] = []
        for _ in 0..<12 { words.append(fillerWords.words[rng.below(200)]) }
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
    //    Each passage gets a time-ordered uid as focuscode gives it (36 characters, increasing), not the column's
    //    random default, which would make the baseline pay for random inserts into the uid index.
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
        INSERT INTO codings(uid, excerpt_id, code_id, coder_id, created_at)
          SELECT printf('019af000-0000-7000-8000-%012x', rowid), excerpt_id, code_id, coder_id, 'now' FROM raw;
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
case "themes": try benchThemes()
case "anonymise": try benchAnonymise()
case "agreement": try benchAgreement()
case "codings": try benchCodings()
case "suggest": try benchSuggest()
default:
    print("usage: focuscode-bench import|anonymise [--turns N] [--work DIR]\n       focuscode-bench themes [--excerpts N] [--codings N] [--groups N] [--work DIR]")
    print("       focuscode-bench agreement [--units N] [--coders N] [--codes N] [--work DIR] [--python PATH]")
    print("       focuscode-bench codings [--excerpts N] [--codings N] [--work DIR]")
    print("       focuscode-bench suggest [--turns N] [--themes N] [--seed N]")
    exit(64)
}

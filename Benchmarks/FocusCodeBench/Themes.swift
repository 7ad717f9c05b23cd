// focuscode-bench themes: the theme frequency report (themes with roll-up × groups: distinct excerpts and distinct
// participants, moderators left out, one coder) over a generated project, against the same figures computed by one
// plain GROUP BY query in the sqlite3 shell on the same file.
import FocusCodeKit
import Foundation

/// The GROUP BY the report replaces: every coding joined to its theme (roll-up through the code tree), its excerpt
/// and its speaker, grouped by theme and group.
let themesBaselineSQL = """
    WITH RECURSIVE tree(id, theme) AS (
      SELECT id, id FROM codes WHERE parent_id IS NULL
      UNION ALL SELECT c.id, t.theme FROM codes c JOIN tree t ON c.parent_id = t.id)
    SELECT t.theme, e.group_id, count(DISTINCT e.id) AS excerpts, count(DISTINCT e.participant_id) AS participants
    FROM codings k
    JOIN tree t ON t.id = k.code_id
    JOIN excerpts e ON e.id = k.excerpt_id
    JOIN participants p ON p.id = e.participant_id
    WHERE k.coder_id = (SELECT id FROM coders WHERE name = 'coder_a') AND p.is_moderator = 0
    GROUP BY t.theme, e.group_id
    ORDER BY t.theme, e.group_id;
    """

func benchThemes() throws {
    let excerptCount = Int(option("--excerpts", "1000000"))!
    let codingCount = Int(option("--codings", "3000000"))!
    let groupCount = Int(option("--groups", "20"))!
    let runs = Int(option("--runs", "5"))!
    let work = URL(fileURLWithPath: option("--work", FileManager.default.temporaryDirectory.appendingPathComponent("focuscode-bench-themes").path))
    try? FileManager.default.removeItem(at: work)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    guard let sqlite3 = which("sqlite3") else { fatalError("the sqlite3 shell is needed for the baseline (apt-get install sqlite3)") }
    let focuscode = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focuscode").path

    // 1. The project, by direct inserts (setup speed; the FTS index is left empty, it plays no part here).
    let path = work.appendingPathComponent("themes.sqlite").path
    let setupStart = Date()
    let project = try Project.create(at: path)
    let participantsPerGroup = 10
    var rng = SplitMix64(state: 2024)
    let vocabulary = Vocabulary()
    var participantExcerpts = 0
    try project.write { db in
        for g in 1...groupCount {
            try db.execute(sql: "INSERT INTO groups(id, name, position, created_at) VALUES (?, ?, ?, 'now')", arguments: [g, "G\(g)", g])
            try db.execute(sql: """
                INSERT INTO documents(id, group_id, file_name, format, content_hash, position, turn_count, word_count, imported_at)
                VALUES (?, ?, ?, 'csv', ?, 1, 0, 0, 'now')
                """, arguments: [g, g, "g\(g).csv", "hash-\(g)"])
        }
        // One moderator in every group, and ten participants per group.
        try db.execute(sql: "INSERT INTO participants(id, pseudonym, is_moderator, created_at) VALUES (1, 'Moderator', 1, 'now')")
        for p in 0..<(groupCount * participantsPerGroup) {
            try db.execute(sql: "INSERT INTO participants(id, pseudonym, created_at) VALUES (?, ?, 'now')",
                           arguments: [p + 2, String(format: "P%03d", p + 1)])
        }
        // The codebook: six themes with 3, 2, 5, 5, 4, 3 subthemes, as in the study.
        var codeId = 0
        var subthemes: [Int] = [], themes: [Int] = []
        for (t, n) in [3, 2, 5, 5, 4, 3].enumerated() {
            codeId += 1
            let theme = codeId
            themes.append(theme)
            try db.execute(sql: "INSERT INTO codes(id, uid, name, position, created_at) VALUES (?, ?, ?, ?, 'now')",
                           arguments: [theme, "t\(theme)", "Theme \(t + 1)", t + 1])
            for s in 0..<n {
                codeId += 1
                subthemes.append(codeId)
                try db.execute(sql: "INSERT INTO codes(id, uid, parent_id, name, position, created_at) VALUES (?, ?, ?, ?, ?, 'now')",
                               arguments: [codeId, "s\(codeId)", theme, "Subtheme \(t + 1).\(s + 1)", s + 1])
            }
        }
        try db.execute(sql: "INSERT INTO coders(id, name, uid, created_at) VALUES (1, 'coder_a', 'a', 'now')")

        let insertExcerpt = try db.makeStatement(sql: """
            INSERT INTO excerpts(id, ref, group_id, document_id, participant_id, seq, text, word_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let perGroup = excerptCount / groupCount
        var isModerator = [Bool](repeating: false, count: excerptCount + 1)
        for id in 1...excerptCount {
            let g = min(groupCount, (id - 1) / perGroup + 1)
            let seq = id - (g - 1) * perGroup
            // About one turn in ten is the moderator's.
            let moderator = rng.below(10) == 0
            let participant = moderator ? 1 : 2 + (g - 1) * participantsPerGroup + rng.below(participantsPerGroup)
            isModerator[id] = moderator
            if !moderator { participantExcerpts += 1 }
            let text = vocabulary.turn(&rng)
            try insertExcerpt.execute(arguments: [id, "G\(g)-\(seq)", g, g, participant, seq, text, 30])
        }
        // Codings: participant turns only, each with 3 or 4 distinct codes (mostly subthemes, sometimes a theme
        // alone), exactly `codingCount` in all, written in excerpt order as coding would.
        let insertCoding = try db.makeStatement(sql: "INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (?, ?, 1, 'now')")
        let base = codingCount / participantExcerpts
        var extra = codingCount % participantExcerpts
        var remaining = participantExcerpts
        for id in 1...excerptCount where !isModerator[id] {
            var k = base
            if rng.below(remaining) < extra { k += 1; extra -= 1 }
            remaining -= 1
            var chosen: [Int] = []
            while chosen.count < k {
                let code = rng.below(10) == 0 ? themes[rng.below(themes.count)] : subthemes[rng.below(subthemes.count)]
                if !chosen.contains(code) { chosen.append(code) }
            }
            for code in chosen { try insertCoding.execute(arguments: [id, code]) }
        }
    }
    let stored = try project.read { db in (try Int.fetchOne(db, sql: "SELECT count(*) FROM excerpts")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM codings")!) }
    precondition(stored == (excerptCount, codingCount), "expected \(excerptCount) excerpts and \(codingCount) codings, found \(stored)")
    try project.dbQueue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    let setup = Date().timeIntervalSince(setupStart)
    let megabytes = Double((try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int)) / 1_000_000

    // 2. The baseline: sqlite3 shell, the GROUP BY above (median of `runs`, warm cache after a first run).
    let sqlFile = work.appendingPathComponent("baseline.sql").path
    try (".mode csv\n" + themesBaselineSQL).write(toFile: sqlFile, atomically: true, encoding: .utf8)
    let baselineOut = work.appendingPathComponent("baseline.csv").path
    _ = spawn(sqlite3, ["-readonly", path], stdin: sqlFile, stdout: baselineOut)
    let baseline = median((0..<runs).map { _ in spawn(sqlite3, ["-readonly", path], stdin: sqlFile).seconds })

    // 3. FocusCode, in process: open the project and build the theme table (themes with roll-up × groups, plus the total
    // column and the denominators), median of `runs`.
    let options = ReportOptions(selection: .coder("coder_a"), level: 1)
    var report: ThemeReport!
    var inProcess: [Double] = []
    for _ in 0..<(runs + 1) {
        let start = Date()
        report = try Project.open(at: path).themeReport(options, by: .group)
        inProcess.append(Date().timeIntervalSince(start))
    }
    let ours = median(Array(inProcess.dropFirst()))

    // 4. FocusCode as a user runs it: the CLI, to CSV, as a child process like sqlite3.
    let cli = median((0..<runs).map { _ in
        spawn(focuscode, ["report", "themes", "--coder", "coder_a", "--level", "1", "--format", "csv", "--project", path]).seconds
    })

    // 5. Both give the same figures.
    let lines = try String(contentsOfFile: baselineOut, encoding: .utf8).split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map { Int($0)! } }
    var checked = 0
    for line in lines {
        let (theme, group, excerpts, participants) = (line[0], line[1], line[2], line[3])
        let row = report.rows.first { $0.code.uid == "t\(theme)" }!
        let cell = row.cells[group - 1]
        precondition(cell.excerpts == excerpts && cell.participants == participants,
                     "theme \(theme) group \(group): sqlite3 \(excerpts)/\(participants), FocusCode \(cell.excerpts)/\(cell.participants)")
        checked += 1
    }
    precondition(checked == 6 * groupCount, "expected \(6 * groupCount) theme × group cells from sqlite3, got \(checked)")

    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("""
        ## Theme report: \(excerptCount) excerpts, \(codingCount) codings (one coder), \(groupCount) groups, \(String(format: "%.0f", megabytes)) MB file
        Setup (direct inserts, not timed): \(String(format: "%.0f", setup)) s. Median of \(runs) warm runs, release build, \(cores) cores.
        | what | time | vs. sqlite3 |
        |---|---|---|
        | baseline: `sqlite3` shell, one GROUP BY (themes with roll-up × groups: distinct excerpts, distinct participants) | \(String(format: "%.2f", baseline)) s | 1.00 |
        | `Project.themeReport` in process (open, load, count; themes × groups + totals + denominators) | \(String(format: "%.3f", ours)) s | \(String(format: "%.2f", ours / baseline))× (target ≤ 1 s and < 1) |
        | `focuscode report themes --coder coder_a --level 1 --format csv` (child process) | \(String(format: "%.3f", cli)) s | \(String(format: "%.2f", cli / baseline))× |
        All \(checked) theme × group cells agree with sqlite3's (excerpts and participants).
        """)
}

// focuscode-bench agreement: every coefficient for every code on 100,000 excerpts × 5 coders × 20 codes
// (about 1,000,000 codings), from a project and from a long-form CSV, against Python's `krippendorff`
// package computing Krippendorff's α alone on the same data, in the same run.
//
//   swift build -c release && .build/release/focuscode-bench agreement [--units 100000] [--coders 5] [--codes 20]
//       [--work DIR] [--python /tmp/fc-agreement-venv/bin/python]
//
// The Python side needs a Python with `krippendorff` (and numpy); without one the run says so and goes on.
import FocusCodeKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The synthetic study: who reviewed what and which codes each coder applied.
struct AgreementBenchData {
    let units: Int, coders: Int, codes: Int
    /// reviewed[u * coders + c]
    var reviewed: [Bool]
    /// applied[(u * coders + c) * codes + k]
    var applied: [Bool]
    var codingCount = 0
    var reviewCount = 0

    /// Each coder reviews a unit with probability 0.95. Code k is present in a unit with probability
    /// 0.02 … 0.19; a coder applies a present code with probability 0.9 and an absent one with 0.02.
    init(units: Int, coders: Int, codes: Int, seed: UInt64 = 11) {
        self.units = units
        self.coders = coders
        self.codes = codes
        reviewed = [Bool](repeating: false, count: units * coders)
        applied = [Bool](repeating: false, count: units * coders * codes)
        var rng = SplitMix64(state: seed)
        func chance(_ p: Double) -> Bool { Double(rng.next() >> 11) / Double(1 << 53) < p }
        let prevalence = (0..<codes).map { 0.02 + 0.17 * Double($0) / Double(max(codes - 1, 1)) }
        var truth = [Bool](repeating: false, count: codes)
        for u in 0..<units {
            for k in 0..<codes { truth[k] = chance(prevalence[k]) }
            for c in 0..<coders where chance(0.95) {
                reviewed[u * coders + c] = true
                reviewCount += 1
                for k in 0..<codes where chance(truth[k] ? 0.9 : 0.02) {
                    applied[(u * coders + c) * codes + k] = true
                    codingCount += 1
                }
            }
        }
    }

    func unitName(_ u: Int) -> String { "B1-" + String(u + 1) }
    func coderName(_ c: Int) -> String { "coder_\(c + 1)" }
    func codeName(_ k: Int) -> String { "Code \(k + 1)" }

    /// A project written with direct SQL inserts (the import path is not what is measured).
    func writeProject(at path: String) throws {
        let project = try Project.create(at: path)
        try project.write { db in
            try db.execute(sql: """
                INSERT INTO groups(id, name, position, created_at) VALUES (1, 'B1', 1, 'now');
                INSERT INTO documents(id, group_id, file_name, format, content_hash, position, turn_count, word_count, imported_at)
                  VALUES (1, 1, 'bench.txt', 'text', 'bench', 1, 0, 0, 'now');
                INSERT INTO participants(id, pseudonym, created_at) VALUES (1, 'P01', 'now');
                """)
            let excerpt = try db.makeStatement(sql: """
                INSERT INTO excerpts(id, ref, group_id, document_id, participant_id, seq, text, word_count) VALUES (?, ?, 1, 1, 1, ?, 'turn', 1)
                """)
            for u in 0..<units { try excerpt.execute(arguments: [u + 1, unitName(u), u + 1]) }
            for k in 0..<codes {
                try db.execute(sql: "INSERT INTO codes(id, uid, name, position, created_at) VALUES (?, ?, ?, ?, 'now')",
                               arguments: [k + 1, "code-\(k + 1)", codeName(k), k])
            }
            for c in 0..<coders {
                try db.execute(sql: "INSERT INTO coders(id, name, uid, created_at) VALUES (?, ?, ?, 'now')",
                               arguments: [c + 1, coderName(c), "coder-\(c + 1)"])
            }
            let review = try db.makeStatement(sql: "INSERT INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, 'now')")
            let coding = try db.makeStatement(sql: "INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (?, ?, ?, 'now')")
            for u in 0..<units {
                for c in 0..<coders where reviewed[u * coders + c] {
                    try review.execute(arguments: [u + 1, c + 1])
                    for k in 0..<codes where applied[(u * coders + c) * codes + k] {
                        try coding.execute(arguments: [u + 1, k + 1, c + 1])
                    }
                }
            }
        }
    }

    /// The same data as long-form CSV: one row per coding, an empty code where a coder applied none.
    func writeCSV(at path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var buffer = "unit,coder,code\n"
        for u in 0..<units {
            for c in 0..<coders where reviewed[u * coders + c] {
                var any = false
                for k in 0..<codes where applied[(u * coders + c) * codes + k] {
                    buffer += "\(unitName(u)),\(coderName(c)),\(codeName(k))\n"
                    any = true
                }
                if !any { buffer += "\(unitName(u)),\(coderName(c)),\n" }
            }
            if buffer.utf8.count > 1 << 20 { handle.write(Data(buffer.utf8)); buffer = "" }
        }
        handle.write(Data(buffer.utf8))
        try handle.close()
    }

    /// For Python: per code, per coder, one line of units ('1' applied, '0' reviewed not applied, '.' missing).
    func writeReliabilityLines(at path: String) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(codes * coders * (units + 1))
        for k in 0..<codes {
            for c in 0..<coders {
                for u in 0..<units {
                    bytes.append(!reviewed[u * coders + c] ? UInt8(ascii: ".") : (applied[(u * coders + c) * codes + k] ? UInt8(ascii: "1") : UInt8(ascii: "0")))
                }
                bytes.append(UInt8(ascii: "\n"))
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

let krippendorffScript = """
    import json, sys, time
    t_start = time.perf_counter()
    import numpy as np
    import krippendorff
    codes, coders = int(sys.argv[2]), int(sys.argv[3])
    lines = open(sys.argv[1], 'rb').read().split(b'\\n')
    matrices = []
    for k in range(codes):
        rows = []
        for c in range(coders):
            a = np.frombuffer(lines[k * coders + c], dtype=np.uint8)
            rows.append(np.where(a == ord('.'), np.nan, (a == ord('1')).astype(float)))
        matrices.append(np.vstack(rows))
    t_loaded = time.perf_counter()
    alphas = [krippendorff.alpha(reliability_data=m, level_of_measurement='nominal') for m in matrices]
    t_done = time.perf_counter()
    from importlib.metadata import version
    print(json.dumps({'alpha': alphas, 'load_s': t_loaded - t_start, 'alpha_s': t_done - t_loaded,
                      'version': version('krippendorff') + ', numpy ' + np.__version__}))
    """

/// Runs a child with its standard output in a file, and returns what it wrote.
func spawnCapturing(_ path: String, _ args: [String]) -> (Measured, String) {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("fc-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let measured = spawn(path, args, stdout: out)
    return (measured, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
}

func benchAgreement() throws {
    let units = Int(option("--units", "100000"))!
    let coders = Int(option("--coders", "5"))!
    let codes = Int(option("--codes", "20"))!
    let python = option("--python", "/tmp/fc-agreement-venv/bin/python")
    let work = URL(fileURLWithPath: option("--work", FileManager.default.temporaryDirectory.appendingPathComponent("focuscode-bench-agreement").path))
    try? FileManager.default.removeItem(at: work)
    try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    let focuscode = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("focuscode").path

    // 1. The data, three ways.
    var start = Date()
    let data = AgreementBenchData(units: units, coders: coders, codes: codes)
    let projectPath = work.appendingPathComponent("agreement.sqlite").path
    let csvPath = work.appendingPathComponent("codings.csv").path
    let linesPath = work.appendingPathComponent("reliability.txt").path
    try data.writeProject(at: projectPath)
    try data.writeCSV(at: csvPath)
    try data.writeReliabilityLines(at: linesPath)
    // The lists fix the order of units, coders and codes, so the CSV gives exactly the project's report.
    let unitsPath = work.appendingPathComponent("units.csv").path
    let codersPath = work.appendingPathComponent("coders.csv").path
    let codesPath = work.appendingPathComponent("codes.csv").path
    try ("unit\n" + (0..<units).map { data.unitName($0) + "\n" }.joined()).write(toFile: unitsPath, atomically: true, encoding: .utf8)
    try ("coder\n" + (0..<coders).map { data.coderName($0) + "\n" }.joined()).write(toFile: codersPath, atomically: true, encoding: .utf8)
    try ("code\n" + (0..<codes).map { data.codeName($0) + "\n" }.joined()).write(toFile: codesPath, atomically: true, encoding: .utf8)
    func file(_ path: String) throws -> AgreementInputFile {
        AgreementInputFile(name: (path as NSString).lastPathComponent, text: try String(contentsOfFile: path, encoding: .utf8))
    }
    let csvMB = Double((try FileManager.default.attributesOfItem(atPath: csvPath)[.size] as! Int)) / 1_000_000
    FileHandle.standardError.write(Data("set up \(data.codingCount) codings, \(data.reviewCount) reviews in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n".utf8))

    // 2. In process: read the project into matrices, then every coefficient for every code (+ pooled). Median of 5.
    let project = try Project.open(at: projectPath)
    var loads: [Double] = [], computes: [Double] = []
    var report: AgreementReport? = nil
    for _ in 0..<5 {
        start = Date()
        let agreement = try project.agreementData()
        loads.append(Date().timeIntervalSince(start))
        start = Date()
        report = try agreement.report()
        computes.append(Date().timeIntervalSince(start))
    }
    let coefficientRows = report!.variables.reduce(0) { $0 + $1.coefficients.count }
    var csvLoads: [Double] = []
    var csvInput: AgreementCSVInput? = nil
    for _ in 0..<3 {
        let (codingsFile, unitsFile, codersFile, codesFile) = (try file(csvPath), try file(unitsPath), try file(codersPath), try file(codesPath))
        start = Date()
        csvInput = try AgreementCSVInput(codings: [codingsFile], units: unitsFile, coders: codersFile, codes: codesFile)
        csvLoads.append(Date().timeIntervalSince(start))
    }
    let csvText = try String(contentsOfFile: csvPath, encoding: .utf8)
    var parses: [Double] = []
    for _ in 0..<3 {
        start = Date()
        _ = try CSV.parse(csvText)
        parses.append(Date().timeIntervalSince(start))
    }
    let csvReport = try csvInput!.report()
    precondition(csvReport.csvRows() == report!.csvRows(), "the project and the CSV must give the same report")

    // 3. The command, end to end (start, open, read, compute, write CSV). Median of 3 each.
    let out = work.appendingPathComponent("out.csv").path
    let fromProject = (0..<3).map { _ in spawn(focuscode, ["agreement", "--project", projectPath, "--format", "csv", "--output", out]) }
    precondition(fromProject.allSatisfy { $0.status == 0 }, "focuscode agreement failed")
    let fromCSV = (0..<3).map { _ in spawn(focuscode, ["agreement", "--codings", csvPath, "--units", unitsPath, "--coders", codersPath, "--codes", codesPath, "--format", "csv", "--output", out]) }
    precondition(fromCSV.allSatisfy { $0.status == 0 }, "focuscode agreement --codings failed")
    let withBootstrap = spawn(focuscode, ["agreement", "--project", projectPath, "--format", "csv", "--output", out, "--bootstrap", "200", "--seed", "7"])

    // 4. Python's krippendorff, α alone, same data.
    var pythonLines: [String] = []
    let script = work.appendingPathComponent("alpha.py").path
    try krippendorffScript.write(toFile: script, atomically: true, encoding: .utf8)
    if FileManager.default.isExecutableFile(atPath: python) {
        let (measured, output) = spawnCapturing(python, [script, linesPath, String(codes), String(coders)])
        if measured.status == 0, let json = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
           let alphas = json["alpha"] as? [Double], let alphaSeconds = json["alpha_s"] as? Double, let loadSeconds = json["load_s"] as? Double {
            let ours = report!.variables.filter { $0.kind == .binary }.map { $0.result(.krippendorffAlphaNominal)?.value ?? .nan }
            let maxDifference = zip(alphas, ours).map { abs($0 - $1) }.max() ?? .nan
            pythonLines = [
                "| Python `krippendorff` \(json["version"] ?? "?"): α only, \(codes) codes (in-process time, data already loaded) | \(String(format: "%.2f", alphaSeconds)) s |",
                "| Python child process in all (start, import numpy, read, α) | \(String(format: "%.2f", measured.seconds)) s (of which start and read \(String(format: "%.2f", loadSeconds)) s) |",
                "| largest difference between its α and ours, over the \(codes) codes | \(String(format: "%.1e", maxDifference)) |",
            ]
        } else {
            pythonLines = ["| Python `krippendorff` | failed (status \(measured.status)); output: \(output.prefix(200)) |"]
        }
    } else {
        pythonLines = ["| Python `krippendorff` | not available: no \(python) (python3 -m venv /tmp/fc-agreement-venv && /tmp/fc-agreement-venv/bin/pip install krippendorff) |"]
    }

    func s(_ x: Double) -> String { String(format: "%.2f", x) }
    print("""
        ## Agreement: \(units) excerpts × \(coders) coders × \(codes) codes (\(data.codingCount) codings, \(data.reviewCount) reviews; CSV \(String(format: "%.0f", csvMB)) MB)
        Every coefficient (\(coefficientRows) rows: \(codes) codes + pooled, \(coders * (coders - 1) / 2) coder pairs) in one run.

        | what | time |
        |---|---|
        | library: read the project into matrices (median of 5) | \(s(median(loads))) s |
        | library: every coefficient for every code and pooled (median of 5) | \(s(median(computes))) s |
        | library: parse and check the CSV into matrices (median of 3) | \(s(median(csvLoads))) s, of which RFC 4180 parsing (`CSV.parse`) \(s(median(parses))) s |
        | `focuscode agreement --format csv` from the project, end to end (median of 3) | \(s(median(fromProject.map(\.seconds)))) s (CPU \(s(median(fromProject.map(\.cpuSeconds)))) s) |
        | `focuscode agreement --codings codings.csv --units … --coders … --codes … --format csv`, end to end (median of 3) | \(s(median(fromCSV.map(\.seconds)))) s (CPU \(s(median(fromCSV.map(\.cpuSeconds)))) s) |
        | the same from the project with `--bootstrap 200` (not a target) | \(s(withBootstrap.seconds)) s |
        \(pythonLines.joined(separator: "\n"))

        Target: every coefficient for every code in ≤ 1 s. (Peak memory is not shown: posix_spawn's child
        reports the benchmark's own resident set; measure it with /usr/bin/time -v.)
        """)
}

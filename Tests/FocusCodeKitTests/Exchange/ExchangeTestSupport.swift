import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// Schema validation with xmllint, and sample projects for the exchange tests.
enum RefiSchemas {
    /// `../shared/refi-qda` beside the package root (in CI a copy of shared/ sits beside the clone).
    static var folder: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.deletingLastPathComponent().appendingPathComponent("shared/refi-qda")
            }
        }
        fatalError("package root not found above \(#filePath)")
    }

    static var xmllint: String? {
        ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/opt/homebrew/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Fails (with xmllint's complaint) unless the XML is valid against `Project.xsd` or `Codebook.xsd`. Without
    /// xmllint the test is skipped: the skip is thrown here, outside any assertion's autoclosure (an XCTSkip thrown
    /// inside one is recorded as a failure).
    static func assertValid(_ xml: Data, schema: String, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) throws {
        let complaint = try validate(xml, schema: schema)
        XCTAssertNil(complaint, message, file: file, line: line)
    }

    /// Validates XML data against `Project.xsd` or `Codebook.xsd`; returns xmllint's complaint, or nil when valid.
    static func validate(_ xml: Data, schema: String) throws -> String? {
        guard let xmllint else { throw XCTSkip("xmllint is missing (Debian: apt-get install libxml2-utils)") }
        let schemaPath = folder.appendingPathComponent(schema).path
        guard FileManager.default.fileExists(atPath: schemaPath) else { throw XCTSkip("no REFI schema at \(schemaPath)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("refi-\(UUID().uuidString).xml")
        try xml.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--nonet", "--schema", schemaPath, file.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : String(decoding: message, as: UTF8.self)
    }

    /// One file of a zip archive (test helper over the importer's strict reader).
    static func unzip(_ url: URL, _ path: String) throws -> Data {
        let bytes = [UInt8](try Data(contentsOf: url))
        let directory = try ZipDirectory.read(bytes)
        guard let entry = directory[path] else { throw XCTSkip("no \(path) in \(url.lastPathComponent)") }
        return try entry.contents(of: bytes, limit: 1 << 28)
    }
}

/// A small deterministic random generator (SplitMix64), so property tests are reproducible.
struct ExchangeRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

/// Comparable views of what a round trip or merge must keep.
struct ProjectView: Equatable {
    var codes: [String]
    var coders: [String]
    var codings: [String]
    /// Pseudonym, moderator flag and attributes of each participant.
    var participants: [String] = []
    /// Kind, target (by stable key), author and text of each memo.
    var memos: [String] = []

    static func of(_ project: Project) throws -> ProjectView {
        try project.read { db in
            let tree = try CodeTree.load(db)
            let codes = tree.codes.map {
                [$0.path, $0.uid, $0.description ?? "", $0.inclusion ?? "", $0.exclusion ?? "", $0.example ?? "", $0.colour ?? "",
                 String($0.retiredFlag)].joined(separator: "|")
            }
            let coders = try Row.fetchAll(db, sql: "SELECT name, uid FROM coders ORDER BY name").map { "\($0["name"] as String)|\($0["uid"] as String)" }
            let codings = try Row.fetchAll(db, sql: """
                SELECT e.ref, k.uid, r.uid AS coder, c.span_start, c.span_end, c.note FROM codings c
                JOIN excerpts e ON e.id = c.excerpt_id JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
                """).map { row -> String in
                let s: Int? = row["span_start"], e: Int? = row["span_end"], n: String? = row["note"]
                return "\(row["ref"] as String)|\(row["uid"] as String)|\(row["coder"] as String)|\(s.map(String.init) ?? "")-\(e.map(String.init) ?? "")|\(n ?? "")"
            }.sorted()
            let participants = try Row.fetchAll(db, sql: """
                SELECT p.pseudonym, p.is_moderator, (SELECT group_concat(name || '=' || value, ';') FROM
                  (SELECT name, value FROM participant_attributes a WHERE a.participant_id = p.id ORDER BY name)) AS attrs
                FROM participants p ORDER BY p.pseudonym
                """).map { "\($0["pseudonym"] as String)|\($0["is_moderator"] as Bool)|\(($0["attrs"] as String?) ?? "")" }
            let memos = try Row.fetchAll(db, sql: """
                SELECT m.target_kind, m.author, m.text, CASE m.target_kind
                  WHEN 'group' THEN (SELECT name FROM groups WHERE id = m.target_id)
                  WHEN 'participant' THEN (SELECT pseudonym FROM participants WHERE id = m.target_id)
                  WHEN 'excerpt' THEN (SELECT ref FROM excerpts WHERE id = m.target_id)
                  WHEN 'code' THEN (SELECT uid FROM codes WHERE id = m.target_id) END AS target
                FROM memos m
                """).map { "\($0["target_kind"] as String)|\(($0["target"] as String?) ?? "")|\(($0["author"] as String?) ?? "")|\($0["text"] as String)" }.sorted()
            return ProjectView(codes: codes, coders: coders, codings: codings, participants: participants, memos: memos)
        }
    }
}

enum ExchangeSamples {
    static let words = ["workload", "training", "risk", "phone", "visits", "images", "caseload", "welfare", "isolation", "café",
                        "naïve", "children", "offending", "😩", "“quoted”", "A&E", "<tag>", "it's", "co-operation", "日本"]

    /// A random project: groups, documents, speakers, a codebook with definitions, coders and codings with spans and notes.
    static func random(in dir: TempDir, seed: UInt64, name: String = "p.sqlite") throws -> Project {
        var rng = ExchangeRandom(seed: seed)
        let project = try Project.create(at: dir.path(name))
        let groups = Int.random(in: 1...2, using: &rng)
        for g in 1...groups {
            for part in 1...Int.random(in: 1...2, using: &rng) {
                var lines: [String] = []
                for t in 0..<Int.random(in: 2...6, using: &rng) {
                    let speaker = t == 0 ? "Moderator" : "Speaker \(Int.random(in: 1...3, using: &rng))"
                    let text = (0..<Int.random(in: 3...12, using: &rng)).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
                    lines.append("\(speaker): \(text.prefix(1).uppercased() + text.dropFirst())")
                }
                try project.importText(lines.joined(separator: "\n") + "\n", name: "g\(g)p\(part)-\(seed).txt", group: "FG\(g)", in: dir)
            }
        }
        var paths: [String] = []
        for t in 0..<Int.random(in: 1...4, using: &rng) {
            let theme = "Theme \(t)"
            try project.addCode(path: theme, definition: CodeDefinitionChanges(
                description: Bool.random(using: &rng) ? "About \(t) & <more>" : nil,
                inclusion: Bool.random(using: &rng) ? "Include talk of \(t)" : nil,
                exclusion: Bool.random(using: &rng) ? "Not \(t)" : nil,
                example: Bool.random(using: &rng) ? "\"An example\"" : nil,
                colour: Bool.random(using: &rng) ? String(format: "#%06X", Int.random(in: 0...0xFFFFFF, using: &rng)) : nil))
            paths.append(theme)
            for s in 0..<Int.random(in: 0...3, using: &rng) {
                try project.addCode(path: "\(theme)/Sub \(s)")
                paths.append("\(theme)/Sub \(s)")
            }
        }
        let excerpts = try project.read { db in try Row.fetchAll(db, sql: "SELECT ref, length(text) AS n FROM excerpts") }
        let coders = (0..<Int.random(in: 1...3, using: &rng)).map { "coder_\($0)" }
        for _ in 0..<Int.random(in: 3...25, using: &rng) {
            let row = excerpts.randomElement(using: &rng)!
            let n: Int = row["n"]
            var span: Span?
            if Bool.random(using: &rng), n > 2 {
                let a = Int.random(in: 0..<(n - 1), using: &rng)
                span = Span(start: a, end: Int.random(in: (a + 1)...n, using: &rng))
            }
            try project.applyCode(paths.randomElement(using: &rng)!, to: row["ref"], coder: coders.randomElement(using: &rng)!, span: span,
                                  note: Bool.random(using: &rng) ? "note & <detail> \(Int.random(in: 0...9, using: &rng))" : nil)
        }
        if Bool.random(using: &rng), paths.count > 1 { try project.retireCode(paths.last!) }
        try project.write { db in
            let targets: [(String, String?)] = [("project", nil), ("group", "SELECT id FROM groups"), ("participant", "SELECT id FROM participants"),
                                                 ("excerpt", "SELECT id FROM excerpts"), ("code", "SELECT id FROM codes")]
            // A memo's author travels as a REFI user, so authors are coders here (see Docs/exchange.md).
            let authors = try String.fetchAll(db, sql: "SELECT name FROM coders")
            for (k, (kind, sql)) in targets.enumerated() where Bool.random(using: &rng) {
                let target = try sql.map { try Int64.fetchAll(db, sql: $0).randomElement(using: &rng)! }
                try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [kind, target, authors.randomElement(using: &rng), "Memo \(k) on \(kind) & <more>\nline two",
                                           "2026-01-0\(k + 1)T00:00:00Z", "2026-01-0\(k + 1)T00:00:00Z"])
            }
        }
        for pseudonym in try project.read({ db in try String.fetchAll(db, sql: "SELECT pseudonym FROM participants WHERE is_moderator = 0") })
        where Bool.random(using: &rng) {
            try project.setAttributes([(name: "gender", value: Bool.random(using: &rng) ? "female" : "male"),
                                       (name: "years", value: String(Int.random(in: 1...30, using: &rng)))], on: pseudonym)
        }
        return project
    }
}

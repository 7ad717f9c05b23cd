// TEST-ONLY: puts the fixture codebook and codings into a project with plain SQL.
//
// The codebook and coding commands are being written separately; until they land, the report tests need
// the fixture data in a project. This loader writes straight to the v1 schema (codes, coders, codings,
// reviews) and nothing else, so the reports are tested against the schema alone. It is not a product
// feature: it checks nothing a real import must check.
import FocusCodeKit
import Foundation
import GRDB

/// The repository's Fixtures folder and the fixture codebook and codings.
public enum FixtureData {
    /// `Fixtures/`, found from this file's path.
    public static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("Fixtures")
            }
        }
        fatalError("Fixtures folder not found above \(#filePath)")
    }

    /// A theme of the fixture codebook.
    public struct Theme: Sendable {
        public var name: String
        public var colour: String?
        public var subthemes: [String]
        public init(name: String, colour: String?, subthemes: [String]) {
            self.name = name
            self.colour = colour
            self.subthemes = subthemes
        }
    }

    /// The six themes and 22 subthemes of `codebook.yaml`, in codebook order. A minimal reader of that one
    /// file's layout: `  - name:` is a theme, `      - name:` a subtheme, `    colour:` a theme's colour.
    public static func codebook() throws -> [Theme] {
        let text = try String(contentsOf: root.appendingPathComponent("codebook.yaml"), encoding: .utf8)
        var themes: [Theme] = []
        func value(_ line: Substring, after prefix: String) -> String {
            var v = line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("  - name:") {
                themes.append(Theme(name: value(line, after: "  - name:"), colour: nil, subthemes: []))
            } else if line.hasPrefix("      - name:") {
                themes[themes.count - 1].subthemes.append(value(line, after: "      - name:"))
            } else if line.hasPrefix("    colour:") {
                themes[themes.count - 1].colour = value(line, after: "    colour:")
            }
        }
        return themes
    }

    /// One coder's codings from `codings/<file>`: excerpt ref → code paths (an empty set = reviewed, none applied).
    public static func codings(_ file: String) throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("codings").appendingPathComponent(file), encoding: .utf8)
        var out: [String: Set<String>] = [:]
        for record in try CSV.parse(text).dropFirst() {
            let ref = record.fields[0], code = record.fields[2]
            out[ref, default: []].formUnion(code.isEmpty ? [] : [code])
        }
        return out
    }

    /// The test's consensus of coder_a and coder_b, by a fixed rule: on each excerpt, the codes both applied;
    /// where they share none, coder_a's codes. (It differs from coder_a where coder_b left out one of coder_a's
    /// codes: FG1-0016, FG1-0026, FG1-0075, FG2-0009, FG2-0048.)
    public static func consensus(_ a: [String: Set<String>], _ b: [String: Set<String>]) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for ref in Set(a.keys).union(b.keys) {
            let both = (a[ref] ?? []).intersection(b[ref] ?? [])
            out[ref] = both.isEmpty ? (a[ref] ?? []) : both
        }
        return out
    }

    /// Inserts the fixture codebook (uids `code-1`, `code-2`, … in codebook order).
    public static func insertCodebook(into project: Project) throws {
        try insert(codebook: try codebook(), into: project)
    }

    /// Inserts a codebook of themes and subthemes.
    public static func insert(codebook themes: [Theme], into project: Project) throws {
        try project.write { db in
            var n = 0
            for (i, theme) in themes.enumerated() {
                n += 1
                try db.execute(sql: """
                    INSERT INTO codes(uid, parent_id, name, colour, position, created_at) VALUES (?, NULL, ?, ?, ?, '2025-01-01T00:00:00Z')
                    """, arguments: ["code-\(n)", theme.name, theme.colour, i + 1])
                let parent = db.lastInsertedRowID
                for (j, sub) in theme.subthemes.enumerated() {
                    n += 1
                    try db.execute(sql: """
                        INSERT INTO codes(uid, parent_id, name, position, created_at) VALUES (?, ?, ?, ?, '2025-01-01T00:00:00Z')
                        """, arguments: ["code-\(n)", parent, sub, j + 1])
                }
            }
        }
    }

    /// Inserts one coder's codings (excerpt ref → code paths) and a review of every excerpt listed.
    public static func insert(coder: String, codings: [String: Set<String>], into project: Project) throws {
        try project.write { db in
            try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES (?, ?, '2025-01-01T00:00:00Z')",
                           arguments: [coder, "coder-\(coder)"])
            let coderId = db.lastInsertedRowID
            var codeIds: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT c.id, c.name, p.name AS parent FROM codes c LEFT JOIN codes p ON p.id = c.parent_id") {
                let parent: String? = row["parent"]
                let name: String = row["name"]
                codeIds[parent.map { "\($0)/\(name)" } ?? name] = row["id"]
            }
            for (ref, paths) in codings.sorted(by: { $0.key < $1.key }) {
                guard let excerpt = try Int64.fetchOne(db, sql: "SELECT id FROM excerpts WHERE ref = ?", arguments: [ref]) else {
                    throw FixtureError("no excerpt \(ref)")
                }
                try db.execute(sql: "INSERT INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, '2025-01-01T00:00:00Z')",
                               arguments: [excerpt, coderId])
                for path in paths.sorted() {
                    guard let code = codeIds[path] else { throw FixtureError("no code \(path)") }
                    try db.execute(sql: """
                        INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (?, ?, ?, '2025-01-01T00:00:00Z')
                        """, arguments: [excerpt, code, coderId])
                }
            }
        }
    }

    /// The fixture codebook, coder_a, coder_b and (when `consensus`) the test consensus as the coder `consensus`.
    public static func insertCodebookAndCodings(into project: Project, consensus: Bool = true) throws {
        try insertCodebook(into: project)
        let a = try codings("coder_a.csv"), b = try codings("coder_b.csv")
        try insert(coder: "coder_a", codings: a, into: project)
        try insert(coder: "coder_b", codings: b, into: project)
        if consensus { try insert(coder: "consensus", codings: Self.consensus(a, b), into: project) }
    }

    /// A new project at `path` with FG1 and FG2 imported (moderator `Moderator`) and the participants' attributes.
    public static func importTranscripts(into path: String) throws -> Project {
        let project = try Project.create(at: path)
        var preparer = PassThroughPreparer()
        for (file, group) in [("FG1.docx", "FG1"), ("FG2.vtt", "FG2")] {
            _ = try Importer.importFiles([root.appendingPathComponent("transcripts").appendingPathComponent(file)], into: project,
                                         options: ImportOptions(group: group, moderators: ["Moderator"]), preparer: &preparer)
        }
        let csv = try String(contentsOf: root.appendingPathComponent("participants.csv"), encoding: .utf8)
        try project.importAttributes(csv: csv, fileName: "participants.csv")
        return project
    }
}

/// A problem in the test data.
public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

import Foundation
import GRDB
import ZIPFoundation

/// What an export wrote.
public struct REFIExportSummary: Sendable, Equatable {
    public var codes: Int
    public var coders: Int
    public var sources: Int
    public var selections: Int
    public var notes: Int
    /// Things the REFI format cannot carry, counted (e.g. "reviewed-with-no-code marks").
    public var notCarried: [String]
}

/// Writes REFI-QDA 1.0 files: a project (`.qdpx` zip, or a bare `.qde`) and a codebook (`.qdc`).
///
/// A pipeline of plain stages: `ExchangeSnapshot.load` reads the project, `REFIWriter` renders XML,
/// `REFIExporter` packs files. GUIDs are stable: codes and coders keep theirs; sources, selections,
/// codings, variables, cases, sets and notes get GUIDs derived from the project ID, so a re-export
/// is identical.
public enum REFIExporter {
    /// The version written into `origin`.
    public static let origin = "FocusCode 0.1.0"

    /// Exports the whole project as `.qdpx` (zip with `project.qde` and `sources/`) or `.qde` (text inline).
    @discardableResult
    public static func exportProject(_ project: Project, to url: URL, actor: String? = nil) throws -> REFIExportSummary {
        let snapshot = try project.read { db in try ExchangeSnapshot.load(db) }
        let ext = url.pathExtension.lowercased()
        guard ext == "qdpx" || ext == "qde" else { throw ExchangeError.unsupportedFile(file: url.lastPathComponent) }
        let inline = ext == "qde"
        let rendered = REFIWriter.project(snapshot, name: url.deletingPathExtension().lastPathComponent, inlineText: inline)
        do {
            let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).tmp")
            defer { try? FileManager.default.removeItem(at: temp) }
            if inline {
                try Data(rendered.xml.utf8).write(to: temp)
            } else {
                try writeZip(at: temp, files: [("project.qde", Data(rendered.xml.utf8))]
                             + rendered.sources.map { ("sources/\($0.guid).txt", Data($0.text.utf8)) })
            }
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temp, to: url)
        } catch let error as ExchangeError {
            throw error
        } catch {
            throw ExchangeError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
        try project.write { db in
            try AuditLog.record(db, actor: actor, action: "refi.export", objectKind: "project", objectRef: url.lastPathComponent,
                                detail: "codes=\(snapshot.codes.codes.count) sources=\(snapshot.documents.count) selections=\(rendered.selections)")
        }
        return REFIExportSummary(codes: snapshot.codes.codes.count, coders: snapshot.coders.count, sources: snapshot.documents.count,
                                 selections: rendered.selections, notes: rendered.notes, notCarried: snapshot.notCarried)
    }

    /// The codebook as a REFI-QDA `.qdc` document.
    public static func codebookXML(_ project: Project) throws -> String {
        let tree = try project.codebook()
        guard !tree.codes.isEmpty else {
            throw ExchangeError.badFile(file: "codebook", problem: "the codebook is empty; a .qdc file needs at least one code")
        }
        return REFIWriter.codebook(tree)
    }

    /// Writes the codebook to a `.qdc` file.
    public static func exportCodebook(_ project: Project, to url: URL) throws {
        let xml = try codebookXML(project)
        do { try Data(xml.utf8).write(to: url, options: .atomic) } catch {
            throw ExchangeError.cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// A zip with fixed time stamps, so that the same content gives the same bytes.
    static func writeZip(at url: URL, files: [(String, Data)]) throws {
        let archive = try Archive(url: url, accessMode: .create)
        let stamp = Date(timeIntervalSince1970: 1_577_836_800) // 2020-01-01
        for (path, data) in files {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: stamp,
                                 compressionMethod: .deflate, provider: { position, size in
                let start = Int(position)
                return data.subdata(in: start..<min(start + size, data.count))
            })
        }
    }
}

/// Everything an export needs, read in one transaction.
struct ExchangeSnapshot {
    struct Coder { var name: String; var uid: String }
    struct Excerpt { var id: Int64; var ref: String; var text: String; var speaker: String? }
    struct Document { var id: Int64; var fileName: String; var hash: String; var group: String; var excerpts: [Excerpt] }
    struct Coding { var excerptId: Int64; var uid: String; var codeUid: String; var coderUid: String; var span: Span?; var note: String?; var createdAt: String }
    struct Participant { var pseudonym: String; var isModerator: Bool; var attributes: [(String, String)]; var documents: Set<Int64> }
    struct Memo { var id: Int64; var kind: String; var target: String?; var author: String?; var text: String; var createdAt: String }

    var projectId: String
    var coders: [Coder]
    var codes: CodeTree
    var groups: [String]
    var documents: [Document]
    var codings: [Coding]
    var participants: [Participant]
    var memos: [Memo]
    var notCarried: [String]

    static func load(_ db: Database) throws -> ExchangeSnapshot {
        let projectId = try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'project_id'") ?? "unknown"
        let coders = try Row.fetchAll(db, sql: "SELECT name, uid FROM coders ORDER BY id").map { Coder(name: $0["name"], uid: $0["uid"]) }
        let tree = try CodeTree.load(db)
        let groups = try String.fetchAll(db, sql: "SELECT name FROM groups ORDER BY position, id")
        var documents: [Document] = []
        var byId: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT d.id, d.file_name, d.content_hash, g.name AS grp FROM documents d JOIN groups g ON g.id = d.group_id
            ORDER BY g.position, g.id, d.position, d.id
            """) {
            byId[row["id"]] = documents.count
            documents.append(Document(id: row["id"], fileName: row["file_name"], hash: row["content_hash"], group: row["grp"], excerpts: []))
        }
        var participantDocs: [String: Set<Int64>] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT e.id, e.ref, e.text, e.document_id, p.pseudonym FROM excerpts e LEFT JOIN participants p ON p.id = e.participant_id
            ORDER BY e.document_id, e.seq
            """) {
            let doc: Int64 = row["document_id"]
            let speaker: String? = row["pseudonym"]
            if let speaker { participantDocs[speaker, default: []].insert(doc) }
            if let i = byId[doc] { documents[i].excerpts.append(Excerpt(id: row["id"], ref: row["ref"], text: row["text"], speaker: speaker)) }
        }
        let codings = try Row.fetchAll(db, sql: """
            SELECT c.excerpt_id, c.uid, k.uid AS code_uid, r.uid AS coder_uid, c.span_start, c.span_end, c.note, c.created_at
            FROM codings c JOIN codes k ON k.id = c.code_id JOIN coders r ON r.id = c.coder_id
            ORDER BY c.excerpt_id, k.uid, r.uid, ifnull(c.span_start, -1), ifnull(c.span_end, -1)
            """).map { row -> Coding in
            let s: Int? = row["span_start"], e: Int? = row["span_end"]
            return Coding(excerptId: row["excerpt_id"], uid: row["uid"], codeUid: row["code_uid"], coderUid: row["coder_uid"],
                          span: s.flatMap { s in e.map { Span(start: s, end: $0) } }, note: row["note"], createdAt: row["created_at"])
        }
        var attributes: [Int64: [(String, String)]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT participant_id, name, value FROM participant_attributes ORDER BY participant_id, name") {
            attributes[row["participant_id"], default: []].append((row["name"], row["value"]))
        }
        let participants = try Row.fetchAll(db, sql: "SELECT id, pseudonym, is_moderator FROM participants ORDER BY id").map { row -> Participant in
            let pseudonym: String = row["pseudonym"]
            return Participant(pseudonym: pseudonym, isModerator: row["is_moderator"], attributes: attributes[row["id"]] ?? [],
                               documents: participantDocs[pseudonym] ?? [])
        }
        let memos = try Row.fetchAll(db, sql: """
            SELECT m.id, m.target_kind, m.author, m.text, m.created_at,
              CASE m.target_kind
                WHEN 'group' THEN (SELECT name FROM groups WHERE id = m.target_id)
                WHEN 'participant' THEN (SELECT pseudonym FROM participants WHERE id = m.target_id)
                WHEN 'excerpt' THEN (SELECT ref FROM excerpts WHERE id = m.target_id)
                WHEN 'code' THEN (SELECT uid FROM codes WHERE id = m.target_id)
              END AS target
            FROM memos m ORDER BY m.id
            """).map { Memo(id: $0["id"], kind: $0["target_kind"], target: $0["target"], author: $0["author"], text: $0["text"], createdAt: $0["created_at"]) }
        var notCarried: [String] = []
        let reviewedNone = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM reviews r WHERE NOT EXISTS (SELECT 1 FROM codings c WHERE c.excerpt_id = r.excerpt_id AND c.coder_id = r.coder_id)
            """) ?? 0
        if reviewedNone > 0 { notCarried.append("\(reviewedNone) reviewed-with-no-code marks (REFI has no such notion)") }
        let exclusive = tree.codes.filter(\.exclusiveChildren).count
        if exclusive > 0 { notCarried.append("the mutually-exclusive flag of \(exclusive) codes") }
        let timed = try Int.fetchOne(db, sql: "SELECT count(*) FROM excerpts WHERE start_ms IS NOT NULL") ?? 0
        if timed > 0 { notCarried.append("time stamps of \(timed) excerpts") }
        return ExchangeSnapshot(projectId: projectId, coders: coders, codes: tree, groups: groups, documents: documents, codings: codings,
                                participants: participants, memos: memos, notCarried: notCarried)
    }
}

/// Code definitions beyond a description (inclusion, exclusion, example) travel inside REFI's one
/// `Description`, as labelled paragraphs after the description, and are split out again on import.
enum CodeDescription {
    static let labels = [("Inclusion", \CodebookEntry.inclusion), ("Exclusion", \CodebookEntry.exclusion), ("Example", \CodebookEntry.example)]

    static func compose(description: String?, inclusion: String?, exclusion: String?, example: String?) -> String? {
        var parts: [String] = []
        if let description, !description.isEmpty { parts.append(description) }
        for (label, value) in [("Inclusion", inclusion), ("Exclusion", exclusion), ("Example", example)] {
            if let value, !value.isEmpty { parts.append("\(label): \(value)") }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// Splits a REFI description back into description, inclusion, exclusion and example.
    static func split(_ text: String?) -> (description: String?, inclusion: String?, exclusion: String?, example: String?) {
        guard let text, !text.isEmpty else { return (nil, nil, nil, nil) }
        var description: [String] = []
        var fields: [String: String] = [:]
        var current: String?
        for paragraph in text.components(separatedBy: "\n\n") {
            if let label = ["Inclusion", "Exclusion", "Example"].first(where: { paragraph.hasPrefix($0 + ": ") && fields[$0] == nil }) {
                fields[label] = String(paragraph.dropFirst(label.count + 2))
                current = label
            } else if let c = current {
                fields[c]! += "\n\n" + paragraph
            } else {
                description.append(paragraph)
            }
        }
        let d = description.joined(separator: "\n\n")
        return (d.isEmpty ? nil : d, fields["Inclusion"], fields["Exclusion"], fields["Example"])
    }
}

/// Renders REFI-QDA XML in the schemas' strict element order, never writing an empty container.
enum REFIWriter {
    struct Rendered {
        var xml: String
        var sources: [(guid: String, text: String)]
        var selections: Int
        var notes: Int
    }

    /// A document's plain text: its excerpts as `Speaker: text` paragraphs separated by a blank line,
    /// with each excerpt's text offset (in code points) within it.
    static func sourceText(_ doc: ExchangeSnapshot.Document) -> (text: String, offsets: [Int64: Int]) {
        var text = ""
        var cursor = 0
        var offsets: [Int64: Int] = [:]
        for (i, excerpt) in doc.excerpts.enumerated() {
            if i > 0 { text += "\n\n"; cursor += 2 }
            if let speaker = excerpt.speaker {
                let prefix = speaker + ": "
                text += prefix
                cursor += prefix.unicodeScalars.count
            }
            offsets[excerpt.id] = cursor
            text += excerpt.text
            cursor += excerpt.text.unicodeScalars.count
        }
        return (text, offsets)
    }

    static func codebook(_ tree: CodeTree) -> String {
        var w = XMLWriter()
        w.open("CodeBook", ["xmlns": "urn:QDA-XML:codebook:1.0", "origin": REFIExporter.origin])
        writeCodes(tree, into: &w, noteRefs: [:])
        w.close()
        return w.output
    }

    static func writeCodes(_ tree: CodeTree, into w: inout XMLWriter, noteRefs: [String: [String]]) {
        func code(_ c: Code) {
            w.open("Code", ["guid": GUID.exportable(c.uid, kind: "code"), "name": c.name, "isCodable": c.retiredFlag ? "false" : "true",
                            "color": c.colour])
            if let d = CodeDescription.compose(description: c.description, inclusion: c.inclusion, exclusion: c.exclusion, example: c.example) {
                w.textElement("Description", d)
            }
            for note in noteRefs[c.uid] ?? [] { w.empty("NoteRef", ["targetGUID": note]) }
            for child in tree.children(of: c.rowId) { code(child) }
            w.close()
        }
        w.open("Codes")
        for root in tree.children(of: nil) { code(root) }
        w.close()
    }

    static func project(_ s: ExchangeSnapshot, name: String, inlineText: Bool) -> Rendered {
        let pid = s.projectId
        func derived(_ kind: String, _ key: String) -> String { GUID.derived(kind, pid + "/" + key) }
        let coderGUID = Dictionary(s.coders.map { ($0.uid, GUID.exportable($0.uid, kind: "coder")) }, uniquingKeysWith: { a, _ in a })
        let sourceGUID = Dictionary(s.documents.map { ($0.id, derived("source", $0.hash)) }, uniquingKeysWith: { a, _ in a })

        // Notes: memos and coding notes, each with the GUID that refers to it.
        struct Note { var guid: String; var name: String; var text: String; var author: String?; var created: String? }
        var notes: [Note] = []
        var projectNotes: [String] = [], codeNotes: [String: [String]] = [:], groupNotes: [String: [String]] = [:]
        var excerptNotes: [String: [String]] = [:]
        let authorGUID = Dictionary(s.coders.map { ($0.name.lowercased(), coderGUID[$0.uid]!) }, uniquingKeysWith: { a, _ in a })
        for memo in s.memos {
            let guid = derived("memo", String(memo.id))
            let label: String
            switch memo.kind {
            case "project": label = "Project memo"; projectNotes.append(guid)
            case "code": label = "Memo on code"; codeNotes[memo.target ?? "", default: []].append(guid)
            case "group": label = "Memo on \(memo.target ?? "group")"; groupNotes[memo.target ?? "", default: []].append(guid)
            case "excerpt": label = "Memo on \(memo.target ?? "excerpt")"; excerptNotes[memo.target ?? "", default: []].append(guid)
            default: label = "Memo on participant \(memo.target ?? "")"
            }
            notes.append(Note(guid: guid, name: label, text: memo.text, author: memo.author.flatMap { authorGUID[$0.lowercased()] },
                              created: memo.createdAt))
        }

        var w = XMLWriter()
        w.open("Project", ["xmlns": "urn:QDA-XML:project:1.0", "name": name, "origin": REFIExporter.origin])
        if !s.coders.isEmpty {
            w.open("Users")
            for c in s.coders { w.empty("User", ["guid": coderGUID[c.uid], "name": c.name]) }
            w.close()
        }
        if !s.codes.codes.isEmpty {
            w.open("CodeBook")
            writeCodes(s.codes, into: &w, noteRefs: codeNotes)
            w.close()
        }
        let attributeNames = Array(Set(s.participants.flatMap { $0.attributes.map(\.0) })).sorted()
        if !attributeNames.isEmpty {
            w.open("Variables")
            for n in attributeNames { w.empty("Variable", ["guid": derived("variable", n), "name": n, "typeOfVariable": "Text"]) }
            w.close()
        }
        if !s.participants.isEmpty {
            w.open("Cases")
            for p in s.participants {
                w.open("Case", ["guid": derived("case", p.pseudonym), "name": p.pseudonym])
                if p.isModerator { w.textElement("Description", "moderator") }
                for (n, v) in p.attributes {
                    w.open("VariableValue")
                    w.empty("VariableRef", ["targetGUID": derived("variable", n)])
                    w.textElement("TextValue", v)
                    w.close()
                }
                for doc in s.documents where p.documents.contains(doc.id) { w.empty("SourceRef", ["targetGUID": sourceGUID[doc.id]]) }
                w.close()
            }
            w.close()
        }
        var sources: [(String, String)] = []
        var selections = 0
        var codingNotes: [Note] = []
        let codingsByExcerpt = Dictionary(grouping: s.codings, by: \.excerptId)
        if !s.documents.isEmpty {
            w.open("Sources")
            for doc in s.documents {
                let guid = sourceGUID[doc.id]!
                let (text, offsets) = sourceText(doc)
                w.open("TextSource", ["guid": guid, "name": doc.fileName, "plainTextPath": inlineText ? nil : "internal://\(guid).txt"])
                if inlineText { w.textElement("PlainTextContent", text) } else { sources.append((guid, text)) }
                for excerpt in doc.excerpts {
                    let base = offsets[excerpt.id]!
                    let length = excerpt.text.unicodeScalars.count
                    for coding in codingsByExcerpt[excerpt.id] ?? [] {
                        // One selection per passage, named by the passage's stable ID (a GUID already).
                        let key = coding.uid
                        let start = base + (coding.span?.start ?? 0), end = base + (coding.span?.end ?? length)
                        let user = coderGUID[coding.coderUid]
                        w.open("PlainTextSelection", ["guid": GUID.exportable(key, kind: "selection"), "name": excerpt.ref,
                                                      "startPosition": String(start), "endPosition": String(end),
                                                      "creatingUser": user, "creationDateTime": coding.createdAt])
                        w.open("Coding", ["guid": derived("coding", key), "creatingUser": user, "creationDateTime": coding.createdAt])
                        w.empty("CodeRef", ["targetGUID": GUID.exportable(coding.codeUid, kind: "code")])
                        if let note = coding.note {
                            let noteGUID = derived("coding-note", key)
                            codingNotes.append(Note(guid: noteGUID, name: "Note on \(excerpt.ref)", text: note, author: user, created: coding.createdAt))
                            w.empty("NoteRef", ["targetGUID": noteGUID])
                        }
                        w.close()
                        w.close()
                        selections += 1
                    }
                }
                for ref in doc.excerpts.map(\.ref) { for n in excerptNotes[ref] ?? [] { w.empty("NoteRef", ["targetGUID": n]) } }
                w.close()
            }
            w.close()
        }
        notes += codingNotes
        if !notes.isEmpty {
            w.open("Notes")
            for n in notes {
                w.open("Note", ["guid": n.guid, "name": n.name, "creatingUser": n.author, "creationDateTime": n.created])
                w.textElement("PlainTextContent", n.text)
                w.close()
            }
            w.close()
        }
        if !s.documents.isEmpty {
            w.open("Sets")
            for g in s.groups {
                let members = s.documents.filter { $0.group == g }
                if members.isEmpty && (groupNotes[g] ?? []).isEmpty { continue }
                w.open("Set", ["guid": derived("set", g), "name": g])
                w.textElement("Description", "focus group")
                for d in members { w.empty("MemberSource", ["targetGUID": sourceGUID[d.id]]) }
                for n in groupNotes[g] ?? [] { w.empty("MemberNote", ["targetGUID": n]) }
                w.close()
            }
            w.close()
        }
        for n in projectNotes { w.empty("NoteRef", ["targetGUID": n]) }
        w.close()
        return Rendered(xml: w.output, sources: sources, selections: selections, notes: notes.count)
    }
}

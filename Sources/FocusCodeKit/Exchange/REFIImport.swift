import Foundation
import GRDB

/// How to import a REFI-QDA file.
public struct REFIImportOptions: Sendable {
    /// Put every source into this focus group, instead of taking the group from the file's sets or source names.
    public var group: String?
    /// The coder for codings that name no user.
    public var defaultCoder: String
    /// Who is importing, for the audit log.
    public var actor: String?
    /// Do all the work and report it, then roll back: nothing is written.
    public var dryRun: Bool

    public init(group: String? = nil, defaultCoder: String = "imported", actor: String? = nil, dryRun: Bool = false) {
        self.group = group
        self.defaultCoder = defaultCoder
        self.actor = actor
        self.dryRun = dryRun
    }
}

/// What a REFI import did, and what it could not carry.
public struct REFIImportReport: Sendable, Equatable, Codable {
    public struct Source: Sendable, Equatable, Codable {
        public var name: String
        public var group: String
        /// `new`, or `existing` when the same text was imported before (its excerpts are reused).
        public var status: String
        public var excerpts: Int
        public var firstRef: String?
        /// How the file's positions were read (e.g. "Unicode code points").
        public var positions: String
        public var selections: Int
    }
    public var file: String
    public var codesCreated = 0
    public var codesUpdated = 0
    public var codesUnchanged = 0
    public var codersCreated: [String] = []
    public var codersMatched: [String] = []
    public var sources: [Source] = []
    /// Passages added, passages the project had already that got a note, and those it had already as they were.
    public var codingsAdded = 0
    public var codingsUpdated = 0
    public var codingsUnchanged = 0
    /// Passages the project holds after the import (all coders), counted from the project, not from the file.
    public var codingsHeld = 0
    public var attributesSet = 0
    public var memosAdded = 0
    /// Everything that could not be mapped, one line each; never dropped silently.
    public var problems: [String] = []
}

/// Reads REFI-QDA `.qdpx`, `.qde` and `.qdc` files as real tools write them, and imports them in one transaction.
public enum REFIImporter {
    /// The largest part we unpack from a `.qdpx` (a project document or one source text).
    static let maximumPartSize = 512 * 1024 * 1024

    /// A REFI file read into memory: the XML root and a way to get the files it refers to.
    struct Package {
        var root: XMLTreeElement
        var file: String
        /// The file at a path inside the archive; nil for a `.qde` or `.qdc` on its own.
        var sourceFile: ((String) -> Data?)?
    }

    /// The path inside a `.qdpx` that a `plainTextPath` names, or nil when it would leave the archive.
    ///
    /// `internal://` and `relative://` prefixes are dropped; an absolute path, a `..` component, a
    /// backslash, a drive letter or any other scheme (`file://`, `absolute://`) is refused, so a
    /// project file can only ever name its own parts.
    static func archivePath(_ written: String) -> String? {
        var p = written
        for prefix in ["internal://", "relative://"] where p.lowercased().hasPrefix(prefix) {
            p = String(p.dropFirst(prefix.count))
            break
        }
        guard !p.isEmpty, !p.hasPrefix("/"), !p.contains("\\"), !p.contains("://"), !p.contains(":"),
              !p.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        let components = p.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else { return nil }
        return p
    }

    /// Imports a `.qdpx`/`.qde` project (sources, codebook, users, codings, case variables) or a `.qdc` codebook.
    public static func importFile(_ url: URL, into project: Project, options: REFIImportOptions = REFIImportOptions(),
                                  preparer: inout some TurnPreparing) throws -> REFIImportReport {
        let package = try load(url)
        var report = REFIImportReport(file: package.file)
        switch package.root.name {
        case "CodeBook":
            let entries = try codebookEntries(package.root, report: &report, ours: isOurs(package.root))
            try Importer.transaction(project, dryRun: options.dryRun) { db in
                try importCodes(db, entries: entries, file: package.file, actor: options.actor, ours: isOurs(package.root), report: &report)
                try AuditLog.record(db, actor: options.actor, action: "refi.import", objectKind: "codebook", objectRef: package.file,
                                    detail: "codes_created=\(report.codesCreated) codes_updated=\(report.codesUpdated)")
            }
        case "Project":
            try importProject(package, into: project, options: options, preparer: &preparer, report: &report)
        default:
            throw ExchangeError.badFile(file: package.file, problem: "its root element is <\(package.root.name)>, not a REFI-QDA <Project> or <CodeBook>")
        }
        return report
    }

    static func isOurs(_ root: XMLTreeElement) -> Bool { root.attribute("origin")?.hasPrefix("FocusCode") ?? false }

    // MARK: - Reading files

    static func load(_ url: URL) throws -> Package {
        let file = url.lastPathComponent
        guard FileManager.default.fileExists(atPath: url.path) else { throw ProjectError.fileMissing(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ProjectError.unreadable(path: url.path, reason: error.localizedDescription) }
        func parse(_ xml: Data, part: String?) throws -> XMLTreeElement {
            switch XMLTreeParser.parse(xml) {
            case .success(let root): return root
            case .failure(let p): throw ExchangeError.badFile(file: part.map { "\(file) (\($0))" } ?? file, problem: p.problem)
            }
        }
        switch url.pathExtension.lowercased() {
        case "qdpx", "zip":
            let bytes = [UInt8](data)
            let directory: [String: ZipDirectory.Entry]
            do { directory = try ZipDirectory.read(bytes) } catch {
                throw ExchangeError.badFile(file: file, problem: "not a readable .qdpx (zip) file: \(error.problem)")
            }
            let qdeNames = directory.keys.filter { $0.lowercased().hasSuffix(".qde") && !$0.hasPrefix("__MACOSX") }
                .sorted { ($0.split(separator: "/").count, $0) < ($1.split(separator: "/").count, $1) }
            guard let qde = qdeNames.first, let entry = directory[qde] else {
                throw ExchangeError.badFile(file: file, problem: "the archive has no project document (a .qde file)")
            }
            let xml: Data
            do { xml = try entry.contents(of: bytes, limit: maximumPartSize) } catch {
                throw ExchangeError.badFile(file: file, problem: "cannot unpack \(qde): \(error.problem)")
            }
            let base = qde.contains("/") ? String(qde[..<qde.lastIndex(of: "/")!]) + "/" : ""
            var byLower: [String: ZipDirectory.Entry] = [:]
            for (k, v) in directory { byLower[k.lowercased()] = v }
            return Package(root: try parse(xml, part: qde), file: file, sourceFile: { path in
                let candidates = [base + "sources/" + path, "sources/" + path, base + path, path].map { $0.lowercased() }
                for c in candidates { if let e = byLower[c] { return try? e.contents(of: bytes, limit: maximumPartSize) } }
                return nil
            })
        case "qde", "xml":
            // A project document alone never reads other files from disk: a file sent by someone
            // else could otherwise point at the recipient's own files (see `archivePath`).
            return Package(root: try parse(data, part: nil), file: file, sourceFile: nil)
        case "qdc":
            return Package(root: try parse(data, part: nil), file: file, sourceFile: nil)
        default:
            throw ExchangeError.unsupportedFile(file: file)
        }
    }

    /// Decodes a source text: UTF-8 (BOM optional) or UTF-16 with a BOM; line breaks kept as written.
    static func decodeText(_ data: Data) -> String? {
        let b = [UInt8](data.prefix(3))
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { return String(data: data.dropFirst(3), encoding: .utf8) }
        if b.starts(with: [0xFF, 0xFE]) { return String(data: data.dropFirst(2), encoding: .utf16LittleEndian) }
        if b.starts(with: [0xFE, 0xFF]) { return String(data: data.dropFirst(2), encoding: .utf16BigEndian) }
        return String(data: data, encoding: .utf8)
    }

    // MARK: - Codebook

    /// The file's code tree as codebook entries: IDs normalised, names and colours made valid (each change reported).
    static func codebookEntries(_ container: XMLTreeElement, report: inout REFIImportReport, ours: Bool) throws -> [CodebookEntry] {
        guard let codes = container.child("Codes") else { return [] }
        var seenIds = Set<String>()
        func entries(_ parent: XMLTreeElement, path: String) -> [CodebookEntry] {
            var used = Set<String>()
            var result: [CodebookEntry] = []
            for element in parent.children("Code") {
                var name = (element.attribute("name") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                let original = name
                name = String(name.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
                name = name.replacingOccurrences(of: "/", with: "-")
                if name.isEmpty { name = "Unnamed code" }
                if name.count > 120 { name = String(name.prefix(120)).trimmingCharacters(in: .whitespaces) }
                var unique = name, n = 2
                while used.contains(unique.lowercased()) { unique = "\(name) (\(n))"; n += 1 }
                used.insert(unique.lowercased())
                if unique != original {
                    report.problems.append("code '\(path)\(original)' renamed to '\(unique)' (names cannot be empty, contain '/' or repeat among siblings)")
                }
                var id = element.attribute("guid").flatMap(GUID.normalise)
                if let i = id, !seenIds.insert(i).inserted { id = nil }
                if id == nil { report.problems.append("code '\(path)\(unique)' has no valid GUID; it is matched by name") }
                var colour = element.attribute("color")?.trimmingCharacters(in: .whitespaces)
                if let c = colour {
                    let hex = c.dropFirst()
                    if c.hasPrefix("#"), hex.count == 3, hex.allSatisfy(\.isHexDigit) {
                        colour = "#" + hex.map { "\($0)\($0)" }.joined()
                    } else if !(c.hasPrefix("#") && hex.count == 6 && hex.allSatisfy(\.isHexDigit)) {
                        report.problems.append("code '\(path)\(unique)': colour '\(c)' is not #RRGGBB; left out")
                        colour = nil
                    }
                }
                let parts = CodeDescription.split(element.child("Description")?.text)
                let retired = ours && element.attribute("isCodable")?.lowercased() == "false"
                result.append(CodebookEntry(name: unique, id: id, description: parts.description, inclusion: parts.inclusion,
                                            exclusion: parts.exclusion, example: parts.example, colour: colour, retired: retired,
                                            children: entries(element, path: path + unique + "/")))
            }
            return result
        }
        return entries(codes, path: "")
    }

    /// Adds or updates the codes inside the caller's transaction. A file GUID that is the exported form of a
    /// project code's ID, or a path the project has under another ID, is matched to that code.
    /// What REFI cannot say is kept from the project: a matched code's mutually-exclusive flag, and (for other
    /// tools' files, whose isCodable means something else) its retired flag.
    static func importCodes(_ db: Database, entries: [CodebookEntry], file: String, actor: String?, ours: Bool,
                            report: inout REFIImportReport) throws {
        guard !entries.isEmpty else { return }
        let tree = try CodeTree.load(db)
        var byExport: [String: String] = [:]
        for c in tree.codes { byExport[GUID.exportable(c.uid, kind: "code")] = c.uid }
        func adjust(_ e: CodebookEntry, parentPath: String?) -> CodebookEntry {
            var e = e
            let path = parentPath.map { $0 + "/" + e.name } ?? e.name
            if let id = e.id, let uid = byExport[id] { e.id = uid }
            if let id = e.id, !tree.codes.contains(where: { $0.uid.lowercased() == id }), let existing = tree.code(path: path) {
                report.problems.append("code '\(path)' has ID \(existing.uid) in this project, not \(id); matched by name")
                e.id = existing.uid
            }
            if let existing = e.id.flatMap({ id in tree.codes.first { $0.uid.lowercased() == id.lowercased() } }) ?? tree.code(path: path) {
                e.exclusive = existing.exclusiveChildren
                if !ours { e.retired = existing.retiredFlag }
            }
            e.children = e.children.map { adjust($0, parentPath: path) }
            return e
        }
        let document = CodebookDocument(codes: entries.map { adjust($0, parentPath: nil) })
        let flat = document.flattened()
        try Project.validateCodebookEntries(flat, fileName: file)
        let summary = try Project.importCodebook(db, entries: flat, fileName: file, actor: actor)
        report.codesCreated += summary.created
        report.codesUpdated += summary.updated
        report.codesUnchanged += summary.unchanged
    }

    // MARK: - Project

    static func importProject(_ package: Package, into project: Project, options: REFIImportOptions,
                              preparer: inout some TurnPreparing, report: inout REFIImportReport) throws {
        let root = package.root
        let file = package.file
        let ours = isOurs(root)
        let codeEntries = try root.child("CodeBook").map { try codebookEntries($0, report: &report, ours: ours) } ?? []
        // Code GUID in the file → path, to find the stored code after import.
        var pathByGUID: [String: String] = [:]
        func collect(_ element: XMLTreeElement, _ entries: [CodebookEntry], parent: String?) {
            for (el, entry) in zip(element.children("Code"), entries) {
                let path = parent.map { $0 + "/" + entry.name } ?? entry.name
                if let g = el.attribute("guid").flatMap(GUID.normalise) { pathByGUID[g] = path }
                collect(el, entry.children, parent: path)
            }
        }
        if let codes = root.child("CodeBook")?.child("Codes") { collect(codes, codeEntries, parent: nil) }

        var users: [String: String] = [:]
        for user in root.child("Users")?.children("User") ?? [] {
            guard let g = user.attribute("guid").flatMap(GUID.normalise) else { continue }
            users[g] = user.attribute("name")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        var notes: [String: String] = [:]
        for note in root.child("Notes")?.children("Note") ?? [] {
            if let g = note.attribute("guid").flatMap(GUID.normalise) { notes[g] = note.child("PlainTextContent")?.text ?? "" }
        }
        var groupBySource: [String: String] = [:]
        for set in root.child("Sets")?.children("Set") ?? [] {
            guard let name = set.attribute("name"), (try? Importer.validateGroupName(name)) != nil else { continue }
            for m in set.children("MemberSource") { if let g = m.attribute("targetGUID").flatMap(GUID.normalise), groupBySource[g] == nil { groupBySource[g] = name } }
        }

        // Read every source's text before the transaction.
        var loaded: [LoadedSource] = []
        for source in root.child("Sources")?.children ?? [] {
            let name = source.attribute("name") ?? source.attribute("guid") ?? "source"
            guard source.name == "TextSource" else {
                report.problems.append("source '\(name)' is a \(source.name); only text sources are imported")
                continue
            }
            // Every path a text source names must stay inside the archive, even one this importer
            // never reads (`path`, `richTextPath`): a file that names the recipient's disk is refused whole.
            for attribute in ["path", "richTextPath"] {
                if let written = source.attribute(attribute), archivePath(written) == nil {
                    throw ExchangeError.badFile(file: file, problem: "source '\(name)' points at '\(written)' (\(attribute)), outside the archive; "
                        + "texts are read only from inside the .qdpx, so this file is refused")
                }
            }
            var text: String?
            if let inline = source.child("PlainTextContent") {
                text = inline.text
            } else if let path = source.attribute("plainTextPath") {
                guard let sourceFile = package.sourceFile else {
                    throw ExchangeError.badFile(file: file, problem: "source '\(name)' keeps its text in '\(path)', outside this file; "
                        + "import the .qdpx archive that holds it (a project document alone never reads other files)")
                }
                guard let p = archivePath(path) else {
                    throw ExchangeError.badFile(file: file, problem: "source '\(name)' points at '\(path)', outside the archive; "
                        + "texts are read only from inside the .qdpx, so this file is refused")
                }
                guard let data = sourceFile(p) else {
                    report.problems.append("source '\(name)': its text file '\(path)' is not in the package; skipped with its codings")
                    continue
                }
                guard let t = decodeText(data) else {
                    report.problems.append("source '\(name)': its text file is not UTF-8 or UTF-16; skipped with its codings")
                    continue
                }
                text = t
            }
            guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                report.problems.append("source '\(name)' has no plain text (only rich text, or empty); skipped with its codings")
                continue
            }
            loaded.append(LoadedSource(element: source, name: name, guid: source.attribute("guid").flatMap(GUID.normalise),
                                       text: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text))
        }

        try Importer.transaction(project, dryRun: options.dryRun) { db in
            try importCodes(db, entries: codeEntries, file: file, actor: options.actor, ours: ours, report: &report)
            let tree = try CodeTree.load(db)
            var codeByGUID: [String: Code] = [:]
            for (g, path) in pathByGUID { if let c = tree.code(path: path) { codeByGUID[g] = c } }
            for c in tree.codes { codeByGUID[GUID.exportable(c.uid, kind: "code")] = c; codeByGUID[c.uid.lowercased()] = c }

            var coderIds: [String: Int64] = [:]
            func coder(_ guid: String?) throws -> Int64 {
                let key = guid ?? ""
                if let id = coderIds[key] { return id }
                let id = try resolveCoder(db, guid: guid, name: guid.flatMap { users[$0] }, fallback: options.defaultCoder, report: &report)
                coderIds[key] = id
                return id
            }

            let pid = try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'project_id'") ?? ""
            var ownDocuments: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, content_hash FROM documents") {
                ownDocuments[GUID.derived("source", pid + "/" + (row["content_hash"] as String))] = row["id"]
            }
            var sourcePlaces: [String: (group: String, excerpts: [String: Int64])] = [:]
            for source in loaded {
                let group = options.group ?? source.guid.flatMap { groupBySource[$0] } ?? groupName(from: source.name)
                let positions = SourcePositions(raw: source.text)
                let normText = String(String.UnicodeScalarView(positions.normalised))
                var excerpts: [(id: Int64, ref: String, text: String)] = []
                var ranges: [Range<Int>] = []
                var status = "new"
                var sourceGroup = group
                if let guid = source.guid, let own = ownDocuments[guid], let doc = try ownDocument(db, id: own),
                   REFIWriter.sourceText(doc).text == normText {
                    // This project's own export: the source is a stored document, its excerpts known exactly.
                    let offsets = REFIWriter.sourceText(doc).offsets
                    excerpts = doc.excerpts.map { (id: $0.id, ref: $0.ref, text: $0.text) }
                    ranges = doc.excerpts.map { offsets[$0.id]!..<(offsets[$0.id]! + $0.text.unicodeScalars.count) }
                    status = "existing"
                    sourceGroup = doc.group
                } else {
                    let turns = PlainTextReader.read(text: normText, flavour: .plain)
                    let fileName = source.name.lowercased().hasSuffix(".txt") ? source.name : source.name + ".txt"
                    let hash = Digest.sha256Hex(Data(normText.utf8))
                    let summary = try Importer.store({ body in for t in turns { try body(t) } }, fileName: fileName, format: .text,
                                                     contentHash: hash, db: db,
                                                     options: ImportOptions(group: group, actor: options.actor, keepPseudonymLabels: ours),
                                                     preparer: &preparer,
                                                     speakers: turns.compactMap(\.speaker).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } })
                    excerpts = try Row.fetchAll(db, sql: """
                        SELECT e.id, e.ref, e.text FROM excerpts e JOIN documents d ON d.id = e.document_id WHERE d.content_hash = ? ORDER BY e.seq
                        """, arguments: [hash]).map { (id: $0["id"] as Int64, ref: $0["ref"] as String, text: $0["text"] as String) }
                    ranges = locate(turns: turns, in: positions.normalised)
                    if summary.alreadyImported { status = "existing"; sourceGroup = summary.group }
                    if ranges.count != excerpts.count {
                        report.problems.append("source '\(source.name)': its \(turns.count) turns do not match the \(excerpts.count) stored excerpts; its selections are not imported")
                        ranges = []
                    }
                }
                let selections = source.element.children("PlainTextSelection")
                let raw = selections.compactMap { s -> (Int, Int)? in
                    guard let a = s.attribute("startPosition").flatMap(Int.init), let b = s.attribute("endPosition").flatMap(Int.init) else { return nil }
                    return (a, b)
                }
                // FocusCode writes code points; other exporters are judged by where their selections fall.
                let reading = ours ? positions.standard : positions.bestReading(for: raw.map { (start: $0.0, end: $0.1) })
                if let guid = source.guid { sourcePlaces[guid] = (sourceGroup, Dictionary(excerpts.map { ($0.ref, $0.id) }, uniquingKeysWith: { a, _ in a })) }
                report.sources.append(REFIImportReport.Source(name: source.name, group: sourceGroup, status: status, excerpts: excerpts.count,
                                                              firstRef: excerpts.first?.ref, positions: reading.name, selections: selections.count))
                for c in source.element.children("Coding") {
                    report.problems.append("source '\(source.name)': a coding of the whole source (code \(c.child("CodeRef")?.attribute("targetGUID") ?? "?")) is not carried; FocusCode codes excerpts")
                }
                if ranges.isEmpty { continue }
                for selection in selections {
                    let label = "source '\(source.name)', selection \(selection.attribute("guid") ?? "?")"
                    guard let a = selection.attribute("startPosition").flatMap(Int.init), let b = selection.attribute("endPosition").flatMap(Int.init),
                          let s = reading.normalised(a), let e = reading.normalised(b), s < e else {
                        report.problems.append("\(label): positions \(selection.attribute("startPosition") ?? "?")–\(selection.attribute("endPosition") ?? "?") are not a range in the text; not imported")
                        continue
                    }
                    let codings = selection.children("Coding")
                    if codings.isEmpty { continue }
                    var covered: [(Int, Span?)] = []
                    // Ranges are in text order: start at the first one ending after the selection's start.
                    var first = 0, last = ranges.count
                    while first < last {
                        let mid = (first + last) / 2
                        if ranges[mid].upperBound <= s { first = mid + 1 } else { last = mid }
                    }
                    for k in first..<ranges.count {
                        let r = ranges[k]
                        if r.lowerBound >= e { break }
                        let lo = max(s, r.lowerBound), hi = min(e, r.upperBound)
                        guard lo < hi else { continue }
                        // Relative to the excerpt, kept inside its stored text (which a preparer may have shortened).
                        let length = excerpts[k].text.unicodeScalars.count
                        let start = min(lo - r.lowerBound, length), end = min(hi - r.lowerBound, length)
                        guard start < end else { continue }
                        covered.append((k, start == 0 && end == length ? nil : Span(start: start, end: end)))
                    }
                    if covered.isEmpty {
                        report.problems.append("\(label): positions \(a)–\(b) cover no excerpt text (only speaker labels or blank lines); not imported")
                        continue
                    }
                    for coding in codings {
                        let ref = coding.child("CodeRef")?.attribute("targetGUID").flatMap(GUID.normalise)
                        guard let ref, let code = codeByGUID[ref] else {
                            report.problems.append("\(label): its code \(coding.child("CodeRef")?.attribute("targetGUID") ?? "(none)") is not in the codebook; not imported")
                            continue
                        }
                        let user = (coding.attribute("creatingUser") ?? selection.attribute("creatingUser")).flatMap(GUID.normalise)
                        let coderId = try coder(user)
                        let noteRefs = coding.children("NoteRef") + selection.children("NoteRef")
                        let note = noteRefs.compactMap { $0.attribute("targetGUID").flatMap(GUID.normalise).flatMap { notes[$0] } }.first
                        let created = xsdDateTime(coding.attribute("creationDateTime")) ?? xsdDateTime(selection.attribute("creationDateTime"))
                        // A selection across turns becomes one passage per turn; the first keeps the selection's ID
                        // (when the file has one coding of it, so that the ID names one passage).
                        let selectionUID = codings.count == 1 ? selection.attribute("guid").flatMap(GUID.normalise) : nil
                        for (n, (k, span)) in covered.enumerated() {
                            let outcome = try ExchangeStore.addCoding(db, excerptId: excerpts[k].id, codeId: code.rowId, coderId: coderId,
                                                                      span: span, note: note, createdAt: created, uid: n == 0 ? selectionUID : nil)
                            switch outcome {
                            case .applied: report.codingsAdded += 1
                            case .updated: report.codingsUpdated += 1
                            case .unchanged: report.codingsUnchanged += 1
                            }
                        }
                    }
                }
            }
            try importCases(db, root: root, report: &report)
            try importNotes(db, root: root, users: users, places: sourcePlaces, report: &report)
            report.codingsHeld = try Int.fetchOne(db, sql: "SELECT count(*) FROM codings") ?? 0
            try AuditLog.record(db, actor: options.actor, action: "refi.import", objectKind: "project", objectRef: file,
                                detail: "sources=\(report.sources.count) codes_created=\(report.codesCreated) codings_added=\(report.codingsAdded) problems=\(report.problems.count)")
            // The preparer (anonymisation) writes its key file and bookkeeping with the same commit.
            if !options.dryRun { try preparer.willCommit(db) }
        }
    }

    /// A stored document as the exporter sees it.
    static func ownDocument(_ db: Database, id: Int64) throws -> ExchangeSnapshot.Document? {
        guard let row = try Row.fetchOne(db, sql: "SELECT d.file_name, d.content_hash, g.name FROM documents d JOIN groups g ON g.id = d.group_id WHERE d.id = ?",
                                         arguments: [id]) else { return nil }
        let excerpts = try Row.fetchAll(db, sql: """
            SELECT e.id, e.ref, e.text, p.pseudonym FROM excerpts e LEFT JOIN participants p ON p.id = e.participant_id WHERE e.document_id = ? ORDER BY e.seq
            """, arguments: [id]).map { ExchangeSnapshot.Excerpt(id: $0["id"], ref: $0["ref"], text: $0["text"], speaker: $0["pseudonym"]) }
        return ExchangeSnapshot.Document(id: id, fileName: row["file_name"], hash: row["content_hash"], group: row["name"], excerpts: excerpts)
    }

    /// A time stamp kept only when it is a valid xsd:dateTime, so that a later export stays valid.
    static func xsdDateTime(_ text: String?) -> String? {
        guard let t = text?.trimmingCharacters(in: .whitespaces),
              t.range(of: #"^-?[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$"#,
                      options: .regularExpression) != nil else { return nil }
        return t
    }

    struct LoadedSource { var element: XMLTreeElement; var name: String; var guid: String?; var text: String }

    /// A group name from a source name: letters, digits and '_' of its name without extension.
    static func groupName(from sourceName: String) -> String {
        var base = sourceName
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        var out = ""
        for s in base.unicodeScalars {
            if s.isASCII, CharacterSet.alphanumerics.contains(s) { out.unicodeScalars.append(s) } else if !out.hasSuffix("_") { out += "_" }
        }
        out = String(out.trimmingCharacters(in: CharacterSet(charactersIn: "_")).prefix(32))
        return out.isEmpty ? "REFI" : out
    }

    /// Where each turn's text lies in the normalised source (code point ranges), in turn order.
    static func locate(turns: [Turn], in text: [Unicode.Scalar]) -> [Range<Int>] {
        var lineStarts = [0]
        for (i, c) in text.enumerated() where c == "\n" { lineStarts.append(i + 1) }
        var ranges: [Range<Int>] = []
        for (k, turn) in turns.enumerated() {
            let start = lineStarts[min(max(turn.line - 1, 0), lineStarts.count - 1)]
            let end = k + 1 < turns.count ? lineStarts[min(max(turns[k + 1].line - 1, 0), lineStarts.count - 1)] : text.count
            let needle = Array(turn.text.unicodeScalars)
            if let found = find(needle, in: text, from: start, to: max(end, start)) {
                ranges.append(found..<(found + needle.count))
            } else {
                // The reader changed the text (joined lines, dropped a time stamp): take the first line's place.
                let firstLine = Array(turn.text.split(separator: "\n", maxSplits: 1).first.map { String($0) }?.unicodeScalars ?? "".unicodeScalars)
                let at = find(firstLine, in: text, from: start, to: max(end, start)) ?? start
                var stop = max(end, at)
                while stop > at, text[stop - 1].properties.isWhitespace { stop -= 1 }
                ranges.append(at..<min(max(stop, at + 1), max(text.count, at)))
            }
        }
        return ranges
    }

    static func find(_ needle: [Unicode.Scalar], in text: [Unicode.Scalar], from: Int, to: Int) -> Int? {
        guard !needle.isEmpty, to - from >= needle.count else { return nil }
        var i = from
        while i + needle.count <= to {
            if text[i] == needle[0], text[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// The coder for a REFI user: by GUID, else by name, else created with the file's GUID.
    static func resolveCoder(_ db: Database, guid: String?, name: String?, fallback: String, report: inout REFIImportReport) throws -> Int64 {
        if let guid {
            for row in try Row.fetchAll(db, sql: "SELECT id, uid, name FROM coders") {
                let uid: String = row["uid"]
                if uid.lowercased() == guid || GUID.exportable(uid, kind: "coder") == guid {
                    let n: String = row["name"]
                    if !report.codersMatched.contains(n) { report.codersMatched.append(n) }
                    return row["id"]
                }
            }
        }
        var chosen = (name?.isEmpty ?? true) ? (guid == nil ? fallback : "user-" + guid!.prefix(8)) : name!
        if (try? Project.validateCoderName(chosen, allowConsensus: true)) == nil {
            chosen = String(chosen.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
                .trimmingCharacters(in: .whitespaces)
            chosen = String(chosen.prefix(64))
            if chosen.isEmpty { chosen = fallback }
        }
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM coders WHERE name = ? COLLATE NOCASE", arguments: [chosen]) {
            if !report.codersMatched.contains(chosen) { report.codersMatched.append(chosen) }
            return id
        }
        try db.execute(sql: "INSERT INTO coders(name, uid, created_at) VALUES (?, ?, ?)",
                       arguments: [chosen, guid ?? UUID().uuidString.lowercased(), Clock.nowString()])
        report.codersCreated.append(chosen)
        return db.lastInsertedRowID
    }

    /// Notes become memos: on the project (the project's `NoteRef`s and unreferenced notes), on codes, on groups
    /// (a set's `MemberNote`, or a source's `NoteRef`), on excerpts (a source's note named "Memo on FG1-0007", as
    /// FocusCode writes them) and on participants ("Memo on participant P01"). Notes on codings are coding notes,
    /// not memos. A memo that is already there (same target and text) is not added again.
    static func importNotes(_ db: Database, root: XMLTreeElement, users: [String: String],
                            places: [String: (group: String, excerpts: [String: Int64])], report: inout REFIImportReport) throws {
        var notes: [String: XMLTreeElement] = [:]
        for note in root.child("Notes")?.children("Note") ?? [] {
            if let g = note.attribute("guid").flatMap(GUID.normalise) { notes[g] = note }
        }
        guard !notes.isEmpty else { return }
        var used = Set<String>()
        for element in root.descendants("Coding") + root.descendants("PlainTextSelection") {
            for ref in element.children("NoteRef") { if let g = ref.attribute("targetGUID").flatMap(GUID.normalise) { used.insert(g) } }
        }
        func add(_ guid: String, kind: String, target: Int64?) throws {
            guard let note = notes[guid], !used.contains(guid) else { return }
            used.insert(guid)
            let text = note.child("PlainTextContent")?.text ?? ""
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM memos WHERE target_kind = ? AND target_id IS ? AND text = ?",
                                           arguments: [kind, target, text]) ?? false
            if exists { return }
            let author = note.attribute("creatingUser").flatMap(GUID.normalise).flatMap { users[$0] }
            let at = xsdDateTime(note.attribute("creationDateTime")) ?? Clock.nowString()
            try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [kind, target, author, text, at, at])
            report.memosAdded += 1
        }
        func refs(_ element: XMLTreeElement, _ name: String = "NoteRef") -> [String] {
            element.children(name).compactMap { $0.attribute("targetGUID").flatMap(GUID.normalise) }
        }
        func groupId(_ name: String) throws -> Int64? { try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [name]) }
        let tree = try CodeTree.load(db)
        for code in root.child("CodeBook")?.descendants("Code") ?? [] {
            guard let g = code.attribute("guid").flatMap(GUID.normalise),
                  let stored = tree.codes.first(where: { $0.uid.lowercased() == g || GUID.exportable($0.uid, kind: "code") == g }) else { continue }
            for n in refs(code) { try add(n, kind: "code", target: stored.rowId) }
        }
        for set in root.child("Sets")?.children("Set") ?? [] {
            guard let name = set.attribute("name"), let id = try groupId(name) else { continue }
            for n in refs(set, "MemberNote") { try add(n, kind: "group", target: id) }
        }
        for source in root.child("Sources")?.children ?? [] {
            guard let g = source.attribute("guid").flatMap(GUID.normalise), let place = places[g] else { continue }
            for n in refs(source) {
                let name = notes[n]?.attribute("name") ?? ""
                if name.hasPrefix("Memo on "), let excerpt = place.excerpts[String(name.dropFirst("Memo on ".count))] {
                    try add(n, kind: "excerpt", target: excerpt)
                } else {
                    try add(n, kind: "group", target: try groupId(place.group))
                }
            }
        }
        for n in refs(root) { try add(n, kind: "project", target: nil) }
        for (g, note) in notes.sorted(by: { $0.key < $1.key }) where !used.contains(g) {
            let name = note.attribute("name") ?? ""
            if name.hasPrefix("Memo on participant "),
               let pid = try Int64.fetchOne(db, sql: "SELECT id FROM participants WHERE pseudonym = ? COLLATE NOCASE",
                                            arguments: [String(name.dropFirst("Memo on participant ".count))]) {
                try add(g, kind: "participant", target: pid)
            } else {
                try add(g, kind: "project", target: nil)
            }
        }
    }

    /// Case variables become attributes of the participant whose pseudonym is the case's name.
    static func importCases(_ db: Database, root: XMLTreeElement, report: inout REFIImportReport) throws {
        var variables: [String: String] = [:]
        for v in root.child("Variables")?.children("Variable") ?? [] {
            if let g = v.attribute("guid").flatMap(GUID.normalise), let n = v.attribute("name") { variables[g] = n }
        }
        for c in root.child("Cases")?.children("Case") ?? [] {
            let values = c.children("VariableValue")
            guard !values.isEmpty else { continue }
            let name = c.attribute("name") ?? ""
            guard let pid = try Int64.fetchOne(db, sql: "SELECT id FROM participants WHERE pseudonym = ? COLLATE NOCASE", arguments: [name]) else {
                report.problems.append("case '\(name)' matches no participant pseudonym; its \(values.count) variable values are not imported")
                continue
            }
            for v in values {
                guard let g = v.child("VariableRef")?.attribute("targetGUID").flatMap(GUID.normalise), let vname = variables[g],
                      let value = v.children.first(where: { $0.name != "VariableRef" })?.text else { continue }
                try db.execute(sql: "INSERT INTO participant_attributes(participant_id, name, value) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value",
                               arguments: [pid, vname, value])
                report.attributesSet += 1
            }
        }
    }
}

/// Writes codings for import and merge, where the same passage may arrive more than once.
enum ExchangeStore {
    /// Adds a passage and marks the excerpt reviewed. A passage the coder has already (same code and span, or the
    /// whole turn) is kept, and gets the note when it had none; any other passage is added beside the others, overlapping
    /// or not. `uid` keeps the passage's ID from the file when the project has no passage by that ID yet.
    static func addCoding(_ db: Database, excerptId: Int64, codeId: Int64, coderId: Int64, span: Span?, note: String?,
                          createdAt: String?, uid: String? = nil) throws -> CodingOutcome {
        let now = Clock.nowString()
        let note = note.flatMap { $0.isEmpty ? nil : $0 }
        try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)", arguments: [excerptId, coderId, now])
        if let row = try Row.fetchOne(db, sql: """
            SELECT id, note FROM codings WHERE excerpt_id = ? AND code_id = ? AND coder_id = ? AND span_start IS ? AND span_end IS ?
            """, arguments: [excerptId, codeId, coderId, span?.start, span?.end]) {
            let oldNote: String? = row["note"]
            guard oldNote == nil, let note else { return .unchanged }
            try db.execute(sql: "UPDATE codings SET note = ? WHERE id = ?", arguments: [note, row["id"] as Int64])
            return .updated
        }
        let free = try uid.map { try Int.fetchOne(db, sql: "SELECT 1 FROM codings WHERE uid = ?", arguments: [$0]) == nil } ?? false
        try Project.insertPassage(db, excerptId: excerptId, codeId: codeId, coderId: coderId, span: span, note: note,
                                  createdAt: createdAt ?? now, uid: free ? uid : nil)
        return .applied
    }
}

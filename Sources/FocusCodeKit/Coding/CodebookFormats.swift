import Foundation
import Yams

/// The file formats a codebook is imported from and exported to.
public enum CodebookFormat: String, Sendable, CaseIterable {
    case yaml, json, csv, md

    /// The format a file extension names, if any.
    public init?(fileExtension: String) {
        switch fileExtension.lowercased() {
        case "yaml", "yml": self = .yaml
        case "json": self = .json
        case "csv": self = .csv
        case "md", "markdown": self = .md
        default: return nil
        }
    }
}

/// Reads and writes codebook documents. Every format carries the same fields, so each round-trips exactly.
public enum CodebookFiles {
    /// The fields of a code, in the order files list them.
    static let keys = ["name", "id", "description", "inclusion", "exclusion", "example", "colour", "exclusive", "retired", "children"]

    /// Parses a codebook file's text. Problems name the file and the line (YAML, CSV, Markdown) or the code (JSON).
    public static func read(_ text: String, format: CodebookFormat, fileName: String) throws -> CodebookDocument {
        switch format {
        case .yaml: return try readYAML(text, fileName: fileName)
        case .json: return try readJSON(text, fileName: fileName)
        case .csv: return try readCSV(text, fileName: fileName)
        case .md: return try readMarkdown(text, fileName: fileName)
        }
    }

    /// Writes a codebook document in a format.
    public static func write(_ document: CodebookDocument, format: CodebookFormat) throws -> String {
        switch format {
        case .yaml: return try writeYAML(document)
        case .json: return writeJSON(document)
        case .csv: return writeCSV(document)
        case .md: return writeMarkdown(document)
        }
    }

    // MARK: - A small tree that YAML and JSON both read into

    indirect enum Value {
        case map([(key: String, value: Value)], line: Int?)
        case list([Value], line: Int?)
        case scalar(String, line: Int?)
        case flag(Bool, line: Int?)
        case null(line: Int?)

        var line: Int? {
            switch self {
            case .map(_, let l), .list(_, let l), .scalar(_, let l), .flag(_, let l), .null(let l): return l
            }
        }
    }

    /// Reads `codes:` (or a bare list) into entries, checking every key.
    static func document(from root: Value, fileName: String) throws -> CodebookDocument {
        func fail(_ value: Value?, _ where_: String, _ problem: String) -> CodebookError {
            .badFile(file: fileName, location: value?.line.map(String.init) ?? "", problem: where_.isEmpty ? problem : "\(where_): \(problem)")
        }
        func text(_ value: Value, _ where_: String, _ key: String) throws -> String? {
            switch value {
            case .scalar(let s, _): return s
            case .null: return nil
            default: throw fail(value, where_, "'\(key)' should be text")
            }
        }
        func flag(_ value: Value, _ where_: String, _ key: String) throws -> Bool {
            switch value {
            case .flag(let b, _): return b
            case .null: return false
            case .scalar(let s, _):
                switch s.lowercased() {
                case "true", "yes", "1": return true
                case "false", "no", "0", "": return false
                default: break
                }
            default: break
            }
            throw fail(value, where_, "'\(key)' should be true or false")
        }
        func entries(_ value: Value, _ where_: String) throws -> [CodebookEntry] {
            switch value {
            case .null: return []
            case .list(let items, _):
                return try items.enumerated().map { i, item in try entry(item, "\(where_)[\(i)]") }
            default: throw fail(value, where_, "expected a list of codes")
            }
        }
        func entry(_ value: Value, _ where_: String) throws -> CodebookEntry {
            guard case .map(let pairs, _) = value else { throw fail(value, where_, "expected a code with at least a 'name'") }
            var e = CodebookEntry(name: "")
            var seen = Set<String>()
            var hasName = false
            let label = pairs.first { $0.key == "name" }.flatMap { if case .scalar(let s, _) = $0.value { return "'\(s)'" } else { return nil } }
            let here = label.map { "code \($0)" } ?? where_
            for (rawKey, v) in pairs {
                let key = rawKey == "color" ? "colour" : rawKey
                guard keys.contains(key) else {
                    throw fail(v, here, "unknown key '\(rawKey)' (a code has \(keys.joined(separator: ", ")))")
                }
                if !seen.insert(key).inserted { throw fail(v, here, "'\(key)' is given twice") }
                switch key {
                case "name": e.name = try text(v, here, key) ?? ""; hasName = true
                case "id": e.id = try text(v, here, key)
                case "description": e.description = try text(v, here, key)
                case "inclusion": e.inclusion = try text(v, here, key)
                case "exclusion": e.exclusion = try text(v, here, key)
                case "example": e.example = try text(v, here, key)
                case "colour": e.colour = try text(v, here, key)
                case "exclusive": e.exclusive = try flag(v, here, key)
                case "retired": e.retired = try flag(v, here, key)
                default: e.children = try entries(v, here + ".children")
                }
            }
            if !hasName || e.name.isEmpty { throw fail(value, here, "a code needs a 'name'") }
            for keyPath in [\CodebookEntry.description, \.inclusion, \.exclusion, \.example, \.colour, \.id] where e[keyPath: keyPath]?.isEmpty == true {
                e[keyPath: keyPath] = nil
            }
            return e
        }
        switch root {
        case .list: return CodebookDocument(codes: try entries(root, "codes"))
        case .map(let pairs, _):
            for (key, value) in pairs where key != "codes" {
                throw fail(value, "", "unknown top-level key '\(key)'; a codebook file has 'codes:' with a list of codes")
            }
            guard let codes = pairs.first(where: { $0.key == "codes" })?.value else {
                throw fail(root, "", "no 'codes:' list")
            }
            return CodebookDocument(codes: try entries(codes, "codes"))
        case .null: return CodebookDocument(codes: [])
        default: throw fail(root, "", "expected 'codes:' with a list of codes")
        }
    }

    // MARK: - YAML

    static func readYAML(_ text: String, fileName: String) throws -> CodebookDocument {
        if let (line, problem) = YAMLLimits.check(text) {
            throw CodebookError.badFile(file: fileName, location: line.map(String.init) ?? "", problem: problem)
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw CodebookError.badFile(file: fileName, location: "", problem: "not valid YAML: \(error)")
        }
        guard let node else { return CodebookDocument(codes: []) }
        return try document(from: value(node), fileName: fileName)
    }

    static func value(_ node: Node) -> Value {
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, node.null != nil { return .null(line: line) }
            return .scalar(scalar.string, line: line)
        case .mapping(let mapping):
            return .map(mapping.map { (key: $0.key.string ?? "\($0.key)", value: value($0.value)) }, line: line)
        case .sequence(let sequence):
            return .list(sequence.map(value), line: line)
        case .alias:
            return .null(line: line)
        }
    }

    static func writeYAML(_ document: CodebookDocument) throws -> String {
        func scalar(_ s: String) -> Node { .scalar(s.represented()) }
        func node(_ e: CodebookEntry) -> Node {
            var pairs: [(Node, Node)] = [(scalar("name"), scalar(e.name))]
            if let v = e.id { pairs.append((scalar("id"), scalar(v))) }
            if let v = e.description { pairs.append((scalar("description"), scalar(v))) }
            if let v = e.inclusion { pairs.append((scalar("inclusion"), scalar(v))) }
            if let v = e.exclusion { pairs.append((scalar("exclusion"), scalar(v))) }
            if let v = e.example { pairs.append((scalar("example"), scalar(v))) }
            if let v = e.colour { pairs.append((scalar("colour"), scalar(v))) }
            if e.exclusive { pairs.append((scalar("exclusive"), Node("true", Tag(.bool)))) }
            if e.retired { pairs.append((scalar("retired"), Node("true", Tag(.bool)))) }
            if !e.children.isEmpty { pairs.append((scalar("children"), .sequence(Node.Sequence(e.children.map(node))))) }
            return .mapping(Node.Mapping(pairs))
        }
        let root = Node.mapping(Node.Mapping([(scalar("codes"), .sequence(Node.Sequence(document.codes.map(node))))]))
        return try Yams.serialize(node: root, indent: 2, width: -1, allowUnicode: true)
    }

    // MARK: - JSON

    static func readJSON(_ text: String, fileName: String) throws -> CodebookDocument {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw CodebookError.badFile(file: fileName, location: "", problem: "not valid JSON (\(error.localizedDescription))")
        }
        func value(_ any: Any) -> Value {
            switch any {
            case let s as String: return .scalar(s, line: nil)
            case is NSNull: return .null(line: nil)
            case let d as [String: Any]:
                // Key order does not matter when reading; sort so that errors come out in a stable order.
                return .map(d.keys.sorted().map { (key: $0, value: value(d[$0]!)) }, line: nil)
            case let a as [Any]: return .list(a.map(value), line: nil)
            case let n as NSNumber:
                if let b = any as? Bool, n.stringValue == (b ? "1" : "0") || n.stringValue == (b ? "true" : "false") {
                    return .flag(b, line: nil)
                }
                return .map([], line: nil) // a number where text belongs: reported as the wrong kind
            default: return .null(line: nil)
            }
        }
        return try document(from: value(object), fileName: fileName)
    }

    static func writeJSON(_ document: CodebookDocument) -> String {
        func entry(_ e: CodebookEntry, indent: String) -> String {
            let inner = indent + "  "
            var fields = ["\(inner)\"name\": \(JSON.string(e.name))"]
            if let v = e.id { fields.append("\(inner)\"id\": \(JSON.string(v))") }
            if let v = e.description { fields.append("\(inner)\"description\": \(JSON.string(v))") }
            if let v = e.inclusion { fields.append("\(inner)\"inclusion\": \(JSON.string(v))") }
            if let v = e.exclusion { fields.append("\(inner)\"exclusion\": \(JSON.string(v))") }
            if let v = e.example { fields.append("\(inner)\"example\": \(JSON.string(v))") }
            if let v = e.colour { fields.append("\(inner)\"colour\": \(JSON.string(v))") }
            if e.exclusive { fields.append("\(inner)\"exclusive\": true") }
            if e.retired { fields.append("\(inner)\"retired\": true") }
            if !e.children.isEmpty { fields.append("\(inner)\"children\": \(list(e.children, indent: inner))") }
            return "\(indent){\n" + fields.joined(separator: ",\n") + "\n\(indent)}"
        }
        func list(_ entries: [CodebookEntry], indent: String) -> String {
            if entries.isEmpty { return "[]" }
            return "[\n" + entries.map { entry($0, indent: indent + "  ") }.joined(separator: ",\n") + "\n\(indent)]"
        }
        return "{\n  \"codes\": \(list(document.codes, indent: "  "))\n}\n"
    }

    // MARK: - CSV

    static let csvColumns = ["path", "id", "description", "inclusion", "exclusion", "example", "colour", "exclusive", "retired"]

    static func writeCSV(_ document: CodebookDocument) -> String {
        var out = CSV.row(csvColumns)
        for (path, _, e) in document.flattened() {
            out += CSV.row([path, e.id ?? "", e.description ?? "", e.inclusion ?? "", e.exclusion ?? "", e.example ?? "",
                            e.colour ?? "", e.exclusive ? "yes" : "no", e.retired ? "yes" : "no"])
        }
        return out
    }

    static func readCSV(_ text: String, fileName: String) throws -> CodebookDocument {
        let records: [CSVRecord]
        do { records = try CSV.parse(text) } catch {
            throw CodebookError.badFile(file: fileName, location: String(error.line), problem: error.problem)
        }
        guard let first = records.first else { return CodebookDocument(codes: []) }
        let header = CSVHeader(first)
        func bad(_ line: Int, _ problem: String) -> CodebookError { .badFile(file: fileName, location: String(line), problem: problem) }
        guard let pathColumn = header.index(of: "path") else {
            throw bad(first.line, "the header needs a 'path' column (Theme/Subtheme), then any of \(csvColumns.dropFirst().joined(separator: ", "))")
        }
        for (i, name) in header.names.enumerated() where !csvColumns.contains(name) && name != "color" {
            throw bad(first.line, "unknown column \(i + 1) '\(header.record.fields[i])' (columns: \(csvColumns.joined(separator: ", ")))")
        }
        if let dup = header.duplicates.first { throw bad(first.line, "the column '\(dup)' appears twice") }
        // Entries in file order, each pointing at its parent's index.
        var flat: [(entry: CodebookEntry, parent: Int?)] = []
        var indexByPath: [String: Int] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == header.names.count else {
                throw bad(record.line, "expected \(header.names.count) fields as in the header, found \(record.fields.count)")
            }
            func field(_ name: String) -> String? {
                let i = header.index(of: name) ?? (name == "colour" ? header.index(of: "color") : nil)
                return i.flatMap { record.fields[$0].isEmpty ? nil : CSV.restored(record.fields[$0]) }
            }
            func flag(_ name: String) throws -> Bool {
                switch field(name)?.lowercased() {
                case nil, "no", "false", "0": return false
                case "yes", "true", "1": return true
                case let other?: throw bad(record.line, "'\(name)' should be yes or no, not '\(other)'")
                }
            }
            let path = CodeTree.normalisePath(CSV.restored(record.fields[pathColumn]))
            guard !path.isEmpty else { throw bad(record.line, "the path is empty") }
            let (parentPath, name) = CodeTree.splitPath(path)
            var parent: Int?
            if let parentPath {
                guard let p = indexByPath[parentPath.lowercased()] else {
                    throw bad(record.line, "the parent '\(parentPath)' must be defined on an earlier row")
                }
                parent = p
            }
            if indexByPath[path.lowercased()] != nil { throw bad(record.line, "'\(path)' is defined twice") }
            let entry = CodebookEntry(name: name, id: field("id"), description: field("description"), inclusion: field("inclusion"),
                                      exclusion: field("exclusion"), example: field("example"), colour: field("colour"),
                                      exclusive: try flag("exclusive"), retired: try flag("retired"))
            indexByPath[path.lowercased()] = flat.count
            flat.append((entry, parent))
        }
        return CodebookDocument(codes: assemble(flat))
    }

    /// Builds the tree from a flat list where each entry names its parent's index (parents come first).
    static func assemble(_ flat: [(entry: CodebookEntry, parent: Int?)]) -> [CodebookEntry] {
        var children: [Int?: [Int]] = [:]
        for (i, item) in flat.enumerated() { children[item.parent, default: []].append(i) }
        func build(_ i: Int) -> CodebookEntry {
            var e = flat[i].entry
            e.children = (children[i] ?? []).map(build)
            return e
        }
        return (children[nil] ?? []).map(build)
    }

    // MARK: - Markdown

    static let mdInclude = "Include: ", mdExclude = "Exclude: ", mdExample = "Example: ", mdColour = "Colour: ", mdId = "ID: "
    static let mdExclusive = "Subcodes are mutually exclusive", mdRetired = "Retired"

    /// Backslash-escapes Markdown's inline markers and writes line breaks as `<br>`, so that every field is one line.
    static func mdEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\", "*", "_", "`", "<", ">", "[", "]": out.append("\\"); out.append(ch)
            case "\n": out += "<br>"
            case "\r\n": out += "<br>"
            default: out.append(ch)
            }
        }
        return out
    }

    static func mdUnescape(_ s: Substring) -> String {
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            let ch = s[i]
            if ch == "\\", s.index(after: i) < s.endIndex {
                i = s.index(after: i)
                out.append(s[i])
            } else if s[i...].hasPrefix("<br>") {
                out.append("\n")
                i = s.index(i, offsetBy: 3)
            } else {
                out.append(ch)
            }
            i = s.index(after: i)
        }
        return out
    }

    static func writeMarkdown(_ document: CodebookDocument) -> String {
        var out = "# Codebook\n\n"
        func write(_ e: CodebookEntry, depth: Int) {
            let pad = String(repeating: "  ", count: depth)
            out += "\(pad)- **\(mdEscape(e.name))**" + (e.description.map { " — " + mdEscape($0) } ?? "") + "\n"
            let inner = pad + "  - "
            if let v = e.inclusion { out += inner + mdInclude + mdEscape(v) + "\n" }
            if let v = e.exclusion { out += inner + mdExclude + mdEscape(v) + "\n" }
            if let v = e.example { out += inner + mdExample + mdEscape(v) + "\n" }
            if let v = e.colour { out += inner + mdColour + "`\(v)`\n" }
            if e.exclusive { out += inner + mdExclusive + "\n" }
            if e.retired { out += inner + mdRetired + "\n" }
            if let v = e.id { out += inner + mdId + "`\(v)`\n" }
            for child in e.children { write(child, depth: depth + 1) }
        }
        for code in document.codes { write(code, depth: 0) }
        return out
    }

    static func readMarkdown(_ text: String, fileName: String) throws -> CodebookDocument {
        var flat: [(entry: CodebookEntry, parent: Int?)] = []
        var stack: [Int] = []  // the open code at each depth
        func bad(_ line: Int, _ problem: String) -> CodebookError { .badFile(file: fileName, location: String(line), problem: problem) }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        for (n, raw) in lines.enumerated() {
            let line = n + 1
            let content = raw.drop { $0 == " " }
            if content.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if content.hasPrefix("#") {
                if !flat.isEmpty { throw bad(line, "a heading inside the list; the codebook is one nested list") }
                continue
            }
            let indent = raw.count - content.count
            guard content.hasPrefix("- "), indent % 2 == 0 else {
                throw bad(line, "expected a list item: '- **Name** — description' for a code, or '- Include: …' under it (indent by two spaces per level)")
            }
            let depth = indent / 2
            let item = content.dropFirst(2)
            if item.hasPrefix("**") {
                guard depth <= stack.count else { throw bad(line, "this code is indented more than one level below the code above it") }
                var rest = item.dropFirst(2)
                var nameEnd: Substring.Index?
                var i = rest.startIndex
                while i < rest.endIndex {
                    if rest[i] == "\\" { i = rest.index(after: i); if i < rest.endIndex { i = rest.index(after: i) }; continue }
                    if rest[i...].hasPrefix("**") { nameEnd = i; break }
                    i = rest.index(after: i)
                }
                guard let end = nameEnd else { throw bad(line, "the code name is not closed with '**'") }
                let name = mdUnescape(rest[..<end])
                rest = rest[rest.index(end, offsetBy: 2)...]
                var description: String?
                if rest.hasPrefix(" — ") { description = mdUnescape(rest.dropFirst(3)) } else if !rest.isEmpty {
                    throw bad(line, "after the name, write ' — ' and the description")
                }
                stack = Array(stack.prefix(depth))
                flat.append((CodebookEntry(name: name, description: description), stack.last))
                stack.append(flat.count - 1)
            } else {
                guard depth >= 1, depth <= stack.count else {
                    throw bad(line, "a field must be indented one level below its code's '- **Name**' line")
                }
                stack = Array(stack.prefix(depth))
                let owner = stack[depth - 1]
                func code(_ s: Substring) throws -> String {
                    guard s.hasPrefix("`"), s.hasSuffix("`"), s.count >= 2 else { throw bad(line, "write the value in backquotes, e.g. `#4477AA`") }
                    return String(s.dropFirst().dropLast())
                }
                if item.hasPrefix(mdInclude) { flat[owner].entry.inclusion = mdUnescape(item.dropFirst(mdInclude.count)) }
                else if item.hasPrefix(mdExclude) { flat[owner].entry.exclusion = mdUnescape(item.dropFirst(mdExclude.count)) }
                else if item.hasPrefix(mdExample) { flat[owner].entry.example = mdUnescape(item.dropFirst(mdExample.count)) }
                else if item.hasPrefix(mdColour) { flat[owner].entry.colour = try code(item.dropFirst(mdColour.count)) }
                else if item.hasPrefix(mdId) { flat[owner].entry.id = try code(item.dropFirst(mdId.count)) }
                else if item == mdExclusive { flat[owner].entry.exclusive = true }
                else if item == mdRetired { flat[owner].entry.retired = true }
                else {
                    throw bad(line, "unknown field; a code's fields are 'Include: ', 'Exclude: ', 'Example: ', 'Colour: ', 'ID: ', '\(mdExclusive)' and '\(mdRetired)'")
                }
            }
        }
        return CodebookDocument(codes: assemble(flat))
    }
}

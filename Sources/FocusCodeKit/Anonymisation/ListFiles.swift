import Foundation

/// A user's regular expression for identifiers FocusCode does not know (staff numbers, case
/// references): every match becomes a placeholder of its kind.
public struct CustomPattern: Sendable {
    public var kind: IdentifierKind
    public let expression: NSRegularExpression

    public init(kind: IdentifierKind, expression: NSRegularExpression) {
        self.kind = kind
        self.expression = expression
    }
}

/// Reading the option files of an anonymised import. Their messages name the file and line
/// but never quote a line's content: these files hold the very identifiers being removed.
public enum AnonymisationLists {
    /// One entry per line (names, places or organisations); blank lines and lines starting with `#` are skipped.
    public static func entries(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Reads a list file (UTF-8, UTF-16 with BOM or Windows-1252, as transcripts).
    public static func entries(file url: URL) throws -> [String] {
        entries(try readText(url))
    }

    static func readText(_ url: URL) throws -> String {
        guard FileManager.default.fileExists(atPath: url.path) else { throw ProjectError.fileMissing(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ProjectError.unreadable(path: url.path, reason: "permission denied or not a file")
        }
        return try TextDecoding.decode(data, file: url.lastPathComponent).text
    }

    /// Reads a custom-pattern file.
    public static func patterns(file url: URL) throws -> [CustomPattern] {
        try patterns(readText(url), file: url.lastPathComponent)
    }

    /// Custom patterns: one per line, `TYPE<TAB>regular expression` (or `TYPE` and the expression
    /// separated by spaces). TYPE is upper case (letters, digits, `_`), e.g. `STAFF_ID`.
    public static func patterns(_ text: String, file: String) throws -> [CustomPattern] {
        var patterns: [CustomPattern] = []
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let split = trimmed.firstIndex(where: { $0 == "\t" || $0 == " " }) else {
                throw AnonymisationError.badListLine(file: file, line: index + 1,
                                                     problem: "expected TYPE, a tab and a regular expression (e.g. STAFF_ID<TAB>\\bEM-\\d{5}\\b)")
            }
            let name = String(trimmed[..<split])
            let expression = trimmed[split...].trimmingCharacters(in: .whitespaces)
            guard let kind = IdentifierKind(rawValue: name) else {
                throw AnonymisationError.badListLine(file: file, line: index + 1,
                                                     problem: "the type must be upper-case letters, digits or '_' (e.g. STAFF_ID)")
            }
            guard !expression.isEmpty, let regex = try? NSRegularExpression(pattern: expression) else {
                throw AnonymisationError.badListLine(file: file, line: index + 1, problem: "not a valid regular expression")
            }
            if regex.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
                throw AnonymisationError.badListLine(file: file, line: index + 1, problem: "the expression matches empty text")
            }
            patterns.append(CustomPattern(kind: kind, expression: regex))
        }
        return patterns
    }

    /// A pseudonym mapping: CSV `label,pseudonym` (a header row naming them is optional).
    /// Returns normalised label → pseudonym.
    public static func pseudonyms(_ text: String, file: String) throws -> [String: String] {
        let records: [CSVRecord]
        do { records = try CSV.parse(text) } catch {
            throw AnonymisationError.badListLine(file: file, line: error.line, problem: error.problem)
        }
        var mapping: [String: String] = [:]
        var used: [String: Int] = [:]
        for record in records {
            guard record.fields.count == 2 else {
                throw AnonymisationError.badListLine(file: file, line: record.line, problem: "expected two fields: label,pseudonym")
            }
            let label = record.fields[0].trimmingCharacters(in: .whitespaces)
            let pseudonym = record.fields[1].trimmingCharacters(in: .whitespaces)
            if record.line == records.first?.line, label.lowercased() == "label", pseudonym.lowercased() == "pseudonym" { continue }
            guard !label.isEmpty else { throw AnonymisationError.badListLine(file: file, line: record.line, problem: "the label is empty") }
            guard Importer.isValidPseudonym(pseudonym) else {
                throw AnonymisationError.badListLine(file: file, line: record.line,
                                                     problem: "a pseudonym is 1–32 letters, digits, spaces, '-' or '_' and starts with a letter or digit")
            }
            if let other = used[pseudonym.lowercased()] {
                throw AnonymisationError.badListLine(file: file, line: record.line, problem: "the pseudonym is already given on line \(other)")
            }
            let key = Importer.normaliseLabel(label)
            if mapping[key] != nil {
                throw AnonymisationError.badListLine(file: file, line: record.line, problem: "this label is given twice")
            }
            used[pseudonym.lowercased()] = record.line
            mapping[key] = pseudonym
        }
        return mapping
    }
}

import Foundation

/// The words left out of counts: stop words, fillers (single words and phrases such as "you know"), and a user's own list.
public struct WordLists: Sendable, Equatable {
    /// Single words left out.
    public var words: Set<String>
    /// Phrases of two or more words, left out only where they occur together.
    public var phrases: [[String]]

    public init(words: Set<String> = [], phrases: [[String]] = []) {
        self.words = words
        self.phrases = phrases
    }

    /// Nothing left out.
    public static let none = WordLists()

    /// The English stop words and fillers shipped with FocusCode (`stopwords-en.txt`, `fillers-en.txt`).
    public static func english() throws -> WordLists {
        var lists = WordLists()
        for name in ["stopwords-en", "fillers-en"] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "txt") else {
                throw TextAnalysisError.missingResource(name + ".txt")
            }
            lists.add(try parse(String(contentsOf: url, encoding: .utf8)))
        }
        return lists
    }

    /// A user's list: one word or phrase a line, `#` starts a comment, case ignored.
    public static func load(path: String) throws -> WordLists {
        guard FileManager.default.fileExists(atPath: path) else { throw ProjectError.fileMissing(path: path) }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ProjectError.unreadable(path: path, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProjectError.unreadable(path: path, reason: "it is not UTF-8 text")
        }
        return parse(text)
    }

    /// Parses list text (see `load(path:)`).
    public static func parse(_ text: String) -> WordLists {
        var lists = WordLists()
        for line in text.split(whereSeparator: \.isNewline) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let terms = WordTokenizer.tokens(String(content)).map(\.term)
            if terms.count == 1 { lists.words.insert(terms[0]) } else if terms.count > 1 { lists.phrases.append(terms) }
        }
        return lists
    }

    /// Adds another list's words and phrases.
    public mutating func add(_ other: WordLists) {
        words.formUnion(other.words)
        for phrase in other.phrases where !phrases.contains(phrase) { phrases.append(phrase) }
    }

    /// For each token, whether it is left out: a listed word, or part of a listed phrase (within one sentence).
    public func excluded(_ tokens: [WordToken]) -> [Bool] {
        var out = tokens.map { words.contains($0.term) }
        guard !phrases.isEmpty else { return out }
        for start in tokens.indices {
            for phrase in phrases where start + phrase.count <= tokens.count {
                var match = true
                for k in 0..<phrase.count {
                    if tokens[start + k].term != phrase[k] || (k > 0 && tokens[start + k].afterBreak) { match = false; break }
                }
                if match { for k in 0..<phrase.count { out[start + k] = true } }
            }
        }
        return out
    }

    /// The terms of one turn: single words (n = 1) or runs of n adjacent words within a sentence, none left out.
    public func terms(_ tokens: [WordToken], ngram n: Int) -> [String] {
        let skip = excluded(tokens)
        if n == 1 { return tokens.indices.filter { !skip[$0] }.map { tokens[$0].term } }
        guard tokens.count >= n else { return [] }
        var terms: [String] = []
        outer: for start in 0...(tokens.count - n) {
            for k in 0..<n {
                if skip[start + k] || (k > 0 && tokens[start + k].afterBreak) { continue outer }
            }
            terms.append(tokens[start..<(start + n)].map(\.term).joined(separator: " "))
        }
        return terms
    }
}

/// Errors of the word and keyword tools and the machine coder.
public enum TextAnalysisError: CategorisedError, Equatable {
    case missingResource(String)
    case invalidOption(String)
    case emptyPattern
    case noTurns(scope: String)
    case noTrainingData(coder: String, reason: String)
    case noModel(name: String)
    case modelUnreadable(name: String, reason: String)
    case reservedMachineCoder(String)

    public var category: ErrorCategory {
        switch self {
        case .missingResource: return .io
        case .invalidOption, .emptyPattern: return .usage
        case .noTurns, .noTrainingData, .noModel, .modelUnreadable, .reservedMachineCoder: return .badData
        }
    }

    public var errorDescription: String? {
        switch self {
        case .missingResource(let name):
            return "the word list \(name) is missing from the FocusCode resources; reinstall focuscode (the FocusCode_FocusCodeKit resource bundle must sit next to the binary)."
        case .invalidOption(let message):
            return message
        case .emptyPattern:
            return "the pattern is empty; give a word, a phrase, or a word with * (e.g. \"isolat*\")."
        case .noTurns(let scope):
            return "no turns \(scope); check --group, --speaker, --code and --coder ('focuscode excerpts' with the same options lists them)."
        case .noTrainingData(let coder, let reason):
            return "cannot learn from coder '\(coder)': \(reason)."
        case .noModel(let name):
            return "no trained model\(name == "(any)" ? "" : " '\(name)'") in this project; run 'focuscode suggest train --coder NAME' first."
        case .modelUnreadable(let name, let reason):
            return "the stored model '\(name)' cannot be read (\(reason)); train it again with 'focuscode suggest train'."
        case .reservedMachineCoder(let name):
            return "'\(name)' has codings of its own that are not machine suggestions; choose another name with --as."
        }
    }
}

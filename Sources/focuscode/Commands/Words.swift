import ArgumentParser
import FocusCodeKit

/// `--group`, `--speaker`, `--code`, `--coder`, `--include-moderator`: which turns the word tools read.
struct WordScopeOptions: ParsableArguments {
    @Option(name: .long, help: "Only this group, e.g. FG1.") var group: String?
    @Option(name: .long, help: "Only this participant's turns, by pseudonym (e.g. P03).") var speaker: String?
    @Option(name: .long, help: "Only turns coded with this code or any of its subcodes (path or ID).") var code: String?
    @Option(name: .long, help: "With --code (or --by code): whose codings count. Alone: turns this coder coded.") var coder: String?
    @Flag(name: .long, help: "Count the moderator's turns too (left out by default).") var includeModerator = false

    var scope: WordScope {
        WordScope(group: group, speaker: speaker, code: code, coder: coder, includeModerator: includeModerator)
    }
}

extension FocusCode {
    struct Words: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Word frequencies in the turns of a theme, group or speaker: counts and the share of turns using each term.",
            discussion: """
                Words are case-folded; apostrophes and hyphens inside a word stay ("don't", "uh-huh"); placeholders such as [NAME-3] never count. English stop words and spoken fillers ("um", "uh-huh", "you know") are left out unless --all-words; --stopwords FILE adds your own list (one word or phrase a line, # comments). --ngram 2 counts pairs of adjacent words within a sentence. Moderator turns are left out unless --include-moderator.

                Columns: count (occurrences), turns (turns containing the term), share_of_turns (turns ÷ turns in scope, per breakdown value with --by).

                Examples:
                  focuscode words --code "Impact of Covid-19" --coder coder_a --top 30
                  focuscode words --group FG1 --by speaker --format csv
                  focuscode words --by code --coder coder_a --level 1 --top 5
                  focuscode words --ngram 2 --stopwords my-stopwords.txt --format json
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: FormatOptions
        @OptionGroup var scope: WordScopeOptions
        @Option(name: .long, help: "Break the counts down: speaker, group or code (top terms of each).") var by: WordBreakdown?
        @Option(name: .long, help: "How many terms to list (per breakdown value).") var top: Int = 20
        @Option(name: .long, help: "Count runs of N adjacent words (1–5).") var ngram: Int = 1
        @Option(name: .long, help: ArgumentHelp("More words or phrases to leave out: one a line.", valueName: "file")) var stopwords: String?
        @Flag(name: .long, help: "Count stop words and fillers too.") var allWords = false
        @Option(name: .long, help: "With --by code: the deepest codebook level listed (1 = themes).") var level: Int?

        func validate() throws {
            if top < 1 { throw ValidationError("--top must be at least 1.") }
            if !(1...5).contains(ngram) { throw ValidationError("--ngram must be 1 to 5.") }
            if let level, level < 1 { throw ValidationError("--level must be at least 1.") }
            if level != nil, by != .code { throw ValidationError("--level goes with --by code.") }
        }

        func run() throws {
            var excluded = allWords ? WordLists.none : try WordLists.english()
            if let stopwords { excluded.add(try WordLists.load(path: stopwords)) }
            let options = WordFrequencyOptions(ngram: ngram, top: top, by: by ?? .none, excluded: excluded, level: level)
            output.print(WordTables.frequencies(try project.open().wordFrequencies(scope.scope, options: options)))
        }
    }

    struct Kwic: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kwic",
            abstract: "Keyword in context: every occurrence of a word or phrase, with the text around it and its excerpt ID.",
            discussion: """
                The pattern is one or more words, matched case-insensitively against whole words; * stands for any run of characters ("isolat*" finds isolated, isolation, isolating). A phrase matches adjacent words within one sentence. Moderator turns are left out unless --include-moderator.

                Examples:
                  focuscode kwic "isolat*" --group FG1 --width 40
                  focuscode kwic "remote supervision" --code "Role of policing" --coder coder_a
                  focuscode kwic "lockdown" --format csv
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: FormatOptions
        @OptionGroup var scope: WordScopeOptions
        @Argument(help: "The word or phrase; * is a wildcard.") var pattern: String
        @Option(name: .long, help: "Characters of context on each side.") var width: Int = 40
        @Option(name: .long, help: "At most this many lines.") var limit: Int?

        func validate() throws {
            if width < 1 { throw ValidationError("--width must be at least 1.") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() throws {
            let lines = try project.open().keywordsInContext(pattern, scope: scope.scope, width: width, limit: limit)
            output.print(WordTables.keywordsInContext(lines))
        }
    }
}

extension WordBreakdown: ExpressibleByArgument {
    public static var allValueStrings: [String] { ["speaker", "group", "code"] }
}

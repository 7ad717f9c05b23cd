import ArgumentParser
import FocusCodeKit

extension FocusCode {
    struct Excerpts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List excerpts (speaker turns) with their stable IDs, speaker, time and text.",
            discussion: """
                Examples:
                  focuscode excerpts --group FG1 --speaker P03
                  focuscode excerpts --group FG2 --limit 10 --format json
                  focuscode excerpts --code "Offender profiles" --coder alice   # a theme includes its subthemes
                  focuscode excerpts --group FG1 --uncoded --coder alice
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: FormatOptions
        @Option(name: .long, help: "Only this group, e.g. FG1.") var group: String?
        @Option(name: .long, help: "Only this participant's turns, by pseudonym (e.g. P03) or Moderator.") var speaker: String?
        @Option(name: .long, help: "At most this many excerpts.") var limit: Int?
        @Option(name: .long, help: "Skip this many excerpts first.") var offset: Int = 0
        @Option(name: .long, help: "Only excerpts coded with this code or any of its subcodes (path or ID).") var code: String?
        @Option(name: .long, help: "With --code or --uncoded: whose coding counts. Alone: excerpts this coder has coded.") var coder: String?
        @Flag(name: .long, help: "Only excerpts not yet reviewed by --coder (or by anyone).") var uncoded = false

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
            if offset < 0 { throw ValidationError("--offset cannot be negative.") }
            if uncoded, code != nil { throw ValidationError("--uncoded and --code exclude each other.") }
        }

        func run() throws {
            let filter = ExcerptFilter(group: group, speaker: speaker, limit: limit, offset: offset, code: code, coder: coder, uncoded: uncoded)
            output.print(Listings.excerpts(try project.open().excerpts(filter)))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one excerpt in full, with the turns around it.",
            discussion: """
                Examples:
                  focuscode show FG1-0007
                  focuscode show FG1-0007 --context 2
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: FormatOptions
        @Argument(help: "The excerpt ID, e.g. FG1-0007.") var excerpt: String
        @Option(name: .long, help: "How many turns before and after to show.") var context: Int = 0

        func validate() throws {
            if context < 0 { throw ValidationError("--context cannot be negative.") }
        }

        func run() throws {
            let (before, focus, after) = try project.open().excerpt(excerpt, context: context)
            if output.format != .table {
                output.print(Listings.excerpts(before + [focus] + after))
                return
            }
            for view in before { Console.out(ExcerptText.block(view, focus: false)) }
            Console.out(ExcerptText.block(focus, focus: true))
            for view in after { Console.out(ExcerptText.block(view, focus: false)) }
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Full-text search over excerpts (SQLite FTS5), best matches first, with highlighted snippets.",
            discussion: """
                Query syntax: words (all must match), "exact phrases", AND / OR / NOT in capitals, prefix* and NEAR(a b, 5). Case and accents are ignored.

                Examples:
                  focuscode search "training AND workload"
                  focuscode search "remote supervision" --group FG2 --limit 5
                  focuscode search 'phone* NOT visit' --format csv
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: FormatOptions
        @Argument(help: "The query.") var query: String
        @Option(name: .long, help: "Only this group.") var group: String?
        @Option(name: .long, help: "At most this many results.") var limit: Int = 20

        func validate() throws {
            if limit < 1 { throw ValidationError("--limit must be at least 1.") }
        }

        func run() throws {
            let hits = try project.open().search(query, group: group, limit: limit)
            let (open, close) = output.format == .table && Console.isTerminal ? ("\u{1B}[1m", "\u{1B}[0m") : ("**", "**")
            output.print(Listings.search(hits, open: open, close: close))
        }
    }
}

/// How one excerpt reads on screen in `show`.
enum ExcerptText {
    static func block(_ view: ExcerptView, focus: Bool) -> String {
        var head = "\(view.ref)  \(view.speaker ?? "(no speaker)")"
        if let start = view.startMs { head += "  [\(formatTime(start))" + (view.endMs.map { "–\(formatTime($0))" } ?? "") + "]" }
        let marker = focus ? "▶ " : "  "
        let body = view.text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        return marker + (focus ? Console.bold(head) : head) + "\n" + body + "\n"
    }
}

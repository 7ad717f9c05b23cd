import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Autocode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a code to every excerpt matching a regular expression or a full-text query, after a preview.",
            discussion: """
                The matches are always shown first. --preview shows them and writes nothing. Without it, on a \
                terminal you are asked to confirm; off a terminal (a script) --yes is required. Codes are applied \
                as the named coder, like 'focuscode code'; moderators' turns are left out unless \
                --include-moderator. --regex is case-insensitive (ICU syntax); --query uses FTS5 syntax, as \
                'focuscode search'. Each matching passage is coded as a passage of its turn (every match of \
                the regular expression; the words that the query matched); --whole-turn codes the whole turn instead.

                Examples:
                  focuscode autocode --regex "\\\\btrain(ing|ed)\\\\b" --code "Role of policing/Training needs" --coder auto --preview
                  focuscode autocode --query "phone NEAR visit" --code "Impact of Covid-19/Risk management by phone" --coder auto --yes
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var coderOptions: CoderOptions
        @Option(name: .long, help: "A regular expression (case-insensitive).") var regex: String?
        @Option(name: .long, help: "A full-text query (FTS5).") var query: String?
        @Option(name: .long, help: "The code to apply: path or ID.") var code: String
        @Option(name: .long, help: "Only this group.") var group: String?
        @Flag(name: .customLong("include-moderator"), help: "Include moderators' turns.") var includeModerator = false
        @Flag(name: .customLong("whole-turn"), help: "Code each matching turn as a whole, not the matching passages.") var wholeTurn = false
        @Flag(name: .long, help: "Show the matches and write nothing.") var preview = false
        @Flag(name: .long, help: "Apply without asking (needed off a terminal).") var yes = false
        @Option(name: .long, help: "Output format of the preview: table, csv or json.") var format: OutputFormat = .table

        func validate() throws {
            if (regex == nil) == (query == nil) { throw ValidationError("Give exactly one of --regex PATTERN or --query FTS-QUERY.") }
            if preview && yes { throw ValidationError("--preview writes nothing; leave out --yes.") }
        }

        func run() throws {
            let coder = try coderOptions.name(in: project)
            let opened = try project.open()
            let pattern: AutocodePattern = regex.map { .regex($0) } ?? .query(query!)
            let options = AutocodeOptions(pattern: pattern, code: code, coder: coder, group: group, includeModerators: includeModerator,
                                          wholeTurn: wholeTurn)
            let matches = try opened.autocodePreview(options)
            let path = try opened.codebook().resolve(code).path
            let styled = format == .table && Console.isTerminal
            let table = Listings.autocode(matches, open: styled ? "\u{1B}[1m" : "**", close: styled ? "\u{1B}[0m" : "**")
            Console.out(format.renderer(maxWidth: Console.width).render(table), terminator: "")
            let fresh = matches.filter { !$0.alreadyCoded }.count
            if preview {
                Console.note("Preview: \(matches.count) matching excerpt\(matches.count == 1 ? "" : "s"); \(fresh) would be coded \(path) as \(coder). Nothing was written.")
                return
            }
            if fresh == 0 {
                Console.note("Nothing to apply: \(matches.isEmpty ? "no excerpt matches" : "every match has \(path) from \(coder) already").")
                return
            }
            if !yes {
                guard isatty(STDIN_FILENO) == 1 else {
                    throw CodingError.needsConfirmation("autocode applies codes only after a confirmation: check the preview above and pass --yes (or use --preview to write nothing).")
                }
                FileHandle.standardError.write(Data("Apply \(path) to \(fresh) excerpt\(fresh == 1 ? "" : "s") as \(coder)? [y/N] ".utf8))
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                guard answer == "y" || answer == "yes" else {
                    Console.note("Nothing was written.")
                    return
                }
            }
            let result = try opened.autocodeApply(options)
            var line = wholeTurn ? "Applied \(path) to \(result.applied) excerpt\(result.applied == 1 ? "" : "s") as \(coder)"
                : "Applied \(path) to \(result.applied) passage\(result.applied == 1 ? "" : "s") in \(result.excerptsCoded) excerpt\(result.excerptsCoded == 1 ? "" : "s") as \(coder)"
            if result.alreadyCoded > 0 { line += " (\(result.alreadyCoded) had it already)" }
            Console.note(line + ".")
            if !result.exclusiveConflicts.isEmpty {
                Console.note("Left alone (another code of the same mutually exclusive branch applies): \(result.exclusiveConflicts.joined(separator: ", "))")
            }
        }
    }
}

import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Theme frequency tables, breakdowns, co-occurrence, quotes and an HTML report.",
            discussion: """
                Every report says which coding it counts: --coder NAME, --consensus (the reconciled coding) or --union (an excerpt counts if any coder applied the code). With one coder in the project it is used by default; with more, one of the three is required. Counts are of excerpts (speaker turns); a theme counts an excerpt once even when several of its subthemes apply (roll-up), and moderators are left out unless --include-moderator. Each table's caption and notes state these rules.

                Examples:
                  focuscode report themes --coder coder_a
                  focuscode report themes --consensus --by group --format md
                  focuscode report themes --union --by attribute:gender --level 1
                  focuscode report cooccurrence --consensus --level 1
                  focuscode report matrix --consensus --rows code --columns participant --presence
                  focuscode report quotes "Impact of Covid-19" --consensus --limit 5
                  focuscode report html --consensus --output report.html
                """,
            subcommands: [Themes.self, Cooccurrence.self, Matrix.self, Quotes.self, HTMLPage.self])

        struct Themes: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The theme table: excerpts, share and participants per theme and subtheme, by group (or another breakdown).",
                discussion: """
                    Columns: for each group (or participant, attribute value or coder) and in all, the excerpts coded (n), their share of the column's participant excerpts (%), and the participants who raised the code (n of N). Subthemes are indented under their theme. A turn counts once however many passages of it are coded; --count passages adds the coded passages beside each n (CSV: <column>_passages).

                    Examples:
                      focuscode report themes --coder coder_a
                      focuscode report themes --consensus --by participant
                      focuscode report themes --union --by attribute:gender
                      focuscode report themes --by coder --level 1
                      focuscode report themes --consensus --level 1 --sort frequency --format csv
                      focuscode report themes --coder alice --count passages
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var selection: SelectionOptions
            @OptionGroup var counting: CountingOptions
            @Option(name: .long, help: ArgumentHelp("Columns: group, participant, attribute:NAME or coder.", valueName: "breakdown"))
            var by: String = "group"
            @Option(name: .long, help: "Order: codebook, or frequency (most excerpts first among siblings).")
            var sort: ThemeSort = .codebook
            @Option(name: .long, help: ArgumentHelp("What to count: turns (excerpts and participants), or passages as well (a column of coded passages beside each n).", valueName: "turns|passages"))
            var count: ThemeCount = .turns
            @OptionGroup var output: ReportFormatOptions

            func validate() throws {
                guard let breakdown = ReportBreakdown(argument: by) else {
                    throw ValidationError("--by must be group, participant, coder or attribute:NAME (e.g. attribute:gender), not '\(by)'.")
                }
                if breakdown == .coder, selection.selection != nil {
                    throw ValidationError("--by coder shows every coder's codings side by side; leave out --coder, --consensus and --union.")
                }
            }

            func run() throws {
                var options = selection.options(counting)
                options.sort = sort
                options.countPassages = count == .passages
                let report = try project.open().themeReport(options, by: ReportBreakdown(argument: by)!)
                output.write(output.renderer.render(report))
            }
        }

        struct Cooccurrence: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "cooccurrence",
                abstract: "Code co-occurrence: for each pair of codes, the excerpts coded with both.",
                discussion: """
                    By default a list of the pairs that share excerpts, most first; --matrix gives the whole square matrix (its diagonal: the excerpts coded with each code). Under roll-up a theme and its own subthemes are not paired.

                    Examples:
                      focuscode report cooccurrence --consensus
                      focuscode report cooccurrence --consensus --level 1 --matrix
                      focuscode report cooccurrence --union --matrix --format csv
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var selection: SelectionOptions
            @OptionGroup var counting: CountingOptions
            @Flag(name: .long, help: "The full code × code matrix instead of the list of pairs.") var matrix = false
            @OptionGroup var output: ReportFormatOptions

            func run() throws {
                let report = try project.open().cooccurrenceReport(selection.options(counting))
                output.write(output.renderer.render(report, shape: matrix ? .matrix : .pairs))
            }
        }

        struct Matrix: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Codes × participants or groups: excerpt counts, or 0/1 presence.",
                discussion: """
                    Each cell counts the excerpts of that participant (or group) coded with the code; with --presence it is 1 when there is at least one, else 0. One of --rows and --columns is 'code'.

                    Examples:
                      focuscode report matrix --consensus --rows code --columns participant --presence
                      focuscode report matrix --consensus --columns group --level 1
                      focuscode report matrix --union --rows participant --columns code --format csv
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var selection: SelectionOptions
            @OptionGroup var counting: CountingOptions
            @Option(name: .long, help: "What the rows are: code, participant or group.") var rows: String = "code"
            @Option(name: .long, help: "What the columns are: participant, group or code.") var columns: String = "participant"
            @Flag(name: .long, help: "0/1 presence instead of excerpt counts.") var presence = false
            @OptionGroup var output: ReportFormatOptions

            func validate() throws {
                let allowed = ["code", "participant", "group"]
                for (name, value) in [("--rows", rows), ("--columns", columns)] where !allowed.contains(value) {
                    throw ValidationError("\(name) must be code, participant or group, not '\(value)'.")
                }
                guard (rows == "code") != (columns == "code") else {
                    throw ValidationError("One of --rows and --columns must be 'code', and the other participant or group.")
                }
            }

            func run() throws {
                let other = rows == "code" ? columns : rows
                let report = try project.open().codeMatrix(selection.options(counting), dimension: MatrixDimension(rawValue: other)!,
                                                           presence: presence, codesAsColumns: columns == "code")
                output.write(output.renderer.render(report))
            }
        }

        struct Quotes: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The top excerpts of a code (or of every theme), with pseudonym, group and excerpt ID.",
                discussion: """
                    Ranking: excerpts coded with the code (with roll-up, or any of its subthemes); first those with the fewest codes from other branches, then the longest, then transcript order. A quote is the coded passage (several passages of one turn joined by " … "; a turn coded whole is quoted whole); --context turn shows the whole turn with the passage marked (bold in Markdown). CSV: code,rank,excerpt,participant,group,words,other_codes,text,passages.

                    Examples:
                      focuscode report quotes "Impact of Covid-19" --consensus --limit 5
                      focuscode report quotes "Offender profiles/Isolation" --coder coder_a
                      focuscode report quotes --consensus --limit 2 --format md
                      focuscode report quotes "Impact of Covid-19" --coder alice --context turn
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var selection: SelectionOptions
            @Argument(help: "A theme, a code name only one code has, or a path 'Theme/Subtheme'. Default: every theme.")
            var code: String?
            @Option(name: .long, help: "At most this many quotes per code.") var limit: Int = 5
            @Option(name: .long, help: ArgumentHelp("What a quote shows: passage (the coded passage) or turn (the whole turn, the passage marked «like this»).", valueName: "passage|turn"))
            var context: QuoteContext = .passage
            @Flag(name: .customLong("no-roll-up"), help: "Quote only excerpts coded with the code itself, not with its subthemes.")
            var noRollUp = false
            @OptionGroup var output: ReportFormatOptions

            func validate() throws {
                if limit < 1 { throw ValidationError("--limit must be at least 1.") }
            }

            func run() throws {
                var options = selection.options(nil)
                options.rollUp = !noRollUp
                let report = try project.open().quotesReport(options, code: code, limit: limit, context: context)
                output.write(output.renderer.render(report))
            }
        }

        struct HTMLPage: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "html",
                abstract: "One self-contained HTML page: theme table, chart by group, heat map, co-occurrence and quotes.",
                discussion: """
                    The page has inline CSS and SVG only: no scripts, no network, readable offline and printable.

                    Examples:
                      focuscode report html --consensus --output report.html
                      focuscode report html --coder coder_a --output coder_a.html --quotes 5
                      focuscode report html --coder coder_a --output report.html --words 15   # with a word chart per group
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var selection: SelectionOptions
            @Flag(name: .customLong("no-roll-up"), help: "Count a theme only where the theme itself was applied.") var noRollUp = false
            @Option(name: .long, help: ArgumentHelp("The HTML file to write (replaced if it exists).", valueName: "file"))
            var output: String
            @Option(name: .long, help: "Quotes per theme.") var quotes: Int = 3
            @Option(name: .long, help: "The page's title.") var title: String = "Theme report"
            @Option(name: .long, help: "Add a chart of the N most frequent words per group (stop words and fillers left out).") var words: Int?

            func validate() throws {
                if quotes < 1 { throw ValidationError("--quotes must be at least 1.") }
                if let words, words < 1 { throw ValidationError("--words must be at least 1.") }
            }

            func run() throws {
                let opened = try project.open()
                var options = selection.options(nil)
                options.rollUp = !noRollUp
                var model = try opened.htmlReport(options, quotesPerTheme: quotes,
                                                  subtitle: "Project \((opened.path as NSString).lastPathComponent)")
                model.title = title
                if let words {
                    model.words = try opened.wordFrequencies(WordScope(includeModerator: options.includeModerator),
                                                             options: WordFrequencyOptions(top: words, by: .group, excluded: try WordLists.english()))
                }
                let html = HTMLReportRenderer().render(model)
                try writeReport(html, to: output)
                Console.out("Wrote \(output) (\(html.utf8.count / 1024 + 1) KB): \(model.themes.selection.text).")
            }
        }
    }
}

/// --coder / --consensus / --union and --include-moderator, shared by every report.
struct SelectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Count this coder's codings.", valueName: "name")) var coder: String?
    @Flag(name: .long, help: "Count the consensus coding (the reserved coder 'consensus').") var consensus = false
    @Flag(name: .long, help: "Count an excerpt for a code if any coder applied it.") var union = false
    @Flag(name: .long, help: "Count moderators' excerpts, and moderators as participants.") var includeModerator = false

    func validate() throws {
        if [coder != nil, consensus, union].filter({ $0 }).count > 1 {
            throw ValidationError("Give only one of --coder NAME, --consensus and --union.")
        }
    }

    var selection: CodingSelection? {
        if let coder { return .coder(coder) }
        if consensus { return .consensus }
        if union { return .union }
        return nil
    }

    func options(_ counting: CountingOptions?) -> ReportOptions {
        ReportOptions(selection: selection, includeModerator: includeModerator, rollUp: !(counting?.noRollUp ?? false),
                      level: counting?.level)
    }
}

/// --no-roll-up and --level, for the reports that count per code.
struct CountingOptions: ParsableArguments {
    @Flag(name: .customLong("no-roll-up"), help: "Count a theme only where the theme itself was applied, not its subthemes.")
    var noRollUp = false
    @Option(name: .long, help: "Show codes down to this level: 1 = themes only, 2 = themes and subthemes.") var level: Int?

    func validate() throws {
        if let level, level < 1 { throw ValidationError("--level must be 1 (themes) or more.") }
    }
}

/// --format for reports: table, csv, json or md.
struct ReportFormatOptions: ParsableArguments, RawCSVOption {
    @Option(name: .long, help: "Output format: table, csv, json or md (Markdown).") var format: ReportFormat = .table
    @Flag(name: .customLong("raw-csv"), help: rawCSVHelp) var rawCSV = false

    var renderer: any ReportRenderer { format.renderer(maxWidth: Console.width) }

    func write(_ text: String) { Console.out(text, terminator: "") }
}

extension ReportFormat: ExpressibleByArgument {}
extension ThemeSort: ExpressibleByArgument {}
extension QuoteContext: ExpressibleByArgument {}

/// What a theme table counts.
enum ThemeCount: String, ExpressibleByArgument, CaseIterable {
    case turns, passages
}

/// Writes a report file atomically; failures become "cannot create" (exit 73).
func writeReport(_ text: String, to path: String) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        let reason = (error as NSError).localizedFailureReason ?? error.localizedDescription
        throw ProjectError.cannotCreate(path: path, reason: reason)
    }
}

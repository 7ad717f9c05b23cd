import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Anonymise: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Review, decide on and count the identifiers replaced at import; re-identify with the key file.",
            discussion: """
                Identifiers are replaced when transcripts are imported (see 'focuscode import --help'). These commands deal with what comes after: the review list of candidates the detectors were unsure of, a person's decision on each (redact or keep, remembered for later imports), the counts per document, and authorised re-identification with the key file.

                Examples:
                  focuscode anonymise review
                  focuscode anonymise redact FG1-0031 "Bridgend" --as PLACE --key ~/keys/study.key
                  focuscode anonymise keep FG1-0040 "Covid"
                  focuscode anonymise summary --format csv
                  focuscode anonymise reveal FG1-0031 --key ~/keys/study.key
                """,
            subcommands: [Review.self, Redact.self, Keep.self, Summary.self, Reveal.self])

        struct Review: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List candidate identifiers left in the text, with a count and context, for a person to decide.",
                discussion: """
                    Candidates: capitalised words that are not ordinary English words (a name, a place, a unit), uncommon acronyms, codes mixing letters and digits, runs of six or more digits, @handles, full dates without a birth cue, and anything a detector would replace that was imported with --no-detect. Decide each with 'redact' or 'keep'.

                    Examples:
                      focuscode anonymise review
                      focuscode anonymise review --group FG1 --format csv
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions
            @Option(name: .long, help: "Only this group.") var group: String?
            @Option(name: .long, help: "At most this many candidates.") var limit: Int?

            func validate() throws {
                if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
            }

            func run() throws {
                var items = try project.open().reviewList(group: group)
                if let limit { items = Array(items.prefix(limit)) }
                output.print(AnonymisationReport.review(items))
            }
        }

        struct Redact: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Replace a text seen in an excerpt with a placeholder, everywhere in the project and in later imports.",
                discussion: """
                    The text must occur in the excerpt as a whole word (case does not matter). Every occurrence in every excerpt is replaced by one placeholder of the type given, the full-text index is rebuilt, and the decision is remembered (as a digest) so later imports replace it too. With a key file the original is added to it.

                    Examples:
                      focuscode anonymise redact FG1-0031 "Bridgend" --as PLACE
                      focuscode anonymise redact FG2-0007 "Operation Kestrel" --as ORG --key ~/keys/study.key
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The excerpt where the text was seen, e.g. FG1-0031.") var excerpt: String
            @Argument(help: "The text to replace.") var text: String
            @Option(name: .customLong("as"), help: "The identifier type: NAME, PLACE, ORG, EMAIL, PHONE, … or your own (STAFF_ID).") var kind: String
            @Option(name: .long, help: ArgumentHelp("The project's key file (needed once the project has one).", valueName: "file")) var key: String?
            @Flag(name: .long, help: "Allow the key file in the project's own folder.") var force = false

            func validate() throws {
                guard IdentifierKind(rawValue: kind) != nil else { throw AnonymisationError.invalidKind(kind) }
            }

            func run() throws {
                let result = try project.open().decide(ref: excerpt, text: text, redactAs: IdentifierKind(rawValue: kind)!, keyPath: key, force: force)
                Console.out("Replaced with \(result.placeholder ?? "") in \(result.excerpts) excerpt\(result.excerpts == 1 ? "" : "s") "
                    + "(\(result.replacements) occurrence\(result.replacements == 1 ? "" : "s")); later imports will replace it too.")
            }
        }

        struct Keep: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Keep a candidate as it is: it leaves the review list, now and for later imports.",
                discussion: """
                    Examples:
                      focuscode anonymise keep FG1-0040 "Covid"
                      focuscode anonymise keep FG2-0011 "CEOP"
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The excerpt where the text was seen.") var excerpt: String
            @Argument(help: "The text to keep.") var text: String

            func run() throws {
                _ = try project.open().decide(ref: excerpt, text: text, redactAs: nil)
                Console.out("Kept; it is no longer listed for review.")
            }
        }

        struct Summary: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Count the identifiers replaced, per document and type.",
                discussion: """
                    Examples:
                      focuscode anonymise summary
                      focuscode anonymise summary --format json
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions

            func run() throws {
                output.print(AnonymisationReport.summary(try project.open().redactionSummary()))
            }
        }

        struct Reveal: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show an excerpt with its placeholders replaced by the originals (needs the project's key file).",
                discussion: """
                    For authorised checking only: the output holds the original identifiers. Each use is recorded in the audit log (the excerpt ID, not the text).

                    Examples:
                      focuscode anonymise reveal FG1-0031 --key ~/keys/study.key
                      focuscode anonymise reveal FG1-0031 --key ~/keys/study.key --context 1
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions
            @Argument(help: "The excerpt ID.") var excerpt: String
            @Option(name: .long, help: ArgumentHelp("The project's key file.", valueName: "file")) var key: String
            @Option(name: .long, help: "How many turns before and after to show.") var context: Int = 0

            func validate() throws {
                if context < 0 { throw ValidationError("--context cannot be negative.") }
            }

            func run() throws {
                let views = try project.open().reveal(ref: excerpt, keyPath: key, context: context)
                if output.format != .table {
                    output.print(Listings.excerpts(views))
                    return
                }
                for view in views { Console.out(ExcerptText.block(view, focus: view.ref == excerpt)) }
            }
        }
    }
}

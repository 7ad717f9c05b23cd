import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Codings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, export and import codings (long form CSV: excerpt,coder,code).",
            discussion: """
                The CSV has one row per coding, and one row with an empty code for each excerpt a coder reviewed \
                without applying a code. Optional columns: note, span_start, span_end.

                Examples:
                  focuscode codings --excerpt FG1-0016
                  focuscode codings export --coder alice > alice.csv
                  focuscode codings import bob.csv
                  focuscode codings import bob.csv --skip-invalid
                """,
            subcommands: [List.self, Export.self, ImportCodings.self],
            defaultSubcommand: List.self)

        struct FilterOptions: ParsableArguments {
            @Option(name: .long, help: "Only this coder's codings.") var coder: String?
            @Option(name: .long, help: "Only this group.") var group: String?
            @Option(name: .long, help: "Only this excerpt.") var excerpt: String?
            @Option(name: .long, help: "Only this code and its subcodes (path or ID).") var code: String?

            var filter: CodingFilter { CodingFilter(coder: coder, group: group, excerpt: excerpt, code: code) }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List codings (the default), with reviewed-with-no-code excerpts as '(reviewed, none)'.",
                discussion: """
                    Examples:
                      focuscode codings --coder alice --group FG1
                      focuscode codings --code "Offender profiles" --format csv
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions
            @OptionGroup var filter: FilterOptions

            func run() throws {
                output.print(Listings.codings(try project.open().codings(filter.filter)))
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Export codings as long-form CSV (excerpt,coder,code,note,span_start,span_end).",
                discussion: """
                    Ordered by group, excerpt, coder and code path; re-importing the file gives the same codings.

                    Examples:
                      focuscode codings export --coder alice > alice.csv
                      focuscode codings export --group FG2 --output fg2-codings.csv
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var filter: FilterOptions
            @Option(name: .long, help: "Write to this file instead of stdout.") var output: String?
            @OptionGroup var csv: RawCSVOptions

            func run() throws {
                let opened = try project.open()
                let handle: FileHandle
                if let output {
                    guard FileManager.default.createFile(atPath: output, contents: nil), let h = FileHandle(forWritingAtPath: output) else {
                        throw ProjectError.cannotCreate(path: output, reason: "permission denied or invalid path")
                    }
                    handle = h
                } else {
                    handle = FileHandle.standardOutput
                }
                var buffer = CodingsCSV.header
                try opened.forEachCoding(filter.filter) { record in
                    buffer += CodingsCSV.row(record)
                    if buffer.utf8.count > 1 << 16 { handle.write(Data(buffer.utf8)); buffer = "" }
                }
                handle.write(Data(buffer.utf8))
                if output != nil { try handle.close() }
            }
        }

        struct ImportCodings: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Import codings from long-form CSV; every row is checked first.",
                discussion: """
                    Header: excerpt,coder,code (code by path; empty = reviewed, none applied), optionally note, \
                    span_start, span_end. Coders are created as they appear. Every row is checked (unknown excerpt, \
                    unknown or retired code, bad coder, bad span); if any is bad nothing is written and each problem \
                    is listed with its line, unless --skip-invalid, which imports the good rows and lists the rest. \
                    Import adds codings and reviews and never removes any. One transaction.

                    Examples:
                      focuscode codings import Fixtures/codings/coder_a.csv
                      focuscode codings import bob.csv --skip-invalid
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The CSV file.") var file: String
            @Flag(name: .customLong("skip-invalid"), help: "Import the good rows and report the bad ones.") var skipInvalid = false
            @Flag(name: .customLong("allow-consensus"), help: "Accept rows for the reserved coder 'consensus' (reconciled codings).")
            var allowConsensus = false

            func run() throws {
                let opened = try project.open()
                let name = URL(fileURLWithPath: file).lastPathComponent
                let s = try opened.importCodings(contentsOf: URL(fileURLWithPath: file),
                                                 options: CodingsImportOptions(skipInvalid: skipInvalid, allowConsensus: allowConsensus))
                var line = "Imported \(name): \(s.rows) rows, \(s.codingsAdded) codings added, \(s.codingsExisting) already present"
                if s.codingsUpdated > 0 { line += " (\(s.codingsUpdated) notes/spans updated)" }
                line += ", \(s.reviewsAdded) reviews added"
                if !s.codersCreated.isEmpty { line += "; new coders: \(s.codersCreated.joined(separator: ", "))" }
                Console.out(line + ".")
                if s.skipped > 0 {
                    Console.note("Skipped \(s.skipped) bad row\(s.skipped == 1 ? "" : "s"):")
                    for p in s.problems { Console.note("  " + p) }
                    if s.skipped > s.problems.count { Console.note("  … and \(s.skipped - s.problems.count) more") }
                }
            }
        }
    }
}

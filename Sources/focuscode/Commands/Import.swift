import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import transcripts (.txt .md .docx .vtt .srt .csv) into a focus group.",
            discussion: """
                Each speaker turn becomes an excerpt with a stable ID (FG1-0001, FG1-0002, …); speakers become participants known only by pseudonym (P01, P02, … in order of first appearance; moderators keep a role label). All files of one command are one transaction: if any file is bad, nothing is written. Importing the same file again changes nothing.

                Examples:
                  focuscode import Fixtures/transcripts/FG1.docx --group FG1 --moderator Moderator
                  focuscode import FG2.vtt --group FG2 --dry-run
                  focuscode import part1.txt part2.txt --group FG3 --format json
                """)

        @OptionGroup var project: ProjectOptions

        @Argument(help: "Transcript files to import, in order.")
        var files: [String]

        @Option(name: .long, help: "The focus group (created if new), e.g. FG1. Letters, digits and '_'.")
        var group: String

        @Option(name: .long, help: "A speaker label to flag as moderator (repeatable). \"Moderator\", \"Facilitator\" and \"Interviewer\" are recognised anyway.")
        var moderator: [String] = []

        @Option(name: .customLong("input-format"), help: "Read the files as this format instead of guessing from the extension: text, markdown, docx, webvtt, srt, csv.")
        var inputFormat: TranscriptFormat?

        @Flag(name: .long, help: "Show what would be imported (turns, speakers, IDs) and write nothing.")
        var dryRun = false

        @Option(name: .long, help: "Output format: table, csv or json.")
        var format: OutputFormat = .table

        func validate() throws {
            if files.isEmpty { throw ValidationError("Name at least one transcript file to import.") }
        }

        func run() throws {
            let opened = try project.open()
            var preparer = PassThroughPreparer()
            let options = ImportOptions(group: group, moderators: moderator, format: inputFormat, dryRun: dryRun)
            let summaries = try Importer.importFiles(files.map { URL(fileURLWithPath: $0) }, into: opened,
                                                     options: options, preparer: &preparer)
            if format == .table {
                for summary in summaries { Console.out(ImportReport.text(summary)) }
            } else {
                Console.out(format.renderer().render(ImportReport.table(summaries)), terminator: "")
            }
        }
    }
}

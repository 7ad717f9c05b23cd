import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import transcripts (.txt .md .docx .vtt .srt .csv) into a focus group.",
            discussion: """
                Each speaker turn becomes an excerpt with a stable ID (FG1-0001, FG1-0002, …); speakers become participants known only by pseudonym (P01, P02, … in order of first appearance; moderators keep a role label). All files of one command are one transaction: if any file is bad, nothing is written. Importing the same file again changes nothing.

                Anonymisation is on by default: speakers' names, e-mail addresses, phone numbers, URLs, UK postcodes, NI numbers, dates of birth and vehicle registrations are replaced by placeholders ([NAME-1], [EMAIL-2], …) before anything is stored; --names, --places, --organisations and --patterns add your own lists. The way back (placeholder → original) goes only to the key file given with --key; without one there is no way back. 'focuscode anonymise review' lists what the detectors were unsure of.

                Examples:
                  focuscode import Fixtures/transcripts/FG1.docx --group FG1 --moderator Moderator
                  focuscode import FG1.docx --group FG1 --names names.txt --key ~/keys/study.key --preview
                  focuscode import FG1.docx --group FG1 --names names.txt --key ~/keys/study.key
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

        @Flag(name: .long, help: "Show the redacted turns, each replacement and the review list; write nothing at all (not even the key file).")
        var preview = false

        @OptionGroup var anonymisation: AnonymisationImportOptions

        @Option(name: .long, help: "Output format: table, csv or json (--preview: table or json).")
        var format: OutputFormat = .table

        func validate() throws {
            if files.isEmpty { throw ValidationError("Name at least one transcript file to import.") }
            if preview, dryRun { throw ValidationError("Use --preview or --dry-run, not both.") }
            if preview, format == .csv { throw ValidationError("--preview shows a table or JSON (--format table|json).") }
            try anonymisation.validate()
        }

        func run() throws {
            let opened = preview ? try project.openReadOnly() : try project.open()
            var options = ImportOptions(group: group, moderators: moderator, format: inputFormat, dryRun: dryRun)
            options.pseudonyms = try anonymisation.pseudonymMapping()
            var anonymiser = try Anonymiser(project: opened, options: try anonymisation.options(), writing: !preview)
            let urls = files.map { URL(fileURLWithPath: $0) }
            if preview {
                let (previews, redactions) = try Importer.preview(urls, in: opened, options: options, preparer: &anonymiser)
                Console.out(AnonymisationReport.preview(previews, redactions, format: format, width: Console.width), terminator: "")
                return
            }
            let summaries = try Importer.importFiles(urls, into: opened, options: options, preparer: &anonymiser)
            if format == .table {
                for summary in summaries {
                    Console.out(ImportReport.text(summary))
                    if !summary.alreadyImported, let done = anonymiser.documents.first(where: { $0.fileName == summary.file }) {
                        Console.out(AnonymisationReport.importLine(done, detect: anonymisation.detect, key: anonymisation.key != nil))
                    }
                }
            } else {
                Console.out(format.renderer().render(ImportReport.table(summaries)), terminator: "")
            }
        }
    }
}

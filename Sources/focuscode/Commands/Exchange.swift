import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the project (.qdpx, .qde) or the codebook (.qdc) in the REFI-QDA exchange format.",
            discussion: """
                The file's extension chooses what is written: .qdpx is the whole project (project.qde and one UTF-8 text per document in sources/), .qde the project document alone with texts inline, .qdc the codebook. Codes and coders keep their IDs; other IDs are derived from the project's ID, so exporting again writes the same file. Each document becomes one text of 'Speaker: text' paragraphs (pseudonyms only); each coding becomes a selection with positions in Unicode code points. What REFI cannot carry is listed on stderr (see Docs/exchange.md).

                Examples:
                  focuscode export study.qdpx
                  focuscode export codebook.qdc
                """)

        @OptionGroup var project: ProjectOptions

        @Argument(help: "The file to write: .qdpx, .qde or .qdc.")
        var file: String

        func validate() throws {
            let ext = (file as NSString).pathExtension.lowercased()
            if !["qdpx", "qde", "qdc"].contains(ext) {
                throw ValidationError("Name a .qdpx or .qde (project) or .qdc (codebook) file to write.")
            }
        }

        func run() throws {
            let opened = try project.open()
            let url = URL(fileURLWithPath: file)
            if url.pathExtension.lowercased() == "qdc" {
                try REFIExporter.exportCodebook(opened, to: url)
                Console.out("Exported the codebook (\(try opened.codebook().codes.count) codes) to \(file)")
                return
            }
            let s = try REFIExporter.exportProject(opened, to: url)
            Console.out("Exported \(s.sources) sources, \(s.codes) codes, \(s.coders) coders, \(s.selections) coded selections and \(s.notes) notes to \(file)")
            for item in s.notCarried { Console.note("not carried by REFI-QDA: \(item)") }
        }
    }

    struct ImportRefi: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-refi",
            abstract: "Import a REFI-QDA project (.qdpx, .qde: sources, codebook, users, codings) or codebook (.qdc).",
            discussion: """
                Sources are split into speaker turns as 'focuscode import' does; each coded selection codes every excerpt it covers, narrowed to the part it covers. Positions should be Unicode code points, but some tools count UTF-16 units or count a CRLF line break as one: the reading that puts selections on word boundaries is used and reported per source. Users become coders (matched by ID, then name). Everything that cannot be mapped is listed. All of it is one transaction. The sources' text is anonymised on the way in, as with 'focuscode import' (--names, --key, --no-detect …).

                Examples:
                  focuscode import-refi other-tool.qdpx
                  focuscode import-refi codebook.qdc
                  focuscode import-refi study.qdpx --group FG3 --format json
                  focuscode import-refi other-tool.qdpx --dry-run
                """)

        @OptionGroup var project: ProjectOptions

        @Argument(help: "A .qdpx, .qde or .qdc file.")
        var file: String

        @Option(name: .long, help: "Put every source into this focus group (default: the file's sets, else the source's name).")
        var group: String?

        @Option(name: .long, help: "The coder for codings that name no user.")
        var coder: String = "imported"

        @Flag(name: .long, help: "Show what would be imported (and every problem) and write nothing.")
        var dryRun = false

        @Option(name: .long, help: "Output format: table or json.")
        var format: OutputFormat = .table

        @OptionGroup(title: "Anonymisation (on by default, as for 'focuscode import')")
        var anonymisation: AnonymisationImportOptions

        func validate() throws {
            try anonymisation.validate()
        }

        func run() throws {
            let opened = try project.open()
            // Sources from other tools go through the same anonymisation as any import. Codings stay on
            // their turns; a span inside a turn whose text was shortened by a placeholder is clamped.
            var preparer = try Anonymiser(project: opened, options: try anonymisation.options(), writing: !dryRun)
            let report = try REFIImporter.importFile(URL(fileURLWithPath: file), into: opened,
                                                     options: REFIImportOptions(group: group, defaultCoder: coder, dryRun: dryRun),
                                                     preparer: &preparer)
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Console.out(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            Console.out("\(dryRun ? "Would import" : "Imported") \(report.file): codes \(report.codesCreated) new, \(report.codesUpdated) updated, \(report.codesUnchanged) unchanged")
            if !report.codersCreated.isEmpty { Console.out("  coders added: \(report.codersCreated.joined(separator: ", "))") }
            if !report.codersMatched.isEmpty { Console.out("  coders matched: \(report.codersMatched.joined(separator: ", "))") }
            for s in report.sources {
                Console.out("  \(s.name) → \(s.group) (\(s.status), \(s.excerpts) excerpts from \(s.firstRef ?? "-")): \(s.selections) selections, positions read as \(s.positions)")
            }
            if !report.sources.isEmpty || report.codingsAdded > 0 {
                Console.out("  passages: \(report.codingsAdded) added, \(report.codingsUpdated) given a note, \(report.codingsUnchanged) already there; the project now holds \(report.codingsHeld)")
                Console.out("  \(report.attributesSet) participant attributes set, \(report.memosAdded) memos added")
            }
            if !report.problems.isEmpty {
                Console.out("Not imported or changed (\(report.problems.count)):")
                for p in report.problems { Console.out("  - \(p)") }
            }
        }
    }
}

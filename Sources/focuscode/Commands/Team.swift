import ArgumentParser
import FocusCodeKit
import Foundation

extension MergePreference: ExpressibleByArgument {}

extension FocusCode {
    struct Team: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Team work: blind copies for each coder, merged back losslessly.",
            subcommands: [Split.self, Merge.self])
    }
}

extension FocusCode.Team {
    struct Split: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one blind copy of the project per coder.",
            discussion: """
                Each copy is the whole project with the same IDs, holding only that coder's codings and reviews, and set to that coder. Coders new to the project are added first, so every copy shares their IDs.

                Example:
                  focuscode team split --coders coder_a,coder_b --out copies/
                """)

        @OptionGroup var project: ProjectOptions

        @Option(name: .long, help: "The coders, comma-separated.")
        var coders: String

        @Option(name: .long, help: "The folder to write <coder>.sqlite into (created if missing).")
        var out: String

        func validate() throws {
            if names.isEmpty { throw ValidationError("Name at least one coder with --coders a,b.") }
        }

        var names: [String] { coders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

        func run() throws {
            let opened = try project.open()
            let copies = try FocusCodeKit.Team.split(opened, coders: names, into: URL(fileURLWithPath: out))
            for c in copies { Console.out("\(c.coder): \(c.path)") }
            Console.note("Each copy is set to its coder: code in it with --project <copy>; merge with 'focuscode team merge <copies…>'.")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge coders' copies back into this project.",
            discussion: """
                Excerpts, codes and coders are matched by ID; new codes are added; every coding of every copy ends up in the project exactly once, so merging again changes nothing. Conflicts (a code renamed differently, an excerpt edited, a coding's span or note changed on both sides) are listed; on a terminal you are asked which side wins, otherwise --prefer decides (without it, nothing is merged).

                Examples:
                  focuscode team merge copies/coder_a.sqlite copies/coder_b.sqlite
                  focuscode team merge copies/*.sqlite --prefer copy
                """)

        @OptionGroup var project: ProjectOptions

        @Argument(help: "The copies to merge.")
        var copies: [String]

        @Option(name: .long, help: "Which side wins a conflict: project or copy.")
        var prefer: MergePreference?

        @Option(name: .long, help: "Output format: table or json.")
        var format: OutputFormat = .table

        func validate() throws {
            if copies.isEmpty { throw ValidationError("Name at least one copy to merge.") }
        }

        func run() throws {
            let opened = try project.open()
            let urls = copies.map { URL(fileURLWithPath: $0) }
            var report: TeamMergeReport
            do {
                report = try FocusCodeKit.Team.merge(opened, copies: urls, prefer: prefer)
            } catch let error as ExchangeError {
                guard case .conflicts = error, prefer == nil, isatty(STDIN_FILENO) == 1 else { throw error }
                Console.note(error.errorDescription ?? "")
                FileHandle.standardError.write(Data("Keep the [p]roject's versions, take the [c]opies', or [q]uit? ".utf8))
                switch readLine()?.lowercased().first {
                case "p": report = try FocusCodeKit.Team.merge(opened, copies: urls, prefer: .project)
                case "c": report = try FocusCodeKit.Team.merge(opened, copies: urls, prefer: .copy)
                default: throw error
                }
            }
            if format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Console.out(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            for c in report.copies {
                Console.out("\((c.path as NSString).lastPathComponent) (\(c.coder ?? "?")): \(c.codingsAdded) codings added, \(c.codingsUpdated) updated, \(c.codingsUnchanged) already there; \(c.codesAdded) codes added, \(c.codesUpdated) updated; \(c.reviewsAdded) reviews, \(c.memosAdded) memos added")
            }
            for c in report.conflicts { Console.out("conflict: \(c)") }
            for n in report.notes { Console.out("note: \(n)") }
            if report.changedNothing { Console.out("Nothing new: the project already had everything in these copies.") }
        }
    }
}

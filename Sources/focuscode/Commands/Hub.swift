import ArgumentParser
import FocusCodeHub
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Hub: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Team hub: a shared project on PostgreSQL; each coder syncs a local project with push and pull.",
            discussion: """
                The supervisor creates the hub from a project ('hub init'), adds a database role per coder ('hub coder add'), watches counts ('hub status') and unblinds coders when coding is done ('hub unblind'). Each coder clones the hub into a local project ('hub clone'), codes offline as usual with --coder NAME, and syncs with 'hub push' and 'hub pull'.

                Blind coding is enforced by the database: while blind, a coder's role can read and write only its own passages, reviews and memos (row-level security); the supervisor's memos without an author are read by every coder. Codebook changes are the supervisor's: a coder's codebook edits are refused at push unless the supervisor ran 'hub allow-codebook-edits'.

                URLs are postgresql://ROLE[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]. The project file keeps the address without the password; later commands take the password from $PGPASSWORD (or a URL given with --url). See Docs/teamwork.md.

                Example:
                  focuscode hub init postgresql://lead@db.example.ac.uk/study
                  focuscode hub coder add alice
                  focuscode hub clone postgresql://study_alice:PASSWORD@db.example.ac.uk/study alice.sqlite
                  focuscode hub push --project alice.sqlite
                """,
            subcommands: [Init.self, CoderCommand.self, Clone.self, Push.self, Pull.self, Status.self, Unblind.self, AllowCodebookEdits.self])
    }
}

/// `--url`, for commands on a linked project.
struct HubURLOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The hub's URL, if not the one stored in the project (e.g. with the password).", valueName: "url"))
    var url: String?
}

/// Runs async hub work from a synchronous command (the process's main thread waits; the work runs on the
/// concurrency pool, so nothing it needs is blocked).
func runHub<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = HubResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// The result of hub work, handed from the task to the waiting main thread (written once, read after the signal).
final class HubResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// `hub status` as a table: a row per coder and group (counts only), and coders with nothing yet.
func hubStatusTable(_ status: FocusCodeHub.Hub.Status, address: HubAddress) -> Table {
    let blind = Dictionary(status.coders.map { ($0.name, !$0.unblinded) }, uniquingKeysWith: { a, _ in a })
    var rows: [[Cell]] = status.lines.map { line in
        [.text(line.coder), .text(line.group), .int(line.reviewed), .int(status.excerptsPerGroup[line.group] ?? 0), .int(line.passages),
         .text(blind[line.coder] == false ? "unblinded" : "blind")]
    }
    for coder in status.coders where !status.lines.contains(where: { $0.coder == coder.name }) {
        rows.append([.text(coder.name), .text(""), .int(0), .int(status.excerptsPerGroup.values.reduce(0, +)), .int(0),
                     .text(coder.unblinded ? "unblinded" : "blind")])
    }
    return Table(columns: [Column("coder"), Column("group"), Column("turns_reviewed"), Column("turns"), Column("passages"), Column("state")],
                 rows: rows, caption: "Hub \(address.url): \(status.coders.count) coder\(status.coders.count == 1 ? "" : "s")",
                 notes: ["codebook edits by coders: \(status.codebookEditsAllowed ? "allowed" : "refused")"])
}

func describe(_ report: HubSyncReport, verb: String) -> String {
    var text = "\(verb) \(report.written) row\(report.written == 1 ? "" : "s")"
    if report.unchanged > 0 { text += " (\(report.unchanged) already there)" }
    return text
}

extension FocusCode.Hub {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the hub in a PostgreSQL database and upload this project's transcripts, participants and codebook.",
            discussion: """
                Connects as the supervisor's role (which owns the new schema 'hub' and so reads everything), creates the tables, row-level security and version counter, uploads the transcripts as they are in the project file (anonymise first), the participants' pseudonyms and attributes, and the codebook — never the key file, never codings — and links this project to the hub. The password is not stored.

                Example:
                  focuscode hub init postgresql://lead@db.example.ac.uk/study
                """)
        @OptionGroup var project: ProjectOptions
        @Argument(help: "The hub's URL (the supervisor's role).") var url: String

        func run() throws {
            let opened = try project.open()
            let address = try HubAddress(parsing: url)
            let report = try runHub { try await FocusCodeHub.Hub.initialise(opened, at: address) }
            Console.out("Hub created at \(address.url); uploaded \(report.written) rows (transcripts, participants, codebook).")
            Console.out("Add coders with: focuscode hub coder add NAME")
        }
    }

    struct CoderCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "coder", abstract: "Hub coders.", subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make a PostgreSQL role for a coder and print its connection URL (once).",
                discussion: """
                    The role may read the transcripts and codebook and, while blind, only its own passages, reviews and memos. The URL printed holds a new random password: give it to the coder; focuscode does not keep it. NAME is what the coder codes as (--coder NAME).

                    Example:
                      focuscode hub coder add alice
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var hub: HubURLOption
            @Argument(help: "The coder's name: lower-case letters, digits, _.") var name: String

            func run() throws {
                let opened = try project.open()
                let address = try FocusCodeHub.Hub.address(for: opened, override: hub.url)
                let name = self.name
                let url = try runHub { try await FocusCodeHub.Hub.addCoder(name, project: opened, address: address) }
                Console.out("Coder \(name) added. Their connection URL (shown once, keep it secret):")
                Console.out(url)
                Console.out("They start with: focuscode hub clone '\(url)' \(name).sqlite")
            }
        }
    }

    struct Clone: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a local project from the hub (a coder's, or the supervisor's second copy).",
            discussion: """
                Example:
                  focuscode hub clone postgresql://study_alice:PASSWORD@db.example.ac.uk/study alice.sqlite
                """)
        @Argument(help: "The hub's URL with the coder's role.") var url: String
        @Argument(help: "The new project file.") var file: String

        func run() throws {
            let address = try HubAddress(parsing: url)
            let file = self.file
            let report = try runHub { try await FocusCodeHub.Hub.clone(address, to: file) }
            Console.out("Cloned \(address.url) into \(file): \(report.written) rows.")
        }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send this project's passages, reviews and memos (the supervisor's: transcripts, codebook and memos) changed since the last sync.",
            discussion: """
                One server transaction: all of it reaches the hub or none. Pushing again changes nothing; a push that was interrupted is completed by the next. A row changed both here and on the hub since the last sync is a conflict: nothing is pushed and the rows are listed (--prefer local sends yours anyway).
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var hub: HubURLOption
        @Option(name: .long, help: "On conflicts: 'local' keeps this project's version.") var prefer: String?

        func validate() throws {
            if let prefer, prefer != "local" { throw ValidationError("--prefer takes 'local' for a push.") }
        }

        func run() throws {
            let opened = try project.open()
            let address = try FocusCodeHub.Hub.address(for: opened, override: hub.url)
            let prefer = self.prefer != nil
            let report = try runHub { try await FocusCodeHub.Hub.push(opened, address: address, preferLocal: prefer) }
            Console.out(report.sent == 0 ? "Nothing to push." : describe(report, verb: "Pushed") + ".")
        }
    }

    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the hub's changes: codebook, transcripts, and others' passages once unblinded.",
            discussion: """
                One local transaction. A row changed both here and on the hub since the last sync is listed as a conflict and kept as it is here (--prefer hub takes the hub's version). The supervisor's pull brings the passages, reviews and memos of unblinded coders only.
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var hub: HubURLOption
        @Option(name: .long, help: "On conflicts: 'hub' takes the hub's version.") var prefer: String?

        func validate() throws {
            if let prefer, prefer != "hub" { throw ValidationError("--prefer takes 'hub' for a pull.") }
        }

        func run() throws {
            let opened = try project.open()
            let address = try FocusCodeHub.Hub.address(for: opened, override: hub.url)
            let prefer = self.prefer != nil
            let report = try runHub { try await FocusCodeHub.Hub.pull(opened, address: address, preferHub: prefer) }
            Console.out(report.written == 0 && report.conflicts.isEmpty ? "Up to date." : describe(report, verb: "Pulled") + ".")
            if !report.conflicts.isEmpty {
                Console.note("\(report.conflicts.count) conflict\(report.conflicts.count == 1 ? "" : "s") kept as they are here (pull --prefer hub takes the hub's):")
                for c in report.conflicts { Console.note("  \(c)") }
                throw ExitCode(65)
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts per coder and group: turns reviewed and passages (never content).",
            discussion: "A coder sees their own counts while blind; the supervisor sees every coder's.")
        @OptionGroup var project: ProjectOptions
        @OptionGroup var hub: HubURLOption
        @OptionGroup var format: FormatOptions

        func run() throws {
            let opened = try project.open()
            let address = try FocusCodeHub.Hub.address(for: opened, override: hub.url)
            let status = try runHub { try await FocusCodeHub.Hub.status(opened, address: address) }
            format.print(hubStatusTable(status, address: address))
        }
    }

    struct Unblind: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let these coders see each other's work, and the supervisor's pull bring it (supervisor only).",
            discussion: """
                Example:
                  focuscode hub unblind --coders alice,bob
                  focuscode hub pull && focuscode agreement --coders alice,bob
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var hub: HubURLOption
        @Option(name: .long, help: "The coders, comma-separated.") var coders: String

        var names: [String] { coders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }

        func validate() throws {
            if names.isEmpty { throw ValidationError("Name at least one coder with --coders a,b.") }
        }

        func run() throws {
            let opened = try project.open()
            let address = try FocusCodeHub.Hub.address(for: opened, override: hub.url)
            let names = self.names
            try runHub { try await FocusCodeHub.Hub.unblind(names, project: opened, address: address) }
            Console.out("Unblinded \(names.joined(separator: ", ")): they see each other's passages, and 'hub pull' brings them here.")
        }
    }

    struct AllowCodebookEdits: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "allow-codebook-edits",
            abstract: "Let coders push codebook edits (or refuse them again with --off); supervisor only.")
        @OptionGroup var project: ProjectOptions
        @OptionGroup var hub: HubURLOption
        @Flag(name: .long, help: "Refuse coders' codebook edits again.") var off = false

        func run() throws {
            let opened = try project.open()
            let address = try FocusCodeHub.Hub.address(for: opened, override: hub.url)
            let allowed = !off
            try runHub { try await FocusCodeHub.Hub.setCodebookEdits(allowed: allowed, project: opened, address: address) }
            Console.out(allowed ? "Coders may now push codebook edits." : "Coders' codebook edits are refused at push.")
        }
    }
}

import ArgumentParser
import FocusCodeKit
import Foundation

@main
struct FocusCode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "focuscode",
        abstract: "Qualitative coding for focus-group transcripts: import, anonymise, code, compare coders, report themes.",
        discussion: """
            A project is one SQLite file: --project PATH, else $FOCUSCODE_PROJECT, else ./focuscode.sqlite. Listings take --format table|csv|json. Exit status: 0 ok, 64 usage, 65 bad data, 66 missing input, 73 cannot create, 74 I/O error.

            Start with 'focuscode demo' to see the whole workflow on bundled fictional data.
            """,
        version: "0.1.0",
        subcommands: [
            Demo.self, Init.self, Import.self, Anonymise.self,
            Groups.self, Documents.self, Participants.self,
            Excerpts.self, Show.self, Search.self, Words.self, Kwic.self,
            Codebook.self, Code.self, Uncode.self, Codings.self, Autocode.self, Memo.self, Serve.self,
            Agreement.self, Reconcile.self, Report.self, Suggest.self,
            Export.self, ImportRefi.self, Team.self, Hub.self,
        ]
    )

    /// Runs the command; FocusCodeKit errors end in one line on stderr and a sysexits status.
    static func main() {
        // Every file the tool writes is owner-only (0600, folders 0700): the project and its WAL/SHM,
        // key files, exports, team copies and reports hold transcript text or the way back to names.
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if wantsRawCSV(command) {
                try CSVFormulas.$neutralise.withValue(false) { try command.run() }
            } else {
                try command.run()
            }
        } catch let error as CategorisedError {
            Console.error(error.errorDescription ?? "\(error)")
            Foundation.exit(error.category.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}

extension ErrorCategory {
    /// The sysexits status for this category.
    var exitCode: Int32 {
        switch self {
        case .usage: return 64
        case .badData: return 65
        case .missingInput: return 66
        case .cannotCreate: return 73
        case .io: return 74
        }
    }
}

import ArgumentParser
import FocusCodeHub
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the workflow on the bundled fictional focus groups and show the result.",
            discussion: """
                Makes a project in a temporary folder (or at --project), imports the two fictional focus groups (FG1 from .docx, FG2 from WebVTT) and the participants' attributes, then prints a short tour. The project is kept so you can explore it further.

                With --hub it shows the team hub instead: it starts a throw-away PostgreSQL server on a loopback port (PostgreSQL must be installed; $FOCUSCODE_PG_BIN names the folder of initdb if it is not found), creates the hub from the project, adds two coders who clone, code offline and push, shows with plain psql that each coder's role cannot see the other's passages while blind, then unblinds them, pulls and measures agreement. The server is stopped and removed at the end; the three project files are kept.

                Examples:
                  swift run focuscode demo
                  focuscode demo --project demo.sqlite
                  focuscode demo --hub
                """)

        @Option(name: .long, help: "Where to create the demo project (must not exist). Default: a new temporary folder.")
        var project: String?

        @Option(name: .long, help: "The Fixtures folder (default: $FOCUSCODE_FIXTURES, else the one in the source tree).")
        var fixtures: String?

        @Flag(name: .long, help: "Show the team hub on a throw-away PostgreSQL server (needs PostgreSQL installed).")
        var hub = false

        func run() throws {
            let fixturesURL = try DemoFixtures.locate(fixtures)
            if hub, LocalPostgres.binaries == nil { throw DemoHubError(reason: LocalPostgres.installHint) }
            let path: String
            if let project { path = project } else {
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("focuscode-demo-\(UUID().uuidString.prefix(8))")
                do {
                    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw ProjectError.cannotCreate(path: dir.path, reason: error.localizedDescription)
                }
                path = dir.appendingPathComponent(hub ? "lead.sqlite" : "demo.sqlite").path
            }
            if hub {
                // The coders' projects go next to the supervisor's: refuse before anything is made, not half-way.
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
                for file in ["coder_a", "coder_b"].map({ folder.appendingPathComponent("\($0).sqlite").path })
                where FileManager.default.fileExists(atPath: file) {
                    throw ProjectError.projectExists(path: file)
                }
            }
            let demo = try Project.create(at: path)
            var preparer = try demoAnonymiser(demo, fixtures: fixturesURL)
            let transcripts = fixturesURL.appendingPathComponent("transcripts")

            section("1. Import two fictional focus groups")
            for (file, group) in [("FG1.docx", "FG1"), ("FG2.vtt", "FG2")] {
                let summaries = try Importer.importFiles([transcripts.appendingPathComponent(file)], into: demo,
                                                         options: ImportOptions(group: group, moderators: ["Moderator"]),
                                                         preparer: &preparer)
                for s in summaries { Console.out(ImportReport.text(s)) }
            }
            let attributes = fixturesURL.appendingPathComponent("participants.csv")
            let rows = try demo.importAttributes(csv: try TextDecoding.decode(try Data(contentsOf: attributes), file: "participants.csv").text,
                                                 fileName: "participants.csv")
            Console.out("Imported attributes for \(rows) participants from participants.csv")
            try showAnonymisation(demo)
            if hub { return try hubTour(demo, fixtures: fixturesURL) }

            let table = TerminalTableRenderer(maxWidth: Console.width)
            section("2. Groups")
            Console.out(table.render(Listings.groups(try demo.groups())), terminator: "")
            section("3. Participants (pseudonyms only; moderators flagged)")
            Console.out(table.render(Listings.participants(try demo.participants())), terminator: "")
            for group in ["FG1", "FG2"] {
                section("4. The first turns of \(group)")
                Console.out(table.render(Listings.excerpts(try demo.excerpts(ExcerptFilter(group: group, limit: 6)))), terminator: "")
            }
            section("5. Full-text search: training AND workload")
            Console.out(table.render(Listings.search(try demo.search("training AND workload", limit: 5),
                                                     open: Console.isTerminal ? "\u{1B}[1m" : "**",
                                                     close: Console.isTerminal ? "\u{1B}[0m" : "**")), terminator: "")
            try codingTour(demo, fixtures: fixturesURL)
            try showAgreement(demo)
            try showReports(demo)

            section("Explore it yourself")
            Console.out("""
                The demo project is at \(path)
                  export FOCUSCODE_PROJECT=\(path)
                  focuscode --help
                  focuscode excerpts --group FG1 --speaker P03
                  focuscode show FG1-0007 --context 2
                  focuscode codebook
                  focuscode agreement --level 1 --bootstrap 1000 --seed 7
                  focuscode report themes --coder coder_a --by group
                  focuscode export study.qdpx
                """)
        }

        func section(_ title: String) {
            Console.out("\n" + Console.bold(title))
        }
    }
}

/// Finds the bundled fixtures: an explicit folder, $FOCUSCODE_FIXTURES, or the source tree's Fixtures/.
enum DemoFixtures {
    static func locate(_ explicit: String?) throws -> URL {
        var candidates: [URL] = []
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) }
        if let env = ProcessInfo.processInfo.environment["FOCUSCODE_FIXTURES"] { candidates.append(URL(fileURLWithPath: env)) }
        // Sources/focuscode/Commands/Demo.swift → the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent("Fixtures"))
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Fixtures"))
        for url in candidates where FileManager.default.fileExists(atPath: url.appendingPathComponent("transcripts/FG1.docx").path) {
            return url
        }
        throw ProjectError.fileMissing(path: (explicit ?? candidates.last!.path) + "/transcripts/FG1.docx (pass --fixtures PATH to the Fixtures folder)")
    }
}

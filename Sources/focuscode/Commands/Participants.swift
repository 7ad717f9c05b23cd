import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Participants: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List participants, or set and import their attributes.",
            discussion: """
                Participants are known only by pseudonym. Attributes (gender, role, years of service…) are name=value pairs used by reports.

                Examples:
                  focuscode participants
                  focuscode participants set P03 gender=female role="Online investigator"
                  focuscode participants set P03 role=          # removes the attribute
                  focuscode participants import Fixtures/participants.csv
                """,
            subcommands: [List.self, Set.self, ImportAttributes.self],
            defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List participants with groups, turns, words and attributes (the default).")
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions

            func run() throws {
                output.print(Listings.participants(try project.open().participants()))
            }
        }

        struct Set: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Set attributes on a participant: name=value … (an empty value removes one).",
                discussion: """
                    Example:
                      focuscode participants set P03 gender=female role="Online investigator"
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The participant's pseudonym, e.g. P03.") var participant: String
            @Argument(help: "Attributes as name=value.") var attributes: [String] = []

            func validate() throws {
                if attributes.isEmpty { throw ValidationError("Give at least one attribute as name=value, e.g. gender=female.") }
                for attribute in attributes where !attribute.contains("=") {
                    throw ValidationError("'\(attribute)' is not name=value; write e.g. gender=female.")
                }
            }

            func run() throws {
                let pairs = attributes.map { a -> (name: String, value: String) in
                    let i = a.firstIndex(of: "=")!
                    return (String(a[..<i]).trimmingCharacters(in: .whitespaces), String(a[a.index(after: i)...]).trimmingCharacters(in: .whitespaces))
                }
                try project.open().setAttributes(pairs, on: participant)
                Console.out("Set \(pairs.map(\.name).joined(separator: ", ")) on \(participant)")
            }
        }

        struct ImportAttributes: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Import attributes from CSV: a 'participant' column, then one column per attribute.",
                discussion: """
                    Every row is checked first; nothing is written if any row is bad.

                    Example file:
                      participant,gender,role
                      P01,female,Online investigator
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The CSV file.") var file: String

            func run() throws {
                let url = URL(fileURLWithPath: file)
                guard FileManager.default.fileExists(atPath: file) else { throw ProjectError.fileMissing(path: file) }
                let data = try Data(contentsOf: url)
                let text = try TextDecoding.decode(data, file: url.lastPathComponent).text
                let rows = try project.open().importAttributes(csv: text, fileName: url.lastPathComponent)
                Console.out("Imported attributes for \(rows) participant(s) from \(url.lastPathComponent)")
            }
        }
    }
}

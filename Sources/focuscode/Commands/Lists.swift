import ArgumentParser
import FocusCodeKit

extension FocusCode {
    struct Groups: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List focus groups with their documents, participants, turns and words.",
            discussion: """
                Participants counts exclude moderators.

                Examples:
                  focuscode groups
                  focuscode groups --format csv
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            output.print(Listings.groups(try project.open().groups()))
        }
    }

    struct Documents: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List imported documents with their group, format, turns, words and content hash.",
            discussion: """
                Examples:
                  focuscode documents
                  focuscode documents --format json
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            output.print(Listings.documents(try project.open().documents()))
        }
    }
}

import ArgumentParser
import FocusCodeKit

extension FocusCode {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new, empty project file (owner-only permissions).",
            discussion: """
                Examples:
                  focuscode init
                  focuscode init --project study.sqlite
                  FOCUSCODE_PROJECT=study.sqlite focuscode init
                """)

        @OptionGroup var project: ProjectOptions

        func run() throws {
            let created = try Project.create(at: project.path)
            Console.out("Created project \(created.path)")
        }
    }
}

import ArgumentParser
import FocusCodeKit
import Foundation

/// Where a memo goes: one of --excerpt, --code, --group, --participant, or none for the project.
struct MemoTargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A turn, e.g. FG1-0007.", valueName: "id")) var excerpt: String?
    @Option(name: .long, help: ArgumentHelp("A code: path or ID.", valueName: "code")) var code: String?
    @Option(name: .long, help: ArgumentHelp("A focus group, e.g. FG1.", valueName: "name")) var group: String?
    @Option(name: .long, help: ArgumentHelp("A participant by pseudonym, e.g. P3.", valueName: "pseudonym")) var participant: String?

    /// Checked while parsing, so that the usage shown is the subcommand's.
    func validate() throws { _ = try target(projectIfNone: false) }

    /// The target named, `.project` when `projectIfNone` and none is, `nil` when none is (every memo).
    func target(projectIfNone: Bool) throws -> MemoTarget? {
        let given: [MemoTarget] = [excerpt.map(MemoTarget.excerpt), code.map(MemoTarget.code),
                                   group.map(MemoTarget.group), participant.map(MemoTarget.participant)].compactMap { $0 }
        if given.count > 1 { throw ValidationError("Name one of --excerpt, --code, --group or --participant, not several.") }
        return given.first ?? (projectIfNone ? .project : nil)
    }
}

extension FocusCode {
    struct Memo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write, list, edit and remove memos on the project, a group, a participant, a turn or a code.",
            discussion: """
                A memo is free text of your own (an idea, a doubt about a code, a note for the write-up). Memos go \
                to REFI-QDA exports and team merges; the audit log records that a memo changed, never its text.

                Examples:
                  focuscode memo add "Training keeps coming back; check FG2" --code "Role of policing/Training needs" --author alice
                  focuscode memo add "Speaker changes mid-turn?" --excerpt FG1-0007
                  focuscode memo add "Second group ran long"                 # on the project
                  focuscode memo list --excerpt FG1-0007
                  focuscode memo list --format csv                          # every memo: id, on, target, author, text, created_at, updated_at
                  focuscode memo edit 3 "Speaker changes mid-turn: yes, P2 then P4"
                  focuscode memo remove 3
                """,
            subcommands: [List.self, Add.self, Edit.self, Remove.self],
            defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List memos (all, or those on one target), oldest first.",
                discussion: "Columns: id, on (project, group, participant, excerpt, code), target, author, text, created_at, updated_at.")
            @OptionGroup var project: ProjectOptions
            @OptionGroup var target: MemoTargetOptions
            @Option(name: .long, help: ArgumentHelp("Only this author's memos.", valueName: "name")) var author: String?
            @OptionGroup var output: FormatOptions

            func run() throws {
                output.print(Listings.memos(try project.open().memos(on: try target.target(projectIfNone: false), author: author)))
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Write a memo; with no target it is on the project.")
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The memo's text (quote it).") var text: String
            @OptionGroup var target: MemoTargetOptions
            @Option(name: .long, help: ArgumentHelp("Who wrote it (default: $FOCUSCODE_CODER, else the coder of a team hub clone, else nobody). In a clone only its coder.", valueName: "name")) var author: String?

            func run() throws {
                let memo = try project.open().addMemo(text, on: try target.target(projectIfNone: true) ?? .project, author: try authorName(author))
                Console.out("memo \(memo.id) added on \(memo.kind)\(memo.target.map { " \($0)" } ?? "").")
            }
        }

        struct Edit: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Replace a memo's text.")
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The memo's ID, as 'focuscode memo list' shows it.") var id: Int64
            @Argument(help: "The new text (quote it).") var text: String
            @Option(name: .long, help: ArgumentHelp("Who edits it: must be its author, if it has one.", valueName: "name")) var author: String?

            func run() throws {
                let memo = try project.open().editMemo(id, text: text, author: try authorName(author))
                Console.out("memo \(memo.id) on \(memo.kind)\(memo.target.map { " \($0)" } ?? "") edited.")
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a memo.")
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The memo's ID, as 'focuscode memo list' shows it.") var id: Int64
            @Option(name: .long, help: ArgumentHelp("Who removes it: must be its author, if it has one.", valueName: "name")) var author: String?

            func run() throws {
                try project.open().removeMemo(id, author: try authorName(author))
                Console.out("memo \(id) removed.")
            }
        }
    }
}

/// The author named, else $FOCUSCODE_CODER, else nobody.
private func authorName(_ given: String?) throws -> String? {
    if let given { return given }
    if let env = ProcessInfo.processInfo.environment["FOCUSCODE_CODER"], !env.isEmpty { return env }
    return nil
}

import ArgumentParser
import FocusCodeKit
import Foundation

extension CodebookFormat: ExpressibleByArgument {}

/// Reads a text input file (any encoding the importers accept) or refuses with a clear error.
enum InputFile {
    static func read(_ path: String) throws -> (text: String, name: String) {
        guard FileManager.default.fileExists(atPath: path) else { throw ProjectError.fileMissing(path: path) }
        let url = URL(fileURLWithPath: path)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ProjectError.unreadable(path: path, reason: error.localizedDescription)
        }
        return (try TextDecoding.decode(data, file: url.lastPathComponent).text, url.lastPathComponent)
    }

    /// Writes `text` to a file, or to stdout when `path` is nil.
    static func write(_ text: String, to path: String?) throws {
        guard let path else { return Console.out(text, terminator: "") }
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path)) } catch {
            throw ProjectError.cannotCreate(path: path, reason: error.localizedDescription)
        }
    }
}

extension FocusCode {
    struct Codebook: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show and edit the hierarchical codebook: themes, subthemes, definitions.",
            discussion: """
                Codes are addressed by path (Theme/Subtheme, ignoring case) or by ID (the whole ID or its first \
                6+ characters, as 'focuscode codebook' shows). Rename, move and merge keep IDs and codings.

                Examples:
                  focuscode codebook import Fixtures/codebook.yaml
                  focuscode codebook                                  # tree with counts per coder
                  focuscode codebook add "Impact of Covid-19/Remote supervision" --description "…" --colour "#4477aa"
                  focuscode codebook rename "Role of policing/Training needs" "Training gaps"
                  focuscode codebook move "Impact of Covid-19/Isolation" --under "Offender profiles"
                  focuscode codebook merge "Offender profiles/Isolation" --into "Impact of Covid-19/Isolation"
                  focuscode codebook retire "Offenders' IT skills/Concealment"
                  focuscode codebook describe "Offender profiles" --inclusion "…" --exclusive
                  focuscode codebook export --format md > codebook.md
                """,
            subcommands: [List.self, Show.self, ImportBook.self, Export.self, Add.self, Rename.self, Move.self, Merge.self,
                          Retire.self, Describe.self],
            defaultSubcommand: List.self)

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "The codebook as a tree, with excerpts coded per code and coder (the default).",
                discussion: """
                    A theme counts every excerpt coded with it or any of its subthemes, once.

                    Examples:
                      focuscode codebook
                      focuscode codebook list --format csv
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions

            func run() throws {
                let opened = try project.open()
                output.print(Listings.codebook(try opened.codebook(), counts: try opened.codebookCounts(), indented: output.format == .table))
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one code's definition.",
                discussion: """
                    Example:
                      focuscode codebook show "Offender profiles/Isolation"
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions
            @Argument(help: "The code: path or ID.") var code: String

            func run() throws {
                output.print(Listings.code(try project.open().codebook().resolve(code)))
            }
        }

        struct ImportBook: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "Import a codebook from YAML, JSON, CSV or Markdown (as 'codebook export' writes them).",
                discussion: """
                    A code in the file is matched to the project by ID, else by path; matched codes take the file's \
                    definition, new codes are added with the file's IDs (or new ones). Codes not in the file are \
                    left alone. The whole file is checked first; one transaction.

                    Examples:
                      focuscode codebook import Fixtures/codebook.yaml
                      focuscode codebook import codes.csv
                      focuscode codebook import notes.txt --input-format md
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The codebook file (.yaml, .yml, .json, .csv, .md).") var file: String
            @Option(name: .customLong("input-format"), help: "Read the file as yaml, json, csv or md instead of guessing from the extension.")
            var inputFormat: CodebookFormat?

            func run() throws {
                let opened = try project.open()
                let (text, name) = try InputFile.read(file)
                guard let format = inputFormat ?? CodebookFormat(fileExtension: URL(fileURLWithPath: file).pathExtension) else {
                    throw CodebookError.unsupportedFormat(file: name)
                }
                let document = try CodebookFiles.read(text, format: format, fileName: name)
                let s = try opened.importCodebook(document, fileName: name)
                Console.out("Imported \(name): \(s.created) codes added, \(s.updated) updated, \(s.unchanged) unchanged.")
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Export the codebook as YAML, JSON, CSV or Markdown (with IDs, so it imports back exactly).",
                discussion: """
                    Examples:
                      focuscode codebook export --format yaml > codebook.yaml
                      focuscode codebook export --format md --output codebook.md
                    """)
            @OptionGroup var project: ProjectOptions
            @Option(name: .long, help: "yaml, json, csv or md.") var format: CodebookFormat = .yaml
            @Option(name: .long, help: "Write to this file instead of stdout.") var output: String?
            @OptionGroup var csv: RawCSVOptions

            func run() throws {
                let document = try project.open().codebook().document()
                try InputFile.write(try CodebookFiles.write(document, format: format), to: output)
            }
        }

        struct DefinitionOptions: ParsableArguments {
            @Option(name: .long, help: "What the code means (an empty value clears it).") var description: String?
            @Option(name: .long, help: "When to apply it.") var inclusion: String?
            @Option(name: .long, help: "When not to apply it.") var exclusion: String?
            @Option(name: .long, help: "A typical example.") var example: String?
            @Option(name: .long, help: "A colour as #RRGGBB, e.g. #4477AA.") var colour: String?
            @Flag(name: .long, inversion: .prefixedNo, help: "Its subcodes are mutually exclusive (one per excerpt and coder).")
            var exclusive: Bool?

            var changes: CodeDefinitionChanges {
                CodeDefinitionChanges(description: description, inclusion: inclusion, exclusion: exclusion, example: example,
                                      colour: colour, exclusive: exclusive)
            }
        }

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a code by path: a theme ('Theme') or a subcode ('Theme/Subtheme'; the parent must exist).",
                discussion: """
                    Examples:
                      focuscode codebook add "Impact of Covid-19/Remote supervision" --description "Supervision at a distance" --colour "#4477aa"
                      focuscode codebook add "Victim identification" --exclusive
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The new code's path.") var path: String
            @OptionGroup var definition: DefinitionOptions
            @Option(name: .long, help: "Use this ID instead of a new UUID (letters, digits, '-', '_', '.').") var id: String?

            func run() throws {
                let code = try project.open().addCode(path: path, uid: id, definition: definition.changes)
                Console.out("Added \(code.path) (id \(code.uid))")
            }
        }

        struct Rename: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Rename a code; its ID, subcodes and codings stay.",
                discussion: """
                    Example:
                      focuscode codebook rename "Role of policing/Training needs" "Training gaps"
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The code: path or ID.") var code: String
            @Argument(help: "The new name (not a path).") var name: String

            func run() throws {
                let renamed = try project.open().renameCode(code, to: name)
                Console.out("Renamed to \(renamed.path) (id \(renamed.uid))")
            }
        }

        struct Move: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Move a code (with its subcodes) under another code, or to the top level.",
                discussion: """
                    Examples:
                      focuscode codebook move "Impact of Covid-19/Isolation" --under "Offender profiles"
                      focuscode codebook move "Role of policing/Officer welfare" --top
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The code: path or ID.") var code: String
            @Option(name: .long, help: "The new parent: path or ID.") var under: String?
            @Flag(name: .long, help: "Make it a theme (top level).") var top = false

            func validate() throws {
                if (under == nil) == !top { throw ValidationError("Say where to: --under PARENT or --top.") }
            }

            func run() throws {
                let moved = try project.open().moveCode(code, under: under)
                Console.out("Moved to \(moved.path) (id \(moved.uid))")
            }
        }

        struct Merge: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Merge a code into another: every coding moves to the survivor, nothing is lost.",
                discussion: """
                    A coder who had both codes on an excerpt keeps one coding (the survivor's, with the merged \
                    code's note if it had none). Subcodes and memos move to the survivor; the merged code is removed.

                    Example:
                      focuscode codebook merge "Offender profiles/Isolation" --into "Impact of Covid-19/Isolation"
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The code to merge away: path or ID.") var code: String
            @Option(name: .long, help: "The code that remains: path or ID.") var into: String

            func run() throws {
                let s = try project.open().mergeCode(code, into: into)
                Console.out("Merged into \(s.survivor.path): \(s.moved) codings moved, \(s.collapsed) duplicates kept once, \(s.childrenMoved) subcodes moved.")
            }
        }

        struct Retire: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Retire a code: hidden from new coding (with its subcodes), its codings kept for history.",
                discussion: """
                    Examples:
                      focuscode codebook retire "Offenders' IT skills/Concealment"
                      focuscode codebook retire "Offenders' IT skills/Concealment" --restore
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The code: path or ID.") var code: String
            @Flag(name: .long, help: "Bring a retired code back into use.") var restore = false

            func run() throws {
                let c = try project.open().retireCode(code, restore: restore)
                Console.out(restore ? "Restored \(c.path)" : "Retired \(c.path); its codings are kept.")
            }
        }

        struct Describe: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change a code's description, criteria, example, colour, or mutually exclusive subcodes.",
                discussion: """
                    Only the options given change; an empty value clears a field.

                    Examples:
                      focuscode codebook describe "Offender profiles" --description "Who offenders are" --colour "#4477AA"
                      focuscode codebook describe "Role of policing" --exclusive
                      focuscode codebook describe "Role of policing" --example ""
                    """)
            @OptionGroup var project: ProjectOptions
            @Argument(help: "The code: path or ID.") var code: String
            @OptionGroup var definition: DefinitionOptions

            func validate() throws {
                if definition.changes.isEmpty { throw ValidationError("Give at least one of --description, --inclusion, --exclusion, --example, --colour, --exclusive.") }
            }

            func run() throws {
                let c = try project.open().describeCode(code, definition.changes)
                Console.out("Updated \(c.path)")
            }
        }
    }
}

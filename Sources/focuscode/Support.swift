import ArgumentParser
import FocusCodeKit
import Foundation

/// `--project`, shared by every command that opens a project.
struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project file (default: $FOCUSCODE_PROJECT, else ./focuscode.sqlite).", valueName: "path"))
    var project: String?

    /// The path in force: the option, the environment, or the default file in the current folder.
    var path: String {
        if let project { return project }
        if let env = ProcessInfo.processInfo.environment["FOCUSCODE_PROJECT"], !env.isEmpty { return env }
        return Project.defaultFileName
    }

    func open() throws -> Project { try Project.open(at: path) }

    /// Opens the project without any write (for previews).
    func openReadOnly() throws -> Project { try Project.openReadOnly(at: path) }
}

/// The help of `--raw-csv`, the same on every command that writes CSV.
let rawCSVHelp = ArgumentHelp(
    "CSV: write values exactly as stored. By default a value starting with = + - @, a tab or a carriage return "
        + "(not a plain number) gets a leading ' so that spreadsheets show it instead of running it as a formula; "
        + "FocusCode's own imports drop that ' again.")

/// Options that may ask for CSV without formula neutralisation; `FocusCode.main` applies it to the run.
protocol RawCSVOption {
    var rawCSV: Bool { get }
}

extension OptionGroup: RawCSVOption where Value: RawCSVOption {
    var rawCSV: Bool { wrappedValue.rawCSV }
}

/// `--raw-csv` alone, for commands whose format option is their own.
struct RawCSVOptions: ParsableArguments, RawCSVOption {
    @Flag(name: .customLong("raw-csv"), help: rawCSVHelp) var rawCSV = false
}

/// Whether any option group of the command asked for `--raw-csv`.
func wantsRawCSV(_ command: any ParsableCommand) -> Bool {
    Mirror(reflecting: command).children.contains { ($0.value as? RawCSVOption)?.rawCSV == true }
}

/// `--format` for listings.
struct FormatOptions: ParsableArguments, RawCSVOption {
    @Option(name: .long, help: "Output format: table, csv or json.")
    var format: OutputFormat = .table
    @Flag(name: .customLong("raw-csv"), help: rawCSVHelp) var rawCSV = false

    /// Prints a table in the chosen format to stdout.
    func print(_ table: Table) {
        Console.out(format.renderer(maxWidth: Console.width).render(table), terminator: "")
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension TranscriptFormat: ExpressibleByArgument {}

/// Output for people goes to stdout; diagnostics to stderr.
enum Console {
    static func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("focuscode: error: " + text + "\n").utf8))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether stdout is a terminal (colour and highlighting only then).
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The terminal's width, or 120 when not a terminal.
    static var width: Int {
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 {
            return Int(size.ws_col)
        }
        if let cols = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), cols > 20 { return cols }
        return 120
    }

    static func bold(_ s: String) -> String { isTerminal ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
}

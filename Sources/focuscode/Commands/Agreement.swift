import ArgumentParser
import FocusCodeKit
import Foundation

extension AgreementOutputFormat: ExpressibleByArgument {}
extension AgreementUnit: ExpressibleByArgument {}

extension FocusCode {
    struct Agreement: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Inter-coder agreement per code, pooled and per exclusive branch, or the list of disagreements.",
            discussion: """
                The unit is the turn (excerpt) unless --unit character. Per code, each coder's value is 1 (applied), 0 (reviewed, not applied) or missing (not reviewed); a theme counts as applied when any of its subthemes is (roll-up), a subtheme counts its own codings. The consensus coder is never a rater. Coefficients: percent agreement (per pair, mean, unit mean, Krippendorff's 1 − D_o), Cohen's κ per pair and their mean (Light), Scott's π, Fleiss' κ (complete cases and Gwet's form), Krippendorff's α (nominal), Gwet's AC1. Undefined values are shown as "not computable" with the reason. See Docs/agreement.md.

                With --unit character every character (Unicode code point) of the turns in scope is a unit, per code: 1 where a passage the coder coded with the code (or, for a theme, a subtheme) covers it, else 0, so text that neither coder coded counts as agreement, as in NVivo's coding comparison. The report says how much of the text no coder coded and, for two coders, the characters each code has by both, by one only and by neither. No bootstrap at this unit (characters are not independent draws).

                Without --codings it reads the project; with --codings it reads long-form CSV coded elsewhere (unit,coder,code; an empty code = saw the unit, applied none; no row = missing), and then --coders, --codes and --units name one-column CSV files (headers coder, code, unit).

                Examples:
                  focuscode agreement
                  focuscode agreement --level 1 --bootstrap 2000 --seed 7
                  focuscode agreement --codes "Offender profiles" --group FG1
                  focuscode agreement --coders coder_a,coder_b --level 1
                  focuscode agreement --format csv --output agreement.csv
                  focuscode agreement --disagreements
                  focuscode agreement --coders alice,bob --unit character
                  focuscode agreement --codings elsewhere.csv --coders coders.csv --exclusive
                """)

        @OptionGroup var project: ProjectOptions

        @Option(name: .long, help: ArgumentHelp("Coders in pair order, comma-separated (default: every coder with codings, by name). With --codings: a CSV file with a 'coder' column.", valueName: "names|file"))
        var coders: [String] = []

        @Option(name: .long, help: ArgumentHelp("Codes: a theme (its subthemes included) or Theme/Subtheme paths, comma-separated or repeated (default: all). With --codings: a CSV file with a 'code' column.", valueName: "codes|file"))
        var codes: [String] = []

        @Option(name: .long, help: "Only excerpts of this group (repeat for several; default: all).")
        var group: [String] = []

        @Option(name: .long, help: ArgumentHelp("What one unit is: turn (a turn carries a code if any passage does) or character.", valueName: "turn|character"))
        var unit: AgreementUnit = .turn

        @Flag(name: .long, help: "Count moderator turns as units too (left out by default).")
        var includeModerator = false

        @Option(name: .long, help: ArgumentHelp("Deepest codebook level: 1 = themes only (rolled up), 2 = themes and subthemes (default: all).", valueName: "n"))
        var level: Int?

        @Option(name: .long, help: "Output format: table, csv, json or md.")
        var format: AgreementOutputFormat = .table

        @OptionGroup var csv: RawCSVOptions

        @Option(name: .long, help: ArgumentHelp("Write the output to this file instead of the screen.", valueName: "file"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("Bootstrap resamples over excerpts for confidence intervals (0 = none).", valueName: "n"))
        var bootstrap: Int = 0

        @Option(name: .long, help: "Seed of the bootstrap (the same seed gives the same intervals).")
        var seed: UInt64 = AgreementOptions().seed

        @Flag(name: .long, help: "List each excerpt and code where the coders differ, instead of coefficients.")
        var disagreements = false

        @Option(name: .long, help: ArgumentHelp("Long-form CSV coded elsewhere (unit,coder,code); repeat for several files. No project is needed.", valueName: "file"))
        var codings: [String] = []

        @Option(name: .long, help: ArgumentHelp("With --codings: a CSV file with a 'unit' column listing every unit (units nobody coded included).", valueName: "file"))
        var units: String?

        @Flag(name: .long, help: "With --codings: the codes are mutually exclusive; adds the nominal variable over all codes.")
        var exclusive = false

        func validate() throws {
            if bootstrap < 0 || bootstrap > 1_000_000 { throw ValidationError("--bootstrap must be between 0 and 1000000.") }
            if let level, level < 1 { throw ValidationError("--level must be 1 (themes) or more.") }
            if unit == .character {
                if bootstrap > 0 { throw ValidationError("--bootstrap works with --unit turn; characters are not independent draws, so no interval is given for them.") }
                if disagreements { throw ValidationError("--disagreements lists turns; leave out --unit character.") }
                if !codings.isEmpty { throw ValidationError("--unit character reads a project's passages; --codings files have no spans.") }
            }
            if codings.isEmpty {
                if units != nil { throw ValidationError("--units goes with --codings (a CSV file of units).") }
                if exclusive { throw ValidationError("--exclusive goes with --codings; in a project, exclusive branches come from the codebook.") }
            } else {
                if !group.isEmpty || includeModerator || level != nil {
                    throw ValidationError("--group, --include-moderator and --level work on a project, not with --codings.")
                }
                if coders.count > 1 || codes.count > 1 {
                    throw ValidationError("with --codings, --coders and --codes each name one CSV file.")
                }
            }
        }

        func run() throws {
            let options = AgreementOptions(bootstrapResamples: bootstrap, seed: seed)
            let text: String
            if codings.isEmpty {
                text = try projectOutput(options)
            } else {
                text = try csvOutput(options)
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                    throw ProjectError.cannotCreate(path: output, reason: "check that the folder exists and is writable")
                }
            } else {
                Console.out(text, terminator: "")
            }
        }

        private var width: Int { output == nil ? Console.width : 120 }

        private func projectOutput(_ options: AgreementOptions) throws -> String {
            let project = try project.open()
            let scope = AgreementScope(coders: coders.isEmpty ? nil : coders.flatMap(Self.splitList),
                                       codes: codes, groups: group, includeModerator: includeModerator, level: level)
            if unit == .character {
                let data = try project.characterAgreementData(scope)
                var context = AgreementContext(source: "project \(project.path)", units: data.characters, coders: data.coders, groups: data.groups,
                                               includesModerator: includeModerator, level: level, rollUp: true)
                context.unit = .character
                context.notes = data.notes
                return format.renderer(maxWidth: width).render(AgreementDocument(context: context, report: try data.report(options: options)))
            }
            let data = try project.agreementData(scope)
            if disagreements {
                return render(try project.agreementDisagreements(data))
            }
            let context = AgreementContext(source: "project \(project.path)", units: data.dataset.units.count,
                                           coders: data.dataset.coders, groups: data.groups, includesModerator: includeModerator,
                                           level: level, rollUp: true)
            return format.renderer(maxWidth: width).render(AgreementDocument(context: context, report: try data.report(options: options)))
        }

        private func csvOutput(_ options: AgreementOptions) throws -> String {
            let input = try AgreementCSVInput(
                codings: try codings.map(Self.readFile), units: try units.map(Self.readFile),
                coders: try coders.first.map(Self.readFile), codes: try codes.first.map(Self.readFile), exclusive: exclusive)
            if disagreements {
                return render(input.dataset.disagreements())
            }
            let context = AgreementContext(source: "codings " + codings.map { ($0 as NSString).lastPathComponent }.joined(separator: ", "),
                                           units: input.dataset.units.count, coders: input.dataset.coders)
            return format.renderer(maxWidth: width).render(AgreementDocument(context: context, report: try input.report(options: options)))
        }

        private func render(_ list: [AgreementDisagreement]) -> String {
            let table = AgreementTables.disagreements(list)
            switch format {
            case .json: return AgreementTables.disagreementsJSON(list)
            case .csv: return CSVTableRenderer().render(table)
            case .md: return AgreementTables.markdown(table)
            case .table: return TerminalTableRenderer(maxWidth: width).render(table)
            }
        }

        static func splitList(_ value: String) -> [String] {
            value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        static func readFile(_ path: String) throws -> AgreementInputFile {
            guard FileManager.default.fileExists(atPath: path) else { throw ProjectError.fileMissing(path: path) }
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw ProjectError.unreadable(path: path, reason: error.localizedDescription)
            }
            return try AgreementInputFile(name: (path as NSString).lastPathComponent, data: data)
        }
    }
}

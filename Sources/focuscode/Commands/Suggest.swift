import ArgumentParser
import FocusCodeKit
import Foundation

/// The classifier's settings, shared by `suggest train` and `suggest evaluate`.
struct ClassifierOptions: ParsableArguments {
    @Option(name: .long, help: "Seed for the order of training (and the folds): the same seed gives the same model.") var seed: UInt64 = 1
    @Option(name: .long, help: "Passes over the training turns.") var epochs: Int = 20
    @Option(name: .long, help: "Codes applied to fewer turns than this are not learned.") var minExamples: Int = 5

    func validate() throws {
        if epochs < 1 { throw ValidationError("--epochs must be at least 1.") }
        if minExamples < 2 { throw ValidationError("--min-examples must be at least 2.") }
    }

    var parameters: ClassifierParameters { ClassifierParameters(epochs: epochs, minExamples: minExamples, seed: seed) }
}

extension FocusCode {
    struct Suggest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A machine coder, learned from a human coder's reviewed turns, whose codes are suggestions for a human to approve.",
            discussion: """
                The classifier is one-vs-rest logistic regression over word and word-pair features (English stop words and fillers left out), written for FocusCode: it runs on this machine, downloads nothing and sends nothing out. It learns from the turns a named coder has reviewed (codes roll up: a theme counts as applied when a subtheme is), is measured with the same agreement statistics as a human coder, and stores its codes as a coder of its own, each with its confidence.

                Examples:
                  focuscode suggest train --coder coder_a --level 2
                  focuscode suggest evaluate --coder coder_a --folds 5
                  focuscode suggest apply --as machine --group FG2 --min-confidence 0.7
                  focuscode agreement --coders coder_a,machine
                  focuscode code --interactive --coder alice --review-suggestions machine
                """,
            subcommands: [Train.self, Evaluate.self, Apply.self])

        struct Train: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Learn codes from a coder's reviewed turns and store the model in the project.",
                discussion: """
                    The model is stored under --model (default: the coder's name), replacing one of that name; its parameters and the training coder go to the audit log. Codes with fewer than --min-examples examples are listed and not learned.

                    Examples:
                      focuscode suggest train --coder coder_a --level 2
                      focuscode suggest train --coder coder_a --group FG1 --model fg1-only --seed 7
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var classifier: ClassifierOptions
            @Option(name: .long, help: "The human coder to learn from.") var coder: String
            @Option(name: .long, help: "Deepest codebook level learned (1 = themes, 2 = themes and subthemes); default every level.") var level: Int?
            @Option(name: .long, help: "Learn only from this group's turns (repeatable).") var group: [String] = []
            @Option(name: .long, help: "The model's name (default: the coder's name).") var model: String?

            func run() throws {
                let summary = try project.open().trainSuggestionModel(coder: coder, level: level, groups: group, name: model,
                                                                      parameters: classifier.parameters)
                Console.out("Model '\(summary.model)': learned \(summary.learned.count) codes from \(summary.turns) turns reviewed by \(summary.coder) (\(summary.features) features, seed \(summary.parameters.seed)).")
                for code in summary.learned { Console.out("  \(code.code): \(code.examples) examples") }
                for code in summary.skipped {
                    Console.out("  not learned: \(code.code): \(code.examples) example\(code.examples == 1 ? "" : "s") (at least \(summary.parameters.minExamples) needed)")
                }
            }
        }

        struct Evaluate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Measure the machine coder against the human: k-fold held-out κ, α, AC1 (with CIs), precision and recall per code.",
                discussion: """
                    The coder's reviewed turns are split into --folds parts (seeded); each part is coded by a model trained on the others, and the held-out codes are compared with the human's by the project's agreement engine (per code and pooled). Nothing is stored. Codes with too few examples are named and left out.

                    Columns: examples (turns the human applied the code to), suggested, precision, recall, accuracy, baseline (accuracy of always giving the more frequent answer), Cohen's κ with its bootstrap CI, Krippendorff's α, Gwet's AC1.

                    Examples:
                      focuscode suggest evaluate --coder coder_a --folds 5
                      focuscode suggest evaluate --coder coder_a --level 1 --folds 10 --format csv
                    """)
            @OptionGroup var project: ProjectOptions
            @OptionGroup var output: FormatOptions
            @OptionGroup var classifier: ClassifierOptions
            @Option(name: .long, help: "The human coder to learn from and compare with.") var coder: String
            @Option(name: .long, help: "How many folds.") var folds: Int = 5
            @Option(name: .long, help: "Deepest codebook level (1 = themes only).") var level: Int?
            @Option(name: .long, help: "Only this group's turns (repeatable).") var group: [String] = []
            @Option(name: .long, help: "Suggest a code when its confidence is at least this.") var minConfidence: Double = 0.5
            @Option(name: .long, help: "Bootstrap resamples for the confidence intervals (0 = none).") var bootstrap: Int = 1000

            func validate() throws {
                if folds < 2 { throw ValidationError("--folds must be at least 2.") }
                if !(minConfidence > 0 && minConfidence < 1) { throw ValidationError("--min-confidence must be between 0 and 1 (exclusive).") }
                if bootstrap < 0 { throw ValidationError("--bootstrap cannot be negative.") }
            }

            func run() throws {
                let evaluation = try project.open().evaluateSuggestions(coder: coder, folds: folds, level: level, groups: group, minConfidence: minConfidence,
                                                                        parameters: classifier.parameters, bootstrap: bootstrap)
                output.print(SuggestionTables.evaluation(evaluation))
            }
        }

        struct Apply: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Store a model's suggestions as a coder of their own, each with its confidence.",
                discussion: """
                    Every turn in scope (moderator turns left out unless --include-moderator) is marked reviewed by the --as coder, and each code at or above --min-confidence becomes that coder's coding; confidences go to the table 'suggestion'. Running it again replaces that coder's pending suggestions in scope. The model, its parameters, the training coder and the date go to the audit log and to a project memo.

                    Examples:
                      focuscode suggest apply --as machine --group FG2 --min-confidence 0.7
                      focuscode suggest apply --model coder_a --as machine
                    """)
            @OptionGroup var project: ProjectOptions
            @Option(name: .long, help: "The model (default: the only one stored).") var model: String?
            @Option(name: .customLong("as"), help: "The coder the suggestions are stored as.") var coder: String = "machine"
            @Option(name: .long, help: "Only this group's turns (repeatable; default all groups).") var group: [String] = []
            @Option(name: .long, help: "Store a code when its confidence is at least this.") var minConfidence: Double = 0.5
            @Flag(name: .long, help: "Suggest codes for the moderator's turns too.") var includeModerator = false

            func validate() throws {
                if !(minConfidence > 0 && minConfidence < 1) { throw ValidationError("--min-confidence must be between 0 and 1 (exclusive).") }
            }

            func run() throws {
                let summary = try project.open().applySuggestions(model: model, as: coder, groups: group, minConfidence: minConfidence,
                                                                  includeModerator: includeModerator)
                Console.out("\(summary.suggestions) suggestions on \(summary.turns) turns stored as coder '\(summary.coder)' (model '\(summary.model)', minimum confidence \(summary.minConfidence)).")
                for code in summary.byCode { Console.out("  \(code.code): \(code.examples)") }
            }
        }
    }
}

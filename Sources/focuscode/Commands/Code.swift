import ArgumentParser
import FocusCodeKit
import Foundation

/// `--coder`, else `FOCUSCODE_CODER`.
struct CoderOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Who is coding (default: $FOCUSCODE_CODER). 'consensus' is reserved for reconciled codings.", valueName: "name"))
    var coder: String?

    func name() throws -> String {
        if let coder { return coder }
        if let env = ProcessInfo.processInfo.environment["FOCUSCODE_CODER"], !env.isEmpty { return env }
        throw CodingError.missingCoder
    }

    /// The coder for a project: a team copy is set to its coder (the default, and the only coder allowed).
    func name(in project: ProjectOptions) throws -> String {
        guard let owner = try project.open().teamCopyCoder() else { return try name() }
        let chosen = coder ?? ProcessInfo.processInfo.environment["FOCUSCODE_CODER"].flatMap { $0.isEmpty ? nil : $0 } ?? owner
        if chosen.lowercased() != owner.lowercased() { throw ExchangeError.wrongCoderForCopy(copy: project.path, owner: owner, coder: chosen) }
        return owner
    }
}

/// Which passage of a turn: `--span START:END` or `--text "…"` (with `--occurrence N`); neither is the whole turn.
struct PassageOptions: ParsableArguments {
    @Option(name: .long, help: "The passage as characters START:END of the excerpt (code points, 0-based, end exclusive).")
    var span: String?
    @Option(name: .long, help: "The passage as its text, found in the excerpt exactly as written.") var text: String?
    @Option(name: .long, help: ArgumentHelp("With --text: which occurrence, when the text occurs more than once (1 = first).", valueName: "n"))
    var occurrence: Int?

    var given: Bool { span != nil || text != nil || occurrence != nil }

    func check() throws {
        if span != nil, text != nil { throw ValidationError("Give --span or --text, not both.") }
        if let span, Span(span) == nil { throw ValidationError("--span must be START:END, e.g. 12:80.") }
        if let text, text.isEmpty { throw ValidationError("--text needs the words of the passage.") }
        if occurrence != nil, text == nil { throw ValidationError("--occurrence goes with --text.") }
        if let occurrence, occurrence < 1 { throw ValidationError("--occurrence counts from 1.") }
    }

    /// `nil` when neither is given.
    var selector: PassageSelector? {
        if let span, let parsed = Span(span) { return .span(parsed) }
        if let text { return .text(text, occurrence: occurrence) }
        return nil
    }
}

extension FocusCode {
    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply codes to an excerpt, mark it reviewed with no code, or code interactively.",
            discussion: """
                A coding is a passage: the whole turn (the default), characters START:END with --span (Unicode code \
                points, 0-based, end exclusive), or the words given with --text, found in the turn exactly as \
                written (--occurrence N when they occur more than once). A coder may code several passages of one \
                turn with the same code, overlapping or not; coding the same passage again only changes its note.

                Coding marks the excerpt reviewed by the coder. --none records "looked, no code applies", which \
                agreement counts as a 0, unlike an excerpt never looked at (missing). If the coder has codes on \
                the excerpt, --none refuses unless --replace, which removes them. In a mutually exclusive branch, \
                applying a second subcode is refused unless --replace, which swaps it. The coder 'consensus' is \
                reserved for reconciled codings and refused here.

                --interactive opens a full-screen session in the terminal: one excerpt at a time with the turns \
                around it, codes by number or name, undo, notes, progress; it resumes at the first excerpt the \
                coder has not reviewed, and --blind hides other coders' codes. Keys: 1–99 Enter apply a code by \
                number, / (or a) type a name then Enter, w then word numbers FROM-TO to choose a passage (the next \
                code codes only those words; Esc clears), r remove, 0 no code applies, n note, u undo, b back, \
                Enter or s next, ? help, q quit.

                --interactive --review-suggestions CODER walks through that coder's pending suggestions (e.g. the \
                machine coder's, from 'focuscode suggest apply'), one excerpt and code at a time with its confidence: \
                a accepts (the code becomes your coding), r rejects (you have reviewed the excerpt without it), s skips \
                (it stays pending), q quits; run it again to see what is still pending.

                Examples:
                  focuscode code FG1-0007 "Offender profiles/Isolation" --coder alice
                  focuscode code FG1-0007 "Offender profiles/Isolation" --coder alice --span 12:80 --note "strong example"
                  focuscode code FG1-0007 "Offender profiles/Isolation" --coder alice --text "living alone"
                  focuscode code FG1-0008 --none --coder alice
                  focuscode code --interactive --coder alice --group FG1 --blind
                  focuscode code --interactive --coder alice --review-suggestions machine   # a accept, r reject, s skip, q quit
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var coderOptions: CoderOptions
        @Argument(help: "The excerpt, e.g. FG1-0007.") var excerpt: String?
        @Argument(help: "Codes to apply: paths (Theme/Subtheme) or IDs.") var codes: [String] = []
        @Flag(name: .long, help: "Mark the excerpt reviewed with no code applied.") var none = false
        @Flag(name: .long, help: "With --none: remove the coder's codes on the excerpt; in an exclusive branch: replace the sibling.")
        var replace = false
        @OptionGroup var passage: PassageOptions
        @Option(name: .long, help: "A note on the coding.") var note: String?
        @Flag(name: .long, help: "Code in a full-screen terminal session.") var interactive = false
        @Option(name: .long, help: "With --interactive: only this group's excerpts.") var group: String?
        @Flag(name: .long, help: "With --interactive: never show other coders' codes.") var blind = false
        @Flag(name: .long, help: "With --interactive: only excerpts this coder has not reviewed yet.") var uncoded = false
        @Flag(name: .customLong("include-moderator"), help: "With --interactive: include moderators' turns in the queue.")
        var includeModerator = false
        @Option(name: .long, help: ArgumentHelp("With --interactive: walk through this coder's pending suggestions (e.g. machine): a accept, r reject, s skip.",
                                                valueName: "coder"))
        var reviewSuggestions: String?

        func validate() throws {
            if interactive {
                if excerpt != nil || none || passage.given || note != nil || replace {
                    throw ValidationError("--interactive takes --coder, --group, --blind, --uncoded and --include-moderator only.")
                }
                return
            }
            if group != nil || blind || uncoded || includeModerator || reviewSuggestions != nil {
                throw ValidationError("--group, --blind, --uncoded, --include-moderator and --review-suggestions go with --interactive.")
            }
            guard excerpt != nil else { throw ValidationError("Name the excerpt (e.g. FG1-0007) and a code, or use --interactive.") }
            if none {
                if !codes.isEmpty || passage.given || note != nil { throw ValidationError("--none takes no codes, --span, --text or --note.") }
            } else if codes.isEmpty {
                throw ValidationError("Name a code to apply (a path such as \"Offender profiles/Isolation\"), or --none.")
            }
            try passage.check()
        }

        func run() throws {
            let coder = try coderOptions.name(in: project)
            if interactive, let suggester = reviewSuggestions {
                try InteractiveCoding.review(projectOptions: project, coder: coder, suggester: suggester, group: group)
                return
            }
            if interactive {
                try InteractiveCoding.run(projectOptions: project, coder: coder, group: group, blind: blind, uncoded: uncoded,
                                          includeModerators: includeModerator)
                return
            }
            let opened = try project.open()
            let excerpt = excerpt!
            if none {
                let changed = try opened.markReviewedNone(excerpt, coder: coder, replace: replace)
                Console.out(changed ? "\(excerpt): reviewed by \(coder), no code applied." : "\(excerpt): already reviewed by \(coder) with no code.")
                return
            }
            for code in codes {
                let (outcome, span) = try opened.applyCode(code, to: excerpt, coder: coder, passage: passage.selector ?? .wholeTurn, note: note,
                                                           replace: replace)
                let path = try opened.codebook().resolve(code).path
                let what = span.map { "characters \($0.description) of \(excerpt)" } ?? excerpt
                switch outcome {
                case .applied: Console.out("\(excerpt): applied \(path) to \(span.map { "characters \($0.description)" } ?? "the whole turn") as \(coder).")
                case .updated: Console.out("\(excerpt): \(coder) had coded \(what) with \(path) already; note updated.")
                case .unchanged: Console.out("\(excerpt): \(coder) had coded \(what) with \(path) already.")
                }
            }
        }
    }

    struct Uncode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a code a coder applied to an excerpt: every passage of it, or one (the excerpt stays reviewed).",
            discussion: """
                Without --span, --text, --whole-turn or --passage, every passage of the code that the coder marked \
                in the excerpt is removed. With one of them, only that passage: --span START:END and --text as for \
                'focuscode code', --whole-turn the whole-turn coding, --passage ID the passage with that ID (as \
                listed by 'focuscode codings --excerpt ID'; then give no excerpt or code).

                Examples:
                  focuscode uncode FG1-0007 "Offender profiles/Isolation" --coder alice
                  focuscode uncode FG1-0007 "Offender profiles/Isolation" --coder alice --text "living alone"
                  focuscode uncode --passage 3f2b8c1e-5d7a-4b0e-9c61-2a4e8f0d1b73 --coder alice
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var coderOptions: CoderOptions
        @Argument(help: "The excerpt, e.g. FG1-0007.") var excerpt: String?
        @Argument(help: "The code: path or ID.") var code: String?
        @OptionGroup var passage: PassageOptions
        @Flag(name: .customLong("whole-turn"), help: "Remove only the whole-turn coding of the code.") var wholeTurn = false
        @Option(name: .customLong("passage"), help: ArgumentHelp("Remove the passage with this ID.", valueName: "id")) var passageId: String?

        func validate() throws {
            if passageId != nil {
                if excerpt != nil || code != nil || passage.given || wholeTurn {
                    throw ValidationError("--passage ID names the passage on its own; leave out the excerpt, code, --span, --text and --whole-turn.")
                }
                return
            }
            guard excerpt != nil, code != nil else { throw ValidationError("Name the excerpt and the code (or give --passage ID).") }
            if wholeTurn, passage.given { throw ValidationError("Give one of --whole-turn, --span or --text.") }
            try passage.check()
        }

        func run() throws {
            let coder = try coderOptions.name(in: project)
            let opened = try project.open()
            if let passageId {
                try opened.removePassage(passageId, coder: coder)
                Console.out("Removed passage \(passageId.lowercased()) (\(coder)); its excerpt stays reviewed.")
                return
            }
            let excerpt = excerpt!, code = code!
            let selector = wholeTurn ? .wholeTurn : passage.selector
            let removed = try opened.removeCode(code, from: excerpt, coder: coder, passage: selector)
            let path = try opened.codebook().resolve(code).path
            Console.out("\(excerpt): removed \(path) (\(coder), \(removed) passage\(removed == 1 ? "" : "s")); the excerpt stays reviewed.")
        }
    }
}

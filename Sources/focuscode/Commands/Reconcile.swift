import ArgumentParser
import FocusCodeKit
import Foundation

extension FocusCode {
    struct Reconcile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the consensus coding from several coders, by a rule or interactively.",
            discussion: """
                The consensus is stored as the reserved coder 'consensus'. Only excerpts that every chosen coder reviewed are reconciled. Rules work on the codes as applied (no roll-up); a code is applied when
                  majority      more than half of the coders applied it
                  union         any coder applied it
                  intersection  every coder applied it
                  prefer:NAME   NAME applied it (NAME's codes are taken as they are)
                A majority tie (exactly half) is not applied, and the excerpt is listed as unresolved. A rule writes every excerpt in one transaction and each decision goes to the audit log. It refuses to overwrite an existing consensus unless --replace.

                Without --rule, an interactive session walks through the disagreements in the terminal: excerpts on which the coders agree are taken as they are, then each code they differ on is shown with the excerpt and who applied it. Keys: a apply, r reject, s skip the excerpt, u undo, q quit. An excerpt is written when its last code is decided, so quitting and running the command again resumes where you left off.

                Examples:
                  focuscode reconcile --coders coder_a,coder_b
                  focuscode reconcile --coders coder_a,coder_b --rule majority
                  focuscode reconcile --coders coder_a,coder_b --rule prefer:coder_a --replace
                  focuscode reconcile --coders coder_a,coder_b --rule union --format csv
                """)

        @OptionGroup var project: ProjectOptions

        @Option(name: .long, help: ArgumentHelp("The coders to reconcile, comma-separated (at least two).", valueName: "names"))
        var coders: [String] = []

        @Option(name: .long, help: ArgumentHelp("majority, union, intersection or prefer:NAME (default: interactive).", valueName: "rule"))
        var rule: String?

        @Option(name: .long, help: "Only excerpts of this group (repeat for several; default: all).")
        var group: [String] = []

        @Flag(name: .long, help: "With --rule: overwrite the consensus already written for these excerpts.")
        var replace = false

        @Option(name: .long, help: "With --rule: output format of the decisions, table (a summary), csv or json.")
        var format: OutputFormat = .table

        var coderList: [String] { coders.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty } }

        func validate() throws {
            if coderList.count < 2 { throw ValidationError("name at least two coders with --coders, e.g. --coders coder_a,coder_b.") }
            if rule == nil && replace { throw ValidationError("--replace goes with --rule; the interactive session only fills in excerpts without a consensus.") }
            if rule == nil && format != .table { throw ValidationError("--format goes with --rule.") }
        }

        func run() throws {
            if let rule {
                let parsed = try ReconcileRule(parsing: rule)
                let summary = try project.open().reconcile(coders: coderList, rule: parsed, groups: group, replace: replace)
                switch format {
                case .table: Console.out(Self.text(summary, rule: parsed))
                case .csv: Console.out(CSVTableRenderer().render(AgreementTables.decisions(summary)), terminator: "")
                case .json: Console.out(JSONTableRenderer().render(AgreementTables.decisions(summary)), terminator: "")
                }
                return
            }
            guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw ReconcileError.notATerminal }
            var session = try ReconcileSession(project: project.open(), coders: coderList, groups: group)
            try session.run()
        }

        static func text(_ s: ReconcileSummary, rule: ReconcileRule) -> String {
            var lines = ["Consensus written for \(s.excerpts) excerpt\(s.excerpts == 1 ? "" : "s") reviewed by \(s.coders.joined(separator: ", ")): \(s.codings) coding\(s.codings == 1 ? "" : "s")."]
            lines.append("Rule \(s.rule): \(rule.explanation).")
            if s.replaced > 0 { lines.append("Replaced the earlier consensus of \(s.replaced) excerpt\(s.replaced == 1 ? "" : "s").") }
            let differing = Set(s.decisions.filter { !$0.appliedBy.isEmpty && $0.appliedBy.count < s.coders.count }.map(\.excerpt)).count
            lines.append("\(differing) excerpt\(differing == 1 ? "" : "s") had a disagreement; each decision is in the audit log.")
            if !s.unresolved.isEmpty {
                lines.append("Unresolved (majority ties, not applied) on \(s.unresolved.count) excerpt\(s.unresolved.count == 1 ? "" : "s"): \(s.unresolved.joined(separator: ", "))")
            }
            if !s.notReviewedByAll.isEmpty {
                lines.append("Not reviewed by every coder, so left without a consensus: \(s.notReviewedByAll.count) excerpt\(s.notReviewedByAll.count == 1 ? "" : "s") (\(s.notReviewedByAll.prefix(10).joined(separator: ", "))\(s.notReviewedByAll.count > 10 ? ", …" : ""))")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// The interactive walk through disagreements: one code of one excerpt at a time, keys a/r/s/u/q.
struct ReconcileSession {
    let project: Project
    let coders: [String]
    let groups: [String]
    private var excerpts: [ReconcileExcerpt] = []
    /// Per excerpt, the decision on each of its items (nil = not yet).
    private var decisions: [[Bool?]] = []
    private var written = Set<Int>()
    private var skipped = Set<Int>()
    /// Decisions in order, for undo: (excerpt, item).
    private var history: [(excerpt: Int, item: Int)] = []
    private var current: (excerpt: Int, item: Int)? = nil
    private var message = ""
    private var agreedWritten = 0
    private var earlier = 0

    init(project: Project, coders: [String], groups: [String]) throws {
        self.project = project
        self.coders = coders
        self.groups = groups
    }

    mutating func run() throws {
        let walk = try project.reconcileWalk(coders: coders, groups: groups)
        try project.writeAgreedConsensus(walk.agreedPending, coders: walk.coders)
        agreedWritten = walk.agreedPending.count
        earlier = walk.alreadyReconciled
        excerpts = walk.disagreementsPending
        decisions = excerpts.map { Array(repeating: nil, count: $0.items.count) }
        if excerpts.isEmpty {
            Console.out(summaryLines().joined(separator: "\n"))
            Console.out("Nothing left to reconcile between \(coders.joined(separator: " and ")).")
            return
        }
        current = (0, 0)
        let terminal = try ReconcileTerminal()
        defer { terminal.restore() }
        while true {
            draw(terminal)
            let key = terminal.readKey()
            if key == "q" || key == "\u{3}" || key == "\u{4}" { break }
            try handle(key)
        }
        terminal.restore()
        Console.out("\u{1B}[H\u{1B}[2J", terminator: "")
        Console.out(summaryLines().joined(separator: "\n"))
    }

    private mutating func handle(_ key: Character) throws {
        message = ""
        switch key {
        case "a", "r":
            guard let (e, i) = current else { message = "All disagreements have been visited; u undoes, q quits."; return }
            decisions[e][i] = key == "a"
            history.append((e, i))
            if let next = decisions[e].firstIndex(where: { $0 == nil }) {
                current = (e, next)
            } else {
                let excerpt = excerpts[e]
                let applied = excerpt.items.indices.filter { decisions[e][$0] == true }.map { excerpt.items[$0].code }
                try project.writeConsensus(excerpt: excerpt.ref, codes: excerpt.agreed + applied,
                                           decisions: excerpt.items.indices.map { (excerpt.items[$0].code, decisions[e][$0] == true) },
                                           rule: "interactive", coders: coders)
                written.insert(e)
                message = "\(excerpt.ref) written: \(excerpt.agreed.count + applied.count) code(s)."
                current = nextOpen(after: e)
            }
        case "s":
            guard let (e, _) = current else { return }
            skipped.insert(e)
            history.removeAll { $0.excerpt == e }
            decisions[e] = Array(repeating: nil, count: decisions[e].count)
            message = "\(excerpts[e].ref) skipped; it stays open for a later session."
            current = nextOpen(after: e)
        case "u":
            guard let last = history.popLast() else { message = "Nothing to undo."; return }
            if written.contains(last.excerpt) {
                try project.removeConsensus(excerpt: excerpts[last.excerpt].ref)
                written.remove(last.excerpt)
            }
            decisions[last.excerpt][last.item] = nil
            current = last
            message = "Undone: \(excerpts[last.excerpt].items[last.item].code) on \(excerpts[last.excerpt].ref)."
        default:
            message = "Keys: a apply, r reject, s skip excerpt, u undo, q quit."
        }
    }

    private func nextOpen(after e: Int) -> (excerpt: Int, item: Int)? {
        for candidate in (e + 1)..<max(e + 1, excerpts.count) where !written.contains(candidate) && !skipped.contains(candidate) {
            return (candidate, decisions[candidate].firstIndex { $0 == nil } ?? 0)
        }
        return nil
    }

    private func summaryLines() -> [String] {
        var lines: [String] = []
        if agreedWritten > 0 { lines.append("\(agreedWritten) excerpt\(agreedWritten == 1 ? "" : "s") on which the coders agree taken as they are.") }
        if earlier > 0 { lines.append("\(earlier) excerpt\(earlier == 1 ? "" : "s") already had a consensus.") }
        if !excerpts.isEmpty {
            let open = excerpts.count - written.count
            lines.append("Reconciled \(written.count) of \(excerpts.count) excerpt\(excerpts.count == 1 ? "" : "s") with disagreements this session; \(open) left open.")
            let unsaved = excerpts.indices.filter { !written.contains($0) && decisions[$0].contains { $0 != nil } }
            if !unsaved.isEmpty {
                lines.append("Not saved (quit before all its codes were decided): \(unsaved.map { excerpts[$0].ref }.joined(separator: ", ")).")
            }
            if open > 0 { lines.append("Run 'focuscode reconcile --coders \(coders.joined(separator: ","))' again to continue.") }
        }
        return lines
    }

    private func draw(_ terminal: ReconcileTerminal) {
        let width = max(40, terminal.width)
        var lines: [String] = []
        let totalItems = decisions.reduce(0) { $0 + $1.count }
        let decided = decisions.enumerated().reduce(0) { sum, pair in
            sum + (written.contains(pair.offset) ? pair.element.count : 0)
        }
        lines.append(bold("focuscode reconcile") + " — \(coders.joined(separator: ", "))    "
            + "excerpts written \(written.count) of \(excerpts.count) · codes decided \(decided) of \(totalItems)")
        lines.append(String(repeating: "─", count: min(width, 100)))
        if let (e, i) = current {
            let excerpt = excerpts[e]
            let item = excerpt.items[i]
            lines.append(bold("\(excerpt.ref)") + "  \(excerpt.group)  \(excerpt.speaker ?? "(no speaker)")    disagreement \(i + 1) of \(excerpt.items.count) on this excerpt")
            lines.append("")
            for line in wrap(excerpt.text, width: width - 4).prefix(12) { lines.append("    " + line) }
            lines.append("")
            lines.append("Code: " + bold(item.code))
            lines.append("  applied by:      \(item.appliedBy.joined(separator: ", "))")
            lines.append("  not applied by:  \(item.notAppliedBy.joined(separator: ", "))")
            lines.append("")
            lines.append("Codes on this excerpt:")
            for (c, coder) in coders.enumerated() {
                let codes = excerpt.codesByCoder[c]
                lines.append("  \(coder): \(codes.isEmpty ? "(reviewed, none)" : codes.joined(separator: "; "))")
            }
            let earlierHere = excerpt.items.indices.filter { decisions[e][$0] != nil }
            if !earlierHere.isEmpty {
                lines.append("Decided here: " + earlierHere.map { "\(excerpt.items[$0].code) \(decisions[e][$0]! ? "applied" : "rejected")" }.joined(separator: "; "))
            }
            lines.append("")
            lines.append("[a] apply   [r] reject   [s] skip excerpt   [u] undo   [q] quit")
        } else {
            lines.append("All disagreements visited: \(written.count) excerpt(s) written, \(skipped.count) skipped.")
            lines.append("")
            lines.append("[u] undo   [q] quit")
        }
        if !message.isEmpty { lines.append(""); lines.append(message) }
        terminal.write("\u{1B}[H\u{1B}[2J" + lines.map { String($0.prefix(width + 12)) }.joined(separator: "\r\n") + "\r\n")
    }

    private func bold(_ s: String) -> String { "\u{1B}[1m\(s)\u{1B}[0m" }

    private func wrap(_ text: String, width: Int) -> [String] {
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if line.isEmpty { line = String(word) } else if line.count + 1 + word.count <= width { line += " " + word } else {
                    out.append(line)
                    line = String(word)
                }
            }
            out.append(line)
        }
        return out
    }
}

/// The terminal in raw mode (no echo, one key at a time) until `restore()`.
final class ReconcileTerminal {
    private var saved = termios()
    private var active = false

    init() throws {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw ReconcileError.notATerminal }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutablePointer(to: &raw.c_cc) { pointer in
            pointer.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
        }
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else { throw ReconcileError.notATerminal }
        active = true
        write("\u{1B}[?25l")  // hide the cursor
    }

    func restore() {
        guard active else { return }
        write("\u{1B}[?25h")
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
        active = false
    }

    deinit { restore() }

    /// The next key; end of input reads as q.
    func readKey() -> Character {
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 { return Character(Unicode.Scalar(byte)) }
            if n == 0 { return "q" }
            if errno != EINTR { return "q" }
        }
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    var width: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 80
    }
}

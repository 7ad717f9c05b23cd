import FocusCodeKit
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The terminal state to put back, reachable from a signal handler (which cannot capture context).
nonisolated(unsafe) private var savedTermios = termios()
nonisolated(unsafe) private var terminalIsRaw = false

/// write(2), named apart from `Terminal.write`.
private func sysWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}

/// Raw keyboard input and full-screen output on the controlling terminal, restored on exit and on SIGINT/SIGTERM.
enum Terminal {
    static let enterScreen = "\u{1B}[?1049h\u{1B}[H"
    static let leaveScreen = "\u{1B}[?25h\u{1B}[?1049l"

    static func enableRaw() {
        guard tcgetattr(STDIN_FILENO, &savedTermios) == 0 else { return }
        var raw = savedTermios
        // No line buffering or echo; keep ISIG so that Ctrl-C raises SIGINT, which restores the terminal.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw)
        terminalIsRaw = true
        let handler: @convention(c) (Int32) -> Void = { sig in
            Terminal.restoreFromSignal()
            _exit(128 + sig)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        signal(SIGHUP, handler)
        write(enterScreen)
    }

    /// Async-signal-safe: only tcsetattr and write.
    static func restoreFromSignal() {
        if terminalIsRaw { tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTermios) }
        let bytes: [UInt8] = Array(leaveScreen.utf8)
        _ = bytes.withUnsafeBufferPointer { sysWrite(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    static func restore() {
        guard terminalIsRaw else { return }
        write(leaveScreen)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTermios)
        terminalIsRaw = false
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
    }

    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBufferPointer { sysWrite(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n <= 0 { if errno == EINTR { continue } else { return } }
            bytes = bytes.dropFirst(n)
        }
    }

    static var size: (width: Int, height: Int) {
        var ws = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 { return (Int(ws.ws_col), Int(ws.ws_row)) }
        return (80, 24)
    }

    enum Key: Equatable {
        case char(Character), enter, backspace, escape, tab, left, right, up, down, eof
    }

    private static func readByte(timeoutMs: Int32 = -1) -> UInt8? {
        if timeoutMs >= 0 {
            var fds = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, timeoutMs) > 0 else { return nil }
        }
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 { return byte }
            if n < 0, errno == EINTR { continue }
            return nil
        }
    }

    static func readKey() -> Key {
        guard let b = readByte() else { return .eof }
        switch b {
        case 4: return .eof
        case 13, 10: return .enter
        case 127, 8: return .backspace
        case 9: return .tab
        case 27:
            guard let next = readByte(timeoutMs: 40) else { return .escape }
            guard next == UInt8(ascii: "[") || next == UInt8(ascii: "O"), let code = readByte(timeoutMs: 40) else { return .escape }
            switch code {
            case UInt8(ascii: "A"): return .up
            case UInt8(ascii: "B"): return .down
            case UInt8(ascii: "C"): return .right
            case UInt8(ascii: "D"): return .left
            default:
                // Swallow the rest of an unknown sequence (e.g. "3~").
                while let more = readByte(timeoutMs: 10), !(64...126).contains(more) {}
                return .escape
            }
        default:
            // A UTF-8 sequence: read its continuation bytes.
            var bytes = [b]
            let extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0
            for _ in 0..<extra { if let c = readByte(timeoutMs: 50) { bytes.append(c) } }
            return String(decoding: bytes, as: UTF8.self).first.map { .char($0) } ?? .escape
        }
    }
}

/// The full-screen coding session: draws the session's view, reads keys, calls the session.
enum InteractiveCoding {
    enum Mode: Equatable {
        case normal
        case number(String)
        case name(String, selected: Int)
        case remove(String)
        case note(String)
        /// Choosing a passage: word numbers FROM-TO (or one number).
        case words(String)
    }

    static func run(projectOptions: ProjectOptions, coder: String, group: String?, blind: Bool, uncoded: Bool, includeModerators: Bool) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CodingError.needsTerminal("the interactive session needs a terminal (stdin and stdout); from a script use 'focuscode code EXCERPT CODE --coder NAME' or 'focuscode codings import FILE'.")
        }
        let project = try projectOptions.open()
        let session = try CodingSession(project: project, coder: coder, group: group, blind: blind, uncodedOnly: uncoded,
                                        includeModerators: includeModerators)
        if session.codes.isEmpty {
            throw CodebookError.badFile(file: project.path, location: "", problem: "the codebook is empty; import one first ('focuscode codebook import FILE')")
        }
        if session.isEmpty {
            Console.out("Nothing to code: no excerpts\(group.map { " in \($0)" } ?? "")\(uncoded ? " left unreviewed by \(coder)" : "").")
            return
        }
        Terminal.enableRaw()
        defer { Terminal.restore() }
        var mode = Mode.normal
        var showHelp = false
        loop: while true {
            draw(session, mode: mode, showHelp: showHelp)
            let key = Terminal.readKey()
            do {
                switch mode {
                case .normal:
                    switch key {
                    case .char("q"), .eof: break loop
                    case .char(let c) where c.isNumber && c != "0": mode = .number(String(c))
                    case .char("0"): try session.none()
                    case .char("/"), .char("a"): mode = .name("", selected: 0)
                    case .char("r"), .char("-"), .char("x"): mode = .remove("")
                    case .char("n"): mode = .note("")
                    case .char("w"): mode = .words("")
                    case .escape: session.clearSelection(); session.message = "Passage cleared: a code now codes the whole turn."
                    case .char("u"): try session.undo()
                    case .char("b"), .left, .up: session.back()
                    case .char("s"), .char(" "), .enter, .right, .down: session.next()
                    case .char("?"), .char("h"): showHelp.toggle()
                    default: session.message = "Unknown key; ? shows the keys."
                    }
                case .number(let digits):
                    switch key {
                    case .char(let c) where c.isNumber: mode = .number(digits + String(c))
                    case .backspace: mode = digits.count > 1 ? .number(String(digits.dropLast())) : .normal
                    case .escape: mode = .normal
                    case .enter:
                        mode = .normal
                        if let n = Int(digits), (1...session.codes.count).contains(n) { try session.apply(session.codes[n - 1]) }
                        else { session.message = "No code number \(digits); codes are 1–\(session.codes.count)." }
                    default: break
                    }
                case .name(let text, let selected):
                    let matches = session.matching(text)
                    switch key {
                    case .enter:
                        mode = .normal
                        if matches.isEmpty { session.message = "No code matches '\(text)'." }
                        else { try session.apply(matches[min(selected, matches.count - 1)]) }
                    case .tab, .down: mode = .name(text, selected: matches.isEmpty ? 0 : (selected + 1) % matches.count)
                    case .up: mode = .name(text, selected: matches.isEmpty ? 0 : (selected + matches.count - 1) % matches.count)
                    case .backspace: mode = .name(String(text.dropLast()), selected: 0)
                    case .escape: mode = .normal
                    case .char(let c): mode = .name(text + String(c), selected: 0)
                    default: break
                    }
                case .remove(let text):
                    switch key {
                    case .enter:
                        mode = .normal
                        let applied = try session.view(context: 0).applied.map(\.path)
                        let target: String?
                        if let n = Int(text) {
                            target = (1...max(1, session.codes.count)).contains(n) && n <= session.codes.count ? session.codes[n - 1].path : nil
                        } else if text.isEmpty, applied.count == 1 {
                            target = applied[0]
                        } else {
                            target = applied.first { $0.lowercased().hasPrefix(text.lowercased()) }
                                ?? applied.first { $0.split(separator: "/").last?.lowercased().hasPrefix(text.lowercased()) == true }
                        }
                        if let target, applied.contains(target) { try session.remove(target) }
                        else { session.message = "Not applied here: '\(text)'." }
                    case .backspace: mode = .remove(String(text.dropLast()))
                    case .escape: mode = .normal
                    case .char(let c): mode = .remove(text + String(c))
                    default: break
                    }
                case .words(let text):
                    switch key {
                    case .enter:
                        mode = .normal
                        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                        if parts.count == 1, let a = parts[0] { try session.select(words: a...a) }
                        else if parts.count == 2, let a = parts[0], let b = parts[1], a <= b { try session.select(words: a...b) }
                        else { session.message = "Give word numbers as FROM-TO (e.g. 4-9), or one number." }
                    case .char(let c) where c.isNumber || c == "-": mode = .words(text + String(c))
                    case .backspace: mode = .words(String(text.dropLast()))
                    case .escape: mode = .normal
                    default: break
                    }
                case .note(let text):
                    switch key {
                    case .enter: mode = .normal; try session.note(text)
                    case .backspace: mode = .note(String(text.dropLast()))
                    case .escape: mode = .normal
                    case .char(let c): mode = .note(text + String(c))
                    case .tab: mode = .note(text + " ")
                    default: break
                    }
                }
            } catch let error as CategorisedError {
                mode = .normal
                session.message = "Not done: " + (error.errorDescription ?? "\(error)")
            }
        }
        Terminal.restore()
        Console.out("Coded as \(coder): reviewed \(session.reviewedCount) of \(session.total) excerpts\(group.map { " in \($0)" } ?? ""). Run the same command to resume.")
    }

    /// The suggestion review: one pending suggestion at a time; a accept, r reject, s skip, q quit.
    static func review(projectOptions: ProjectOptions, coder: String, suggester: String, group: String?) throws {
        let project = try projectOptions.open()
        let session = try SuggestionReviewSession(project: project, reviewer: coder, suggester: suggester, group: group)
        if session.queue.isEmpty {
            Console.out("Nothing to review: \(suggester) has no pending suggestions\(group.map { " in \($0)" } ?? "").")
            return
        }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CodingError.needsTerminal("the interactive session needs a terminal (stdin and stdout); from a script use 'focuscode code EXCERPT CODE --coder NAME'.")
        }
        Terminal.enableRaw()
        defer { Terminal.restore() }
        loop: while let item = session.current {
            drawReview(session, item)
            do {
                switch Terminal.readKey() {
                case .char("q"), .eof: break loop
                case .char("a"), .char("y"): try session.accept()
                case .char("r"), .char("x"): try session.reject()
                case .char("s"), .char(" "), .enter, .right, .down: session.skip()
                default: session.message = "Keys: a accept · r reject · s skip · q quit."
                }
            } catch let error as CategorisedError {
                session.message = "Not done: " + (error.errorDescription ?? "\(error)")
                session.skip()
            }
        }
        Terminal.restore()
        let left = session.queue.count - session.accepted - session.rejected
        Console.out("Reviewed \(suggester)'s suggestions as \(coder): \(session.accepted) accepted, \(session.rejected) rejected, \(left) still pending.")
    }

    static func drawReview(_ session: SuggestionReviewSession, _ item: PendingSuggestion) {
        let (width, height) = Terminal.size
        var lines: [String] = []
        let title = "FocusCode · \(session.reviewer) reviewing \(session.suggester)'s suggestions" + (session.group.map { " · \($0)" } ?? "")
        lines.append(fit(title, "suggestion \(session.index + 1) of \(session.queue.count)", width: width))
        lines.append(String(repeating: "─", count: width))
        if let (_, view, _) = try? session.project.excerpt(item.excerpt) {
            lines.append("▶ " + bold("\(view.ref)  \(view.speaker ?? "(no speaker)")") + "  · group \(view.group)")
            lines += wrap(view.text, width: width - 4).map { "    " + $0 }
        }
        lines.append(String(repeating: "─", count: width))
        lines.append("Suggested: " + bold(item.code) + String(format: "  (confidence %.2f)", item.confidence))
        lines.append(clip(session.message ?? "", width))
        lines.append("a accept · r reject · s skip · q quit")
        lines = lines.map { clip($0, width) }
        if lines.count > height - 1 { lines = Array(lines.suffix(height - 1)) }
        Terminal.write("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\r\n\u{1B}[J> ")
    }

    // MARK: - Drawing

    static func draw(_ session: CodingSession, mode: Mode, showHelp: Bool) {
        let (width, height) = Terminal.size
        var lines: [String] = []
        let view: CodingSessionView
        do { view = try session.view(context: 2) } catch {
            Terminal.write("\u{1B}[H\u{1B}[2J" + "Cannot read the excerpt: \(error)")
            return
        }
        let title = "FocusCode · coding as \(session.coder)" + (session.group.map { " · \($0)" } ?? "") + (session.blind ? " · blind" : "")
        let progress = "reviewed \(view.reviewed) of \(view.total) · excerpt \(view.position + 1) of \(view.total)"
        lines.append(fit(title, progress, width: width))
        lines.append(String(repeating: "─", count: width))
        func head(_ v: ExcerptView) -> String {
            var h = "\(v.ref)  \(v.speaker ?? "(no speaker)")"
            if let s = v.startMs { h += "  [\(formatTime(s))]" }
            return h
        }
        // The code list and the bottom lines take what they need; the excerpt gets the rest.
        let codeLines = codeColumns(session, mode: mode, width: width)
        let bottom = 3 + (view.others.isEmpty ? 0 : 1) + (showHelp ? helpLines.count : 1)
        let room = max(4, height - 2 - codeLines.count - bottom - 2)
        var numbered = false
        if case .words = mode { numbered = true }
        let pending = (try? session.selectedSpan()) ?? nil
        let styled = passageWords(view.excerpt.text, coded: view.applied.compactMap(\.span), pending: pending, numbered: numbered)
        var focus = ["▶ " + bold(head(view.excerpt)) + "  · group \(view.excerpt.group)"] + wrapStyled(styled, width: width - 4).map { "    " + $0 }
        var contextBudget = max(0, room - focus.count)
        if focus.count > room { focus = Array(focus.prefix(room - 1)) + ["    …"]; contextBudget = 0 }
        func contextLines(_ v: ExcerptView) -> [String] {
            let text = wrap(v.text, width: width - 6)
            return ["  " + head(v)] + text.prefix(1).map { "    " + $0 + (text.count > 1 ? " …" : "") }
        }
        var before: [String] = [], after: [String] = []
        for v in view.before.reversed() {
            let l = contextLines(v)
            if l.count <= contextBudget / 2 + (contextBudget % 2) { before = l.map(dim) + before; contextBudget -= l.count }
        }
        for v in view.after {
            let l = contextLines(v)
            if l.count <= contextBudget { after += l.map(dim); contextBudget -= l.count }
        }
        lines += before + focus + after
        lines.append(String(repeating: "─", count: width))
        lines += codeLines
        lines.append(String(repeating: "─", count: width))
        switch view.state {
        case .notReviewed: lines.append("Not reviewed yet.")
        case .reviewedNone: lines.append("Reviewed: no code applies.")
        case .coded:
            let parts = view.applied.map { a in
                (session.number(of: a.path).map { "[\($0)] " } ?? "") + a.path + (a.span.map { " @\($0.description)" } ?? "")
                    + (a.note.map { " (note: \($0))" } ?? "")
            }
            lines.append(clip("Applied: " + parts.joined(separator: "; "), width))
        }
        if !view.others.isEmpty {
            lines.append(clip("Others: " + view.others.map { "\($0.coder): \($0.codes.joined(separator: ", "))" }.joined(separator: " · "), width))
        }
        if let selection = session.selection {
            lines.append(clip(reverse("Passage: words \(selection.lowerBound)–\(selection.upperBound)") + " · the next code applies to these words · Esc clears", width))
        }
        lines.append(clip(session.message ?? "", width))
        lines += showHelp ? helpLines : ["1-\(session.codes.count)+Enter apply · / name · w passage · r remove · 0 none · n note · u undo · b back · Enter/s next · ? help · q quit"]
        let prompt: String
        switch mode {
        case .normal: prompt = "> "
        case .number(let d): prompt = "apply number: \(d)"
        case .name(let t, _): prompt = "apply name: \(t)"
        case .remove(let t): prompt = "remove (number or name): \(t)"
        case .note(let t): prompt = "note: \(t)"
        case .words(let t): prompt = "passage, word numbers FROM-TO: \(t)"
        }
        lines = lines.map { clip($0, width) }
        if lines.count > height - 1 { lines = Array(lines.prefix(height - 1)) }
        Terminal.write("\u{1B}[H" + lines.map { $0 + "\u{1B}[K" }.joined(separator: "\r\n") + "\r\n\u{1B}[J" + clip(prompt, width))
    }

    static let helpLines = [
        "Keys: a number then Enter applies that code · / (or a) then part of a name, Tab to choose, Enter applies",
        "      r then a number or name removes a code · 0 means reviewed, no code applies · n adds a note to the last code",
        "      w then word numbers FROM-TO (shown while you type) chooses a passage; the next code codes only it · Esc clears",
        "      coded passages are underlined, the chosen one in reverse",
        "      u undoes the last change · b or ← goes back · Enter, s or → goes to the next excerpt · q quits (resume later)",
    ]

    /// The turn's words for display: coded passages underlined, the chosen passage in reverse, with word numbers
    /// when choosing. A word is marked when any of it is inside a passage. Returns (shown text, visible length) per word,
    /// with line breaks of the turn as their own entries ("\n").
    static func passageWords(_ text: String, coded: [Span], pending: Span?, numbered: Bool) -> [(String, Int)] {
        let scalars = Array(text.unicodeScalars)
        var out: [(String, Int)] = []
        let words = CodingSession.words(in: text)
        for (i, w) in words.enumerated() {
            // Line breaks between this word and the previous one stay line breaks.
            let gapStart = i == 0 ? 0 : words[i - 1].end
            for _ in scalars[gapStart..<w.start].filter({ $0 == "\n" }) { out.append(("\n", 0)) }
            var word = String(String.UnicodeScalarView(scalars[w.start..<w.end]))
            let visible = word.count + (numbered ? String(i + 1).count + 1 : 0)
            let overlaps = { (s: Span) in s.start < w.end && w.start < s.end }
            if numbered { word = "\u{1B}[2m\(i + 1)·\u{1B}[22m" + word }
            if let pending, overlaps(pending) { word = reverse(word) } else if coded.contains(where: overlaps) { word = underline(word) }
            out.append((word, visible))
        }
        return out
    }

    /// Wraps styled words (see `passageWords`) into lines of at most `width` visible characters.
    static func wrapStyled(_ words: [(String, Int)], width: Int) -> [String] {
        let w = max(10, width)
        var out: [String] = [], line = "", length = 0
        for (word, visible) in words {
            if word == "\n" { out.append(line); line = ""; length = 0; continue }
            if length > 0, length + 1 + visible > w { out.append(line); line = ""; length = 0 }
            line += (length > 0 ? " " : "") + word
            length += (length > 0 ? 1 : 0) + visible
        }
        out.append(line)
        return out
    }

    /// The numbered codes in columns; in name mode only the matches, the chosen one marked.
    static func codeColumns(_ session: CodingSession, mode: Mode, width: Int) -> [String] {
        var entries: [String]
        if case .name(let text, let selected) = mode {
            let matches = session.matching(text)
            if matches.isEmpty { return ["(no code matches '\(text)')"] }
            entries = matches.enumerated().map { i, code in
                (i == selected ? "▸ " : "  ") + "\(session.number(of: code.path) ?? 0) \(code.path)"
            }
            return entries.prefix(12).map { clip($0, width) }
        }
        let numberWidth = String(session.codes.count).count
        entries = session.codes.enumerated().map { i, code in
            let n = String(i + 1)
            return String(repeating: " ", count: numberWidth - n.count) + n + " " + String(repeating: "  ", count: code.depth) + code.name
        }
        let longest = entries.map(\.count).max() ?? 10
        let columns = max(1, min(4, (width + 2) / (min(longest, 44) + 2)))
        let colWidth = width / columns - 2
        let rows = (entries.count + columns - 1) / columns
        return (0..<rows).map { r in
            (0..<columns).compactMap { c -> String? in
                let i = c * rows + r
                guard i < entries.count else { return nil }
                let cell = clip(entries[i], colWidth)
                return cell + String(repeating: " ", count: max(0, colWidth - cell.count))
            }.joined(separator: "  ")
        }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        let w = max(10, width)
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if line.isEmpty { line = String(word) } else if line.count + 1 + word.count <= w { line += " " + word } else { out.append(line); line = String(word) }
                while line.count > w { out.append(String(line.prefix(w))); line = String(line.dropFirst(w)) }
            }
            out.append(line)
        }
        return out
    }

    static func fit(_ left: String, _ right: String, width: Int) -> String {
        let gap = width - left.count - right.count
        return gap >= 1 ? left + String(repeating: " ", count: gap) + right : clip(left + "  " + right, width)
    }

    /// Cuts a line to `width` visible characters (escape sequences do not count).
    static func clip(_ s: String, _ width: Int) -> String {
        var visible = 0, out = "", inEscape = false
        for ch in s {
            if ch == "\u{1B}" { inEscape = true }
            if inEscape { out.append(ch); if ch.isLetter { inEscape = false }; continue }
            if visible >= width { continue }
            out.append(ch)
            visible += 1
        }
        return out
    }

    static func bold(_ s: String) -> String { "\u{1B}[1m" + s + "\u{1B}[0m" }
    static func dim(_ s: String) -> String { "\u{1B}[2m" + s + "\u{1B}[0m" }
    static func underline(_ s: String) -> String { "\u{1B}[4m" + s + "\u{1B}[24m" }
    static func reverse(_ s: String) -> String { "\u{1B}[7m" + s + "\u{1B}[27m" }
}

import Foundation

/// Errors about the codebook: finding, adding and changing codes, and reading codebook files.
public enum CodebookError: CategorisedError, Equatable {
    case unknownCode(String)
    case ambiguousCode(String, candidates: [String])
    case invalidName(String, reason: String)
    case duplicateName(parent: String?, name: String)
    case unknownParent(path: String)
    case invalidColour(String)
    case invalidId(String)
    case duplicateId(String)
    case moveIntoItself(code: String, target: String)
    case mergeIntoItself(code: String, target: String)
    case mergeChildClash(source: String, target: String, child: String)
    case retired(String)
    case badFile(file: String, location: String, problem: String)
    case unsupportedFormat(file: String)

    public var category: ErrorCategory {
        switch self {
        case .invalidName, .duplicateName, .invalidColour, .invalidId, .moveIntoItself, .mergeIntoItself, .unsupportedFormat:
            return .usage
        // A name or ID the project does not have is bad data (65), as for excerpts, groups and participants.
        case .unknownCode, .ambiguousCode, .unknownParent, .duplicateId, .mergeChildClash, .retired, .badFile:
            return .badData
        }
    }

    public var errorDescription: String? {
        switch self {
        case .unknownCode(let c):
            return "no code '\(c)' in the codebook; address a code by its path (Theme/Subtheme) or ID ('focuscode codebook' lists them)."
        case .ambiguousCode(let c, let candidates):
            return "'\(c)' matches several code IDs (\(candidates.joined(separator: ", "))); give more of the ID or the path."
        case .invalidName(let n, let reason):
            return "invalid code name '\(n)': \(reason)."
        case .duplicateName(let parent, let name):
            return "\(parent.map { "'\($0)'" } ?? "the top level") already has a code named '\(name)' (names are unique among siblings, ignoring case); choose another name."
        case .unknownParent(let path):
            return "no code '\(path)' to put the new code under; add the parent first ('focuscode codebook add \"\(path)\"')."
        case .invalidColour(let c):
            return "invalid colour '\(c)': write it as #RRGGBB, e.g. #4477AA."
        case .invalidId(let id):
            return "invalid code ID '\(id)': use 1–64 letters, digits, '-', '_' or '.'."
        case .duplicateId(let id):
            return "the code ID '\(id)' is used twice; IDs must be unique."
        case .moveIntoItself(let c, let t):
            return "cannot move '\(c)' under '\(t)': that is the code itself or one of its own subcodes."
        case .mergeIntoItself(let c, let t):
            return "cannot merge '\(c)' into '\(t)': that is the code itself or one of its own subcodes; move the subcode out first."
        case .mergeChildClash(let s, let t, let child):
            return "cannot merge '\(s)' into '\(t)': both have a subcode named '\(child)'; merge or rename one of those first."
        case .retired(let c):
            return "the code '\(c)' is retired (hidden from new coding); restore it with 'focuscode codebook retire \"\(c)\" --restore' or choose another code."
        case .badFile(let file, let location, let problem):
            return "\(file)\(location.isEmpty ? "" : ":" + location): \(problem)"
        case .unsupportedFormat(let f):
            return "\(f): cannot tell the codebook format from the extension; use .yaml, .yml, .json, .csv or .md, or pass --input-format."
        }
    }
}

/// Errors about coding: coders, spans, reviews and codings files.
public enum CodingError: CategorisedError, Equatable {
    case missingCoder
    case invalidCoderName(String, reason: String)
    case reservedCoder(String)
    case unknownCoder(String)
    case badSpan(excerpt: String, span: String, reason: String)
    case passageNotFound(excerpt: String, text: String)
    case passageAmbiguous(excerpt: String, text: String, count: Int)
    case occurrenceMissing(excerpt: String, text: String, occurrence: Int, count: Int)
    case duplicatePassage(excerpt: String, code: String, coder: String, span: String)
    case unknownPassage(String)
    case notApplied(excerpt: String, code: String, coder: String)
    case passageNotCoded(excerpt: String, code: String, coder: String, span: String)
    case hasCodes(excerpt: String, coder: String, codes: [String])
    case exclusiveConflict(excerpt: String, code: String, existing: String, branch: String)
    case invalidRows(file: String, problems: [String], total: Int)
    case noNote(excerpt: String, coder: String)
    case needsTerminal(String)
    case needsConfirmation(String)
    case invalidPattern(String, reason: String)

    public var category: ErrorCategory {
        switch self {
        case .missingCoder, .invalidCoderName, .reservedCoder, .badSpan, .passageNotFound, .passageAmbiguous, .occurrenceMissing,
             .needsTerminal, .needsConfirmation, .invalidPattern:
            return .usage
        case .unknownCoder, .notApplied, .passageNotCoded, .duplicatePassage, .unknownPassage, .hasCodes, .exclusiveConflict, .invalidRows, .noNote:
            return .badData
        }
    }

    public var errorDescription: String? {
        switch self {
        case .missingCoder:
            return "name the coder with --coder NAME or the FOCUSCODE_CODER environment variable."
        case .invalidCoderName(let n, let reason):
            return "invalid coder name '\(n)': \(reason)."
        case .reservedCoder(let n):
            return "the coder name '\(n)' is reserved for reconciled (consensus) codings; code under your own name."
        case .unknownCoder(let n):
            return "no coder '\(n)' in this project; coders are created when they first code."
        case .badSpan(let e, let span, let reason):
            return "invalid span '\(span)' on \(e): \(reason). Write START:END in characters, end exclusive (e.g. 12:80)."
        case .passageNotFound(let e, let text):
            return "the text \"\(Self.quoted(text))\" is not in \(e) (matched exactly, case and spaces as written); check it with 'focuscode show \(e)' or give --span START:END."
        case .passageAmbiguous(let e, let text, let count):
            return "the text \"\(Self.quoted(text))\" occurs \(count) times in \(e); choose one with --occurrence N (1–\(count)) or give --span START:END."
        case .occurrenceMissing(let e, let text, let occurrence, let count):
            return "--occurrence \(occurrence): the text \"\(Self.quoted(text))\" occurs \(count) time\(count == 1 ? "" : "s") in \(e); choose 1–\(count)."
        case .duplicatePassage(let e, let c, let coder, let span):
            return "\(coder) has already coded \(span == "" ? "the whole turn" : "characters " + span) of \(e) with '\(c)'; a passage is coded once per code."
        case .unknownPassage(let uid):
            return "no passage '\(uid)' of this coder; list passage IDs with 'focuscode codings --excerpt ID --format csv'."
        case .notApplied(let e, let c, let coder):
            return "\(coder) has not applied '\(c)' to \(e); nothing to remove."
        case .passageNotCoded(let e, let c, let coder, let span):
            return "\(coder) has not coded \(span == "" ? "the whole turn" : "characters " + span) of \(e) with '\(c)'; nothing removed. 'focuscode codings --excerpt \(e) --coder \(coder)' lists the passages."
        case .hasCodes(let e, let coder, let codes):
            return "\(coder) has applied \(codes.map { "'\($0)'" }.joined(separator: ", ")) to \(e); remove them first, or pass --replace to remove them and mark the excerpt reviewed with no code."
        case .exclusiveConflict(let e, let c, let existing, let branch):
            return "cannot apply '\(c)' to \(e): the subcodes of '\(branch)' are mutually exclusive and '\(existing)' is applied; remove it first or pass --replace."
        case .invalidRows(let file, let problems, let total):
            var text = "\(file): \(total) bad row\(total == 1 ? "" : "s"); nothing was imported (fix them, or pass --skip-invalid to import the good rows):"
            for p in problems { text += "\n  " + p }
            if total > problems.count { text += "\n  … and \(total - problems.count) more" }
            return text
        case .noNote(let e, let coder):
            return "\(coder) has no coding on \(e) to attach a note to; apply a code first."
        case .needsTerminal(let what):
            return what
        case .needsConfirmation(let what):
            return what
        case .invalidPattern(let p, let reason):
            return "invalid pattern '\(p)': \(reason)."
        }
    }

    /// A passage as typed by the user, shortened for a one-line message.
    static func quoted(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > 40 ? String(flat.prefix(39)) + "…" : flat
    }
}

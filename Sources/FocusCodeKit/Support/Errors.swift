import Foundation

/// What kind of failure an error is, so a front end can choose an exit status (sysexits).
public enum ErrorCategory: Sendable {
    /// The command was used wrongly (EX_USAGE, 64).
    case usage
    /// The input data was wrong (EX_DATAERR, 65).
    case badData
    /// An input file or project does not exist (EX_NOINPUT, 66).
    case missingInput
    /// An output file could not be created (EX_CANTCREAT, 73).
    case cannotCreate
    /// Reading or writing failed (EX_IOERR, 74).
    case io
}

/// An error that knows its category; every FocusCodeKit error conforms.
public protocol CategorisedError: LocalizedError {
    var category: ErrorCategory { get }
}

extension ImportError: CategorisedError {
    public var category: ErrorCategory {
        switch self {
        case .unsupportedFormat: return .usage
        default: return .badData
        }
    }
}

/// Errors about the project file and the objects in it.
public enum ProjectError: CategorisedError, Equatable {
    case projectMissing(path: String)
    case projectExists(path: String)
    case cannotCreate(path: String, reason: String)
    case notAProject(path: String, reason: String)
    case newerSchema(path: String, migration: String)
    case fileMissing(path: String)
    case unreadable(path: String, reason: String)
    case invalidGroupName(String)
    case unknownGroup(String)
    case unknownParticipant(String)
    case unknownExcerpt(String)
    case invalidAttribute(String)
    case badRow(file: String, line: Int, problem: String)
    case busy(path: String)
    case invalidQuery(query: String, reason: String)
    case unknownMemo(Int64)
    case invalidMemo(String)

    public var category: ErrorCategory {
        switch self {
        case .projectMissing, .fileMissing: return .missingInput
        case .projectExists, .cannotCreate: return .cannotCreate
        case .unreadable, .busy: return .io
        case .invalidGroupName, .invalidAttribute, .invalidQuery, .invalidMemo: return .usage
        case .notAProject, .newerSchema, .unknownGroup, .unknownParticipant, .unknownExcerpt, .badRow, .unknownMemo: return .badData
        }
    }

    /// A system message as a clause inside ours: without its closing full stop.
    static func clause(_ reason: String) -> String {
        var r = reason.trimmingCharacters(in: .whitespaces)
        while r.hasSuffix(".") { r.removeLast() }
        return r
    }

    public var errorDescription: String? {
        switch self {
        case .projectMissing(let p):
            return "no project at \(p); create one with 'focuscode init' or point --project / FOCUSCODE_PROJECT at an existing file."
        case .projectExists(let p):
            return "a file already exists at \(p); choose another --project path or remove it first."
        case .cannotCreate(let p, let reason):
            return "cannot create \(p): \(Self.clause(reason))."
        case .notAProject(let p, let reason):
            return "\(p) is not a FocusCode project (\(reason)); check the --project path."
        case .newerSchema(let p, let m):
            return "\(p) was written by a newer FocusCode (it has migration '\(m)'); upgrade focuscode to open it."
        case .fileMissing(let p):
            return "\(p): no such file; check the path."
        case .unreadable(let p, let reason):
            return "\(p): cannot read the file (\(Self.clause(reason)))."
        case .invalidGroupName(let g):
            return "invalid group name '\(g)': use 1–32 letters, digits or '_' (e.g. FG1); it becomes part of excerpt IDs."
        case .unknownGroup(let g):
            return "no group '\(g)' in this project; 'focuscode groups' lists them."
        case .unknownParticipant(let p):
            return "no participant '\(p)' in this project; 'focuscode participants' lists them."
        case .unknownExcerpt(let e):
            return "no excerpt '\(e)' in this project; excerpt IDs look like FG1-0007 ('focuscode excerpts' lists them)."
        case .invalidAttribute(let a):
            return "invalid attribute '\(a)': write it as name=value (e.g. gender=female)."
        case .badRow(let f, let line, let problem):
            return "\(f):\(line): \(problem)"
        case .busy(let p):
            return "\(p) is busy: another focuscode process is writing to it; try again when it has finished."
        case .invalidQuery(let q, let reason):
            return "cannot search for \"\(q)\": \(reason). Quote phrases with \"…\" and use AND, OR, NOT in capitals."
        case .unknownMemo(let id):
            return "no memo \(id) in this project; 'focuscode memo list' lists them with their IDs."
        case .invalidMemo(let reason):
            return "\(reason)."
        }
    }
}

import Foundation

/// Why a report cannot be made; each message says what to do instead.
public enum ReportError: CategorisedError, Equatable {
    /// The project has several coders and no `--coder`, `--consensus` or `--union` was given.
    case selectionNeeded(coders: [String])
    case unknownCoder(String, coders: [String])
    case noConsensus(coders: [String])
    case noCodersForUnion
    case noCodings
    case noCodebook
    case unknownAttribute(String, known: [String])
    case unknownCode(String)
    case ambiguousCode(String, paths: [String])
    case invalidLevel(Int)
    case invalidLimit(Int)

    public var category: ErrorCategory {
        switch self {
        case .selectionNeeded, .invalidLevel, .invalidLimit, .unknownAttribute: return .usage
        case .unknownCoder, .noConsensus, .noCodersForUnion, .noCodings, .noCodebook, .unknownCode, .ambiguousCode: return .badData
        }
    }

    public var errorDescription: String? {
        switch self {
        case .selectionNeeded(let coders):
            return "this project has \(coders.count) coders (\(coders.joined(separator: ", "))); say which coding to count with "
                + "--coder NAME, --consensus or --union."
        case .unknownCoder(let name, let coders):
            return "no coder '\(name)' in this project; its coders are: \(Self.list(coders))."
        case .noConsensus(let coders):
            return "this project has no consensus coding yet (coders: \(Self.list(coders))); reconcile the coders first, "
                + "or use --coder NAME or --union."
        case .noCodersForUnion:
            return "--union needs codings by at least one coder other than 'consensus'; use --consensus instead."
        case .noCodings:
            return "this project has no codings yet; code some excerpts or import codings first."
        case .noCodebook:
            return "this project has no codebook yet; import or add codes first."
        case .unknownAttribute(let name, let known):
            return "no participant has the attribute '\(name)'; attributes in this project: \(Self.list(known)) "
                + "('focuscode participants' shows them)."
        case .unknownCode(let code):
            return "no code '\(code)' in the codebook; give a theme name or a path such as 'Theme/Subtheme'."
        case .ambiguousCode(let code, let paths):
            return "'\(code)' names more than one code (\(paths.joined(separator: "; "))); give the full path."
        case .invalidLevel(let level):
            return "--level must be 1 (themes) or more, not \(level)."
        case .invalidLimit(let limit):
            return "--limit must be at least 1, not \(limit)."
        }
    }

    private static func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
}

import Foundation

/// What can go wrong while anonymising. No message quotes an original identifier: they name
/// files, lines, excerpt IDs and placeholders only.
public enum AnonymisationError: CategorisedError, Equatable {
    case badListLine(file: String, line: Int, problem: String)
    case keyFileInProjectFolder(path: String)
    case keyRequired
    case keyFileNotNeeded
    case notAKeyFile(path: String)
    case wrongKeyFile(path: String)
    case otherKeyFile(path: String)
    case keyFileUnwritable(path: String, reason: String)
    case invalidKind(String)
    case textNotInExcerpt(ref: String)
    case emptyText
    case pseudonymTaken(String)

    public var category: ErrorCategory {
        switch self {
        case .badListLine, .notAKeyFile, .wrongKeyFile, .otherKeyFile, .textNotInExcerpt: return .badData
        case .keyFileInProjectFolder, .keyRequired, .keyFileNotNeeded, .invalidKind, .emptyText, .pseudonymTaken: return .usage
        case .keyFileUnwritable: return .cannotCreate
        }
    }

    public var errorDescription: String? {
        switch self {
        case .badListLine(let file, let line, let problem):
            return "\(file):\(line): \(problem)"
        case .keyFileInProjectFolder(let path):
            return "refusing to write the key file \(path) in the project's own folder: whoever is given the folder would get the way back to the originals. Keep the key elsewhere (e.g. an encrypted drive), or pass --force."
        case .keyRequired:
            return "this project has a key file, and its placeholders can only be kept consistent with it: pass --key FILE (the key file given at the first anonymised import)."
        case .keyFileNotNeeded:
            return "--key needs the detectors; it cannot be combined with --no-detect."
        case .notAKeyFile(let path):
            return "\(path) is not a FocusCode key file (or it is damaged); check the --key path."
        case .wrongKeyFile(let path):
            return "\(path) is not the key file of this project; use the key file that was created for it."
        case .otherKeyFile(let path):
            return "there is no key file at \(path), and this project already has one (a second cannot be started); pass the path of the project's key file."
        case .keyFileUnwritable(let path, let reason):
            return "cannot write the key file \(path): \(reason)."
        case .invalidKind(let kind):
            return "invalid identifier type '\(kind)': use upper-case letters, digits or '_' (e.g. NAME, PLACE, ORG, STAFF_ID)."
        case .textNotInExcerpt(let ref):
            return "the given text does not occur as a whole word in \(ref); copy it as 'focuscode show \(ref)' prints it (case does not matter)."
        case .emptyText:
            return "the text to decide on is empty."
        case .pseudonymTaken(let pseudonym):
            return "the pseudonym \(pseudonym) from the pseudonym file is already used by another participant of this project."
        }
    }
}

import Crypto
import Foundation

/// REFI-QDA GUIDs: `8-4-4-4-12` hex digits, optionally in braces, in either case.
enum GUID {
    /// The canonical form FocusCode stores: lower case, no braces; `nil` when `text` is not a GUID.
    static func normalise(_ text: String) -> String? {
        var s = text.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("{"), s.hasSuffix("}") { s = String(s.dropFirst().dropLast()) }
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12], parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else { return nil }
        return s.lowercased()
    }

    /// A name-based GUID (UUID version 5 layout, SHA-1) in a namespace: the same inputs always give the same GUID,
    /// so re-exporting a project writes identical files.
    static func derived(_ namespace: String, _ name: String) -> String {
        var hash = Insecure.SHA1()
        hash.update(data: Data("focuscode:\(namespace)\u{0}\(name)".utf8))
        var bytes = Array(hash.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    /// A stored ID as a GUID: itself when it is one, else a GUID derived from it.
    static func exportable(_ id: String, kind: String) -> String {
        normalise(id) ?? derived(kind, id)
    }
}

/// A problem with an exchange file, in words for a person (wrapped into `ExchangeError`).
struct ExchangeProblem: Error {
    let problem: String
    init(_ problem: String) { self.problem = problem }
}

/// Errors of REFI-QDA exchange and of team split and merge.
public enum ExchangeError: CategorisedError, Equatable {
    case badFile(file: String, problem: String)
    case unsupportedFile(file: String)
    case cannotWrite(path: String, reason: String)
    case notACopy(path: String, reason: String)
    case otherProject(path: String)
    case conflicts([String])
    case copyHasUnknownExcerpts(path: String, refs: [String])
    case unknownCoder(String)
    case wrongCoderForCopy(copy: String, owner: String, coder: String)

    public var category: ErrorCategory {
        switch self {
        case .badFile, .notACopy, .otherProject, .conflicts, .copyHasUnknownExcerpts: return .badData
        case .unsupportedFile, .unknownCoder, .wrongCoderForCopy: return .usage
        case .cannotWrite: return .cannotCreate
        }
    }

    public var errorDescription: String? {
        switch self {
        case .badFile(let f, let p):
            return "\(f): \(p)"
        case .unsupportedFile(let f):
            return "\(f): not a REFI-QDA file; use a .qdpx project, a .qde project document or a .qdc codebook."
        case .cannotWrite(let p, let reason):
            return "cannot write \(p): \(reason)."
        case .notACopy(let p, let reason):
            return "\(p) is not a team copy of a FocusCode project (\(reason))."
        case .otherProject(let p):
            return "\(p) was split from another project (its project ID differs); merge it into the project it came from."
        case .conflicts(let list):
            return "the copies conflict with the project; nothing was merged. Choose with --prefer project or --prefer copy:\n  "
                + list.joined(separator: "\n  ")
        case .copyHasUnknownExcerpts(let p, let refs):
            return "\(p) has excerpts this project lacks (\(refs.prefix(5).joined(separator: ", "))\(refs.count > 5 ? ", …" : "")); import those documents into the project first."
        case .unknownCoder(let c):
            return "'\(c)' is not a valid coder name for a team copy (one name per coder, no '/', not starting with '.')."
        case .wrongCoderForCopy(let copy, let owner, let coder):
            return "\(copy) is \(owner)'s blind copy; \(coder) cannot code in it (leave out --coder, or use --coder \(owner))."
        }
    }
}

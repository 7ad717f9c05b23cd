import Foundation

/// A type of identifier; the prefix of its placeholders (`NAME` in `[NAME-3]`).
///
/// Built-in kinds have detectors; any other upper-case name (letters, digits, `_`) may be used
/// by a custom pattern or a reviewer's decision (`--as STAFF_ID`).
public struct IdentifierKind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 1–20 characters: an upper-case letter, then upper-case letters, digits or `_`.
    public init?(rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard (1...20).contains(bytes.count), (0x41...0x5A).contains(bytes[0]),
              bytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ raw: String) { rawValue = raw }

    public static let name = IdentifierKind("NAME")
    public static let place = IdentifierKind("PLACE")
    public static let organisation = IdentifierKind("ORG")
    public static let email = IdentifierKind("EMAIL")
    public static let phone = IdentifierKind("PHONE")
    public static let url = IdentifierKind("URL")
    public static let postcode = IdentifierKind("POSTCODE")
    public static let nationalInsurance = IdentifierKind("NINO")
    public static let dateOfBirth = IdentifierKind("DOB")
    public static let vehicle = IdentifierKind("VEHICLE")
    /// Marks text the scanner leaves as it is (an existing placeholder); no user kind can have this name.
    static let skip = IdentifierKind("_SKIP")

    /// The kinds FocusCode detects by itself.
    public static let builtIn: [IdentifierKind] = [.name, .place, .organisation, .email, .phone, .url, .postcode,
                                                    .nationalInsurance, .dateOfBirth, .vehicle]

    public var description: String { rawValue }
    public static func < (a: IdentifierKind, b: IdentifierKind) -> Bool { a.rawValue < b.rawValue }

    /// The placeholder text for a number: `[NAME-3]`.
    public func placeholder(_ number: Int) -> String { "[\(rawValue)-\(number)]" }

    /// The form under which two spellings of one identifier count as the same original: phone
    /// numbers by their digits (UK numbers as +44…), postcodes, NI numbers and registrations in
    /// capitals without spaces, e-mail addresses and URLs in lower case, and everything else as
    /// its words in lower case joined by single spaces ("Anne-Marie’s" and "anne marie" agree).
    public func normalise(_ original: String) -> String {
        switch self {
        case .phone:
            var digits = original.unicodeScalars.filter { ("0"..."9").contains($0) }.map(String.init).joined()
            if original.trimmingCharacters(in: .whitespaces).hasPrefix("+") { return "+" + digits }
            if digits.hasPrefix("00") { return "+" + digits.dropFirst(2) }
            if digits.hasPrefix("0") { digits = "+44" + digits.dropFirst() }
            return digits
        case .postcode, .nationalInsurance, .vehicle:
            return original.uppercased().filter { !$0.isWhitespace }
        case .email, .url:
            return original.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        default:
            return WordNormaliser.words(original)
        }
    }
}

/// Word-level normalisation shared by the name matcher and the digests.
enum WordNormaliser {
    /// The word tokens of `text`, lower-cased, joined by single spaces.
    static func words(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return Tokenizer.tokens(bytes).map { $0.lowercased(in: bytes) }.joined(separator: " ")
    }
}

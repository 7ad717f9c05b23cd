import Foundation
@testable import FocusCodeKit

/// A redactor over an empty project state, for detector tests.
func makeRedactor(names: [String] = [], places: [String] = [], organisations: [String] = [], speakers: [String] = [],
                  patterns: [CustomPattern] = [], detectors: Set<IdentifierKind> = AnonymisationOptions.shapeDetectors) -> Anonymiser {
    let state = AnonymisationState(projectId: "test", salt: String(repeating: "ab", count: 32), keying: nil, binding: nil,
                                   hasDocuments: false, placeholders: [], keepDigests: [])
    var anonymiser = Anonymiser(options: AnonymisationOptions(detectors: detectors, names: names, places: places,
                                                              organisations: organisations, patterns: patterns),
                                state: state, key: nil)
    anonymiser.beginDocument(fileName: "t.txt", speakers: speakers)
    return anonymiser
}

extension Anonymiser {
    /// The text with identifiers replaced.
    mutating func redacted(_ text: String) -> String { redact(text).text }
    /// The kinds replaced in a text, in order.
    mutating func kinds(_ text: String) -> [String] { redact(text).replacements.map(\.kind.rawValue) }
    /// The originals replaced in a text, in order.
    mutating func originals(_ text: String) -> [String] { redact(text).replacements.map(\.original) }
    /// The review candidates of a text.
    mutating func candidates(_ text: String) -> [String] { redact(text).candidates.map(\.text) }
}

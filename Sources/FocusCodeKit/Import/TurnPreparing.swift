import Foundation
import GRDB

/// The one seam between a reader and the store: every turn passes through `prepare` before
/// anything is written. Anonymisation plugs in here, so that original text never reaches the
/// project file.
///
/// The importer calls, inside its transaction: `beginDocument` (with every speaker label of the
/// document, before its first turn), `prepare` for each turn, `endDocument` once the document's
/// rows are written, and `willCommit` just before committing (never for a dry run).
public protocol TurnPreparing {
    /// Returns the turn as it may be stored (the text to keep; the speaker label to map to a participant).
    mutating func prepare(_ turn: Turn) -> Turn
    /// Whether `beginDocument` needs the document's speaker labels (a large file is then read twice).
    var wantsSpeakers: Bool { get }
    /// The HMAC key for speaker-label digests, when it is not the project's salt.
    var labelDigestKey: String? { get }
    /// The file name to store for a document.
    mutating func storedFileName(_ fileName: String) -> String
    mutating func beginDocument(fileName: String, speakers: [String])
    mutating func endDocument(id: Int64, in db: Database) throws
    mutating func willCommit(_ db: Database) throws
}

extension TurnPreparing {
    public var wantsSpeakers: Bool { false }
    public var labelDigestKey: String? { nil }
    public mutating func storedFileName(_ fileName: String) -> String { fileName }
    public mutating func beginDocument(fileName: String, speakers: [String]) {}
    public mutating func endDocument(id: Int64, in db: Database) throws {}
    public mutating func willCommit(_ db: Database) throws {}
}

/// Keeps the text as the reader gave it (no detectors configured).
public struct PassThroughPreparer: TurnPreparing {
    public init() {}
    public mutating func prepare(_ turn: Turn) -> Turn { turn }
}

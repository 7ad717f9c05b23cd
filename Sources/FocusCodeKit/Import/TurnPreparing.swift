import Foundation

/// The one seam between a reader and the store: every turn passes through `prepare` before
/// anything is written. Anonymisation plugs in here, so that original text never reaches the
/// project file.
public protocol TurnPreparing {
    /// Returns the turn as it may be stored (the text to keep; the speaker label to map to a participant).
    mutating func prepare(_ turn: Turn) -> Turn
}

/// Keeps the text as the reader gave it (no detectors configured).
public struct PassThroughPreparer: TurnPreparing {
    public init() {}
    public mutating func prepare(_ turn: Turn) -> Turn { turn }
}

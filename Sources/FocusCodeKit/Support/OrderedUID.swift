import Foundation

/// Time-ordered stable IDs for passages: UUID version 7 (RFC 9562), in lower-case text.
///
/// A passage's `uid` sits under a unique index. A random (version 4) UUID lands each new row on a random page of that
/// index, so once the index outgrows the page cache every insert of a large import reads and writes a page from
/// disk: 3,000,000 codings took about 2× as long as before passages had IDs. A version-7 UUID starts with the time in
/// milliseconds, so new IDs sort after the old ones and inserts append to the index.
///
/// Layout: 48 bits of Unix time in ms, the version (7), 12 bits of a counter that keeps IDs of one process strictly
/// increasing within a millisecond (RFC 9562 §6.2, method 1), the variant (10), and 62 random bits. The random bits
/// come from SplitMix64 seeded once per process from the system's secure source; they make IDs of two machines
/// (two coders of one hub) distinct, and nothing is derived from the text or the coder.
public enum OrderedUID {
    private static let lock = NSLock()
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
    nonisolated(unsafe) private static var state = State()

    private struct State {
        var lastMillis: UInt64 = 0
        var counter: UInt64 = 0
        var random = AgreementSplitMix64(seed: UInt64.random(in: .min ... .max))
    }

    /// A new ID, greater than every ID this process made before.
    public static func next() -> String { next(clock: nil) }

    /// `clock` stands in for the time in ms (tests: many IDs "in one millisecond").
    static func next(clock: UInt64?) -> String {
        var bytes = [UInt8](repeating: 0, count: 36)
        bytes.withUnsafeMutableBufferPointer { write(into: $0.baseAddress!, clock: clock) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes a new ID as 36 ASCII bytes (8-4-4-4-12 hex digits) at `out`: for binding without making a `String`.
    public static func write(into out: UnsafeMutablePointer<UInt8>) { write(into: out, clock: nil) }

    static func write(into out: UnsafeMutablePointer<UInt8>, clock: UInt64?) {
        let (millis, counter, random) = take(clock: clock)
        let high = millis << 16 | 0x7000 | counter            // time (48) · version (4) · counter (12)
        let low = 0x8000_0000_0000_0000 | random >> 2          // variant (2) · random (62)
        var position = 0
        func put(_ value: UInt64, digits: Int) {
            for i in stride(from: digits - 1, through: 0, by: -1) {
                out[position] = hex[Int(value >> UInt64(i * 4) & 0xF)]
                position += 1
            }
        }
        put(high >> 32, digits: 8); out[position] = 0x2D; position += 1
        put(high >> 16 & 0xFFFF, digits: 4); out[position] = 0x2D; position += 1
        put(high & 0xFFFF, digits: 4); out[position] = 0x2D; position += 1
        put(low >> 48, digits: 4); out[position] = 0x2D; position += 1
        put(low & 0xFFFF_FFFF_FFFF, digits: 12)
    }

    private static func take(clock: UInt64?) -> (millis: UInt64, counter: UInt64, random: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        let now = clock ?? UInt64(max(0, Date().timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
        if now > state.lastMillis {
            state.lastMillis = now
            // A random start below half the range leaves room for 2,048 or more IDs in this millisecond.
            state.counter = state.random.next() & 0x7FF
        } else if state.counter < 0xFFF {
            state.counter += 1              // the same millisecond (or the clock stepped back): keep counting up
        } else {
            state.lastMillis += 1           // the counter is spent: borrow the next millisecond
            state.counter = state.random.next() & 0x7FF
        }
        return (state.lastMillis, state.counter, state.random.next())
    }
}

/// A set of excerpt row ids as one bit per id: the reports' unit of counting.
///
/// Reports aggregate millions of (excerpt, code) pairs; a bitset makes "an excerpt counts once per code"
/// (and roll-up: the union of a theme's and its subthemes' sets) a matter of OR-ing words, with no hashing.
struct ExcerptBitset: Sendable, Equatable {
    private(set) var words: [UInt64]

    /// An empty set able to hold ids `0 ..< capacity`.
    init(capacity: Int) {
        words = Array(repeating: 0, count: (max(capacity, 0) + 63) >> 6)
    }

    /// The ids this set can hold.
    var capacity: Int { words.count << 6 }

    /// Adds `id`; ids outside the capacity are ignored (they name no excerpt that was loaded).
    @inline(__always)
    mutating func insert(_ id: Int) {
        let w = id >> 6
        guard id >= 0, w < words.count else { return }
        words[w] |= 1 &<< UInt64(id & 63)
    }

    @inline(__always)
    func contains(_ id: Int) -> Bool {
        let w = id >> 6
        guard id >= 0, w < words.count else { return false }
        return words[w] & (1 &<< UInt64(id & 63)) != 0
    }

    var count: Int {
        words.withUnsafeBufferPointer { buffer in
            var n = 0
            for word in buffer { n &+= word.nonzeroBitCount }
            return n
        }
    }

    mutating func formUnion(_ other: ExcerptBitset) {
        precondition(other.words.count == words.count, "bitsets of different capacity")
        other.words.withUnsafeBufferPointer { src in
            words.withUnsafeMutableBufferPointer { dst in
                for i in dst.indices { dst[i] |= src[i] }
            }
        }
    }

    mutating func formIntersection(_ other: ExcerptBitset) {
        precondition(other.words.count == words.count, "bitsets of different capacity")
        other.words.withUnsafeBufferPointer { src in
            words.withUnsafeMutableBufferPointer { dst in
                for i in dst.indices { dst[i] &= src[i] }
            }
        }
    }

    /// The size of `self ∩ other` without building it.
    func intersectionCount(_ other: ExcerptBitset) -> Int {
        precondition(other.words.count == words.count, "bitsets of different capacity")
        return words.withUnsafeBufferPointer { a in
            other.words.withUnsafeBufferPointer { b in
                var n = 0
                for i in a.indices { n &+= (a[i] & b[i]).nonzeroBitCount }
                return n
            }
        }
    }

    /// Calls `body` with each id in ascending order.
    @inline(__always)
    func forEach(_ body: (Int) throws -> Void) rethrows {
        try words.withUnsafeBufferPointer { buffer in
            for (index, word) in buffer.enumerated() where word != 0 {
                var w = word
                let base = index << 6
                while w != 0 {
                    try body(base | w.trailingZeroBitCount)
                    w &= w &- 1
                }
            }
        }
    }

    /// The ids in ascending order.
    var elements: [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        forEach { out.append($0) }
        return out
    }
}

import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class OrderedUIDTests: XCTestCase {
    /// 20,000 IDs in a row: all distinct, each later one greater as text, each a valid version-7 UUID of RFC 9562
    /// whose first 48 bits are the time in milliseconds.
    func testIDsAreVersion7StrictlyIncreasingAndCarryTheTime() throws {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let ids = (0..<20_000).map { _ in OrderedUID.next() }
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        XCTAssertEqual(Set(ids).count, ids.count)
        XCTAssertEqual(ids, ids.sorted())
        for id in [ids[0], ids[9_999], ids[19_999]] {
            let millis = try Self.millis(id)
            XCTAssertGreaterThanOrEqual(millis, before, id)
            XCTAssertLessThanOrEqual(millis, after + 10, id)   // at most a few ms borrowed ahead (see the next test)
        }
        // The 62 random bits differ: the last 12 hex digits of neighbours are not a simple count.
        XCTAssertGreaterThan(Set(ids.map { $0.suffix(12) }).count, ids.count - 5)
    }

    /// Many IDs in one millisecond (the clock held still, or stepped back): the 12-bit counter keeps them increasing,
    /// and once it is spent the next millisecond is borrowed, so order never breaks.
    func testOneMillisecondHoldsThousandsAndThenBorrowsTheNext() throws {
        let before = try Self.millis(OrderedUID.next())
        // A clock ten seconds behind that holds still: every ID must still come after the last one.
        let ids = (0..<6_000).map { _ in OrderedUID.next(clock: before - 10_000) }
        XCTAssertEqual(ids, ids.sorted())
        XCTAssertEqual(Set(ids).count, ids.count)
        let times = try ids.map(Self.millis)
        XCTAssertGreaterThanOrEqual(times.first!, before)
        // A millisecond holds at most 4,096 IDs and a fresh one at least 2,048 (the counter starts below 2,048), so
        // 6,000 IDs borrow one to three milliseconds, never more: the IDs stay close to the real time.
        XCTAssertTrue((1...3).contains(times.last! - times.first!), "\(times.last! - times.first!)")
    }

    /// The time in an ID, checking its version (7) and variant (10) on the way.
    static func millis(_ id: String) throws -> UInt64 {
        let uuid = try XCTUnwrap(UUID(uuidString: id), id)
        XCTAssertEqual(id, uuid.uuidString.lowercased())
        let bytes = withUnsafeBytes(of: uuid.uuid) { Array($0) }
        XCTAssertEqual(bytes[6] >> 4, 7, "version nibble of \(id)")
        XCTAssertEqual(bytes[8] >> 6, 0b10, "variant bits of \(id)")
        return bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Passages get increasing IDs in the order they were made, from a codings CSV and from `code`; and the SQL function
    /// that the passages migration and reconcile use (`focuscode_uid()`) continues the same sequence.
    func testPassagesGetIncreasingIDsFromEveryPath() throws {
        let dir = TempDir()
        let project = try CodingFixtures.project(in: dir)
        _ = try project.importCodings(csv: try CodingFixtures.text("codings/coder_a.csv"), fileName: "coder_a.csv")
        _ = try project.applyCode("Offender profiles/Gender", to: "FG1-0016", coder: "coder_b")
        let uids = try project.read { db in try String.fetchAll(db, sql: "SELECT uid FROM codings ORDER BY id") }
        XCTAssertEqual(uids.count, 135)
        XCTAssertEqual(uids, uids.sorted())
        XCTAssertTrue(uids.allSatisfy { Array($0)[14] == "7" })
        let viaSQL = try project.write { db in try String.fetchOne(db, sql: "SELECT focuscode_uid()")! }
        XCTAssertGreaterThan(viaSQL, uids.last!)
    }
}

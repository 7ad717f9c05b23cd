import Foundation
import XCTest
@testable import FocusCodeKit

/// Anonymisation over 1 MB turns of the shapes that once made it quadratic finishes, and still
/// finds what it should. (No timing asserts: the benchmark program measures the time.)
final class LinearScanTests: XCTestCase {
    static let megabyte = 1_048_576

    static func repeated(_ unit: String) -> String {
        String(repeating: unit, count: megabyte / unit.utf8.count + 1)
    }

    func redact(_ text: String) -> RedactionOutcome {
        var anonymiser = makeRedactor(names: ["Alex Morgan", "Sam"], places: ["Riverton"], organisations: ["Northfield Trust"],
                                      speakers: ["P1"])
        return anonymiser.redact(text)
    }

    func testOneMegabyteOfDigitsFinishes() {
        _ = redact(String(repeating: "7", count: Self.megabyte))
        _ = redact(Self.repeated("0"))
    }

    func testOneMegabyteOfPhoneLikeTextFinishes() {
        // Each group could start a phone number that runs on to the end of the turn.
        _ = redact(Self.repeated("01 "))
        _ = redact(Self.repeated("+4 "))
        _ = redact(Self.repeated("(0) "))
        _ = redact(Self.repeated("+44 7700 900"))
        // Phones between words are still found.
        let result = redact(Self.repeated("call +44 7700 900123 now "))
        XCTAssertGreaterThan(result.replacements.count, 10_000)
        XCTAssertFalse(result.text.contains("7700 900123"))
    }

    func testOneMegabyteOfDatesAndPostcodesFinishes() {
        _ = redact(Self.repeated("12/"))
        _ = redact(Self.repeated("1 January "))
        _ = redact(Self.repeated("AB1 "))
    }

    func testOneMegabyteOfEmailsFinishes() {
        let result = redact(Self.repeated("a.b@c.example.org "))
        XCTAssertGreaterThan(result.replacements.count, 10_000)
        XCTAssertFalse(result.text.contains("@c.example.org"))
    }

    func testOneMegabyteOfAtSignsAndDotsFinishes() {
        _ = redact(Self.repeated("a@a."))
        _ = redact(Self.repeated("x.y."))
        _ = redact(String(repeating: "-", count: Self.megabyte))
    }

    func testOneMegabyteOfNamesFinishes() {
        let result = redact(Self.repeated("Alex Morgan met Sam in Riverton. "))
        XCTAssertFalse(result.text.contains("Alex Morgan"))
        XCTAssertFalse(result.text.contains("Riverton"))
    }

    func testOneMegabyteOfCapitalisedWordsFinishes() {
        _ = redact(Self.repeated("Quill Harbour Ember "))
    }
}

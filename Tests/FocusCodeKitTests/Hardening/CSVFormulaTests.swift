import Foundation
import XCTest
@testable import FocusCodeKit

/// OWASP CSV-injection neutralisation: what is prefixed, what is not, and that reading restores every value.
final class CSVFormulaTests: XCTestCase {
    func testFormulaStartsArePrefixed() {
        for value in ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "=", "-", "'=x", "''", "'+"] {
            XCTAssertEqual(CSV.neutralised(value), "'" + value, value)
        }
    }

    func testOrdinaryValuesAndPlainNumbersAreLeftAlone() {
        for value in ["", "Workload", "-0.25", "+3", "-1.5e-3", "12", "'tis", "'", " =x", "a=b", "x-y"] {
            XCTAssertEqual(CSV.neutralised(value), value, value)
        }
    }

    func testRestoredUndoesNeutralisedForAnyValue() {
        let values = ["=1", "''=", "'", "''", "'''x", "-", "-1", "-1-", "@", "\t", "\r\n", "plain", "'plain", "", "+44 7700 900123"]
        for value in values {
            XCTAssertEqual(CSV.restored(CSV.neutralised(value)), value, value)
        }
    }

    func testRowsNeutraliseUnlessTurnedOff() {
        XCTAssertEqual(CSV.row(["=1+2", "-3", "a"]), "'=1+2,-3,a\n")
        XCTAssertEqual(CSVFormulas.$neutralise.withValue(false) { CSV.row(["=1+2", "-3", "a"]) }, "=1+2,-3,a\n")
        XCTAssertEqual(CSV.row(["\tx"]), "'\tx\n")
    }
}

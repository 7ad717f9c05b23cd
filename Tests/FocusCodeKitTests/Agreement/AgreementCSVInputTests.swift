import Foundation
import XCTest
@testable import FocusCodeKit

/// Long-form CSV input: the quote-free fast path reads exactly what `CSV.parse` reads.
final class AgreementCSVInputTests: XCTestCase {
    func load(_ text: String, units: String? = nil, exclusive: Bool = false) throws -> AgreementCSVInput {
        try AgreementCSVInput(codings: [AgreementInputFile(name: "c.csv", text: text)],
                              units: units.map { AgreementInputFile(name: "u.csv", text: $0) }, exclusive: exclusive)
    }

    func matrices(_ input: AgreementCSVInput) -> [[Int32]] { input.dataset.binaryMatrices().map(\.values) }

    func testFastPathAndCSVParseAgree() throws {
        // CRLF, a blank line, spaces around names, a reviewed-none row, no final line break.
        let plain = "coder,unit,code\r\nann,u1,x\r\n\r\nben, u1 ,x\r\nann,u2,\r\nben,u2,y\r\nann,u3,y"
        // The same with one quoted field, which sends the file through CSV.parse.
        let quoted = "coder,unit,code\r\nann,u1,x\r\n\r\nben, u1 ,\"x\"\r\nann,u2,\r\nben,u2,y\r\nann,u3,y"
        let a = try load(plain), b = try load(quoted)
        XCTAssertEqual(a.dataset.units, ["u1", "u2", "u3"])
        XCTAssertEqual(a.dataset.coders, ["ann", "ben"])
        XCTAssertEqual(a.dataset.codes, ["x", "y"])
        XCTAssertEqual(b.dataset.units, a.dataset.units)
        XCTAssertEqual(b.dataset.coders, a.dataset.coders)
        XCTAssertEqual(b.dataset.codes, a.dataset.codes)
        XCTAssertEqual(matrices(a), [[1, 1, 0, 0, 0, -1], [0, 0, 0, 1, 1, -1]])
        XCTAssertEqual(matrices(b), matrices(a))
    }

    func testErrorsNameTheLineOnBothPaths() throws {
        for text in ["unit,coder,code\nu1,ann,x\n\nu2,ann\n", "unit,coder,code\r\nu1,ann,\"x\"\r\n\r\nu2,ann\r\n"] {
            XCTAssertThrowsError(try load(text)) { error in
                XCTAssertEqual(error as? ProjectError, .badRow(file: "c.csv", line: 4, problem: "expected 3 fields as in the header, found 2"))
            }
        }
        XCTAssertThrowsError(try load("unit,coder,code\nu1,ann,x\nu9,ann,x\n", units: "unit\nu1\n")) { error in
            XCTAssertEqual(error as? ProjectError, .badRow(file: "c.csv", line: 3, problem: "unit 'u9' is not in u.csv; add it there or fix the row"))
        }
        XCTAssertThrowsError(try load("\n\n")) { error in
            XCTAssertEqual((error as? ProjectError)?.category, .badData)
        }
        XCTAssertThrowsError(try load("unit,coder,code\nu1,ann,x\nu1,ann,y\n", exclusive: true)) { error in
            XCTAssertTrue(error.localizedDescription.hasPrefix("c.csv:3: coder 'ann' already gave unit 'u1' the code 'x' (c.csv:2)"), error.localizedDescription)
        }
        // The same code twice is not a conflict.
        XCTAssertEqual(try load("unit,coder,code\nu1,ann,x\nu1,ann,x\n", exclusive: true).dataset.codes, ["x"])
    }

    func testDecodingPlainUTF8AndOtherEncodings() throws {
        XCTAssertEqual(try AgreementInputFile(name: "a.csv", data: Data("unit,coder,code\nü1,ann,x\n".utf8)).text, "unit,coder,code\nü1,ann,x\n")
        // Windows-1252 (ü = 0xFC) goes through TextDecoding.
        XCTAssertEqual(try AgreementInputFile(name: "b.csv", data: Data([0x75, 0x0A, 0xFC, 0x0A])).text, "u\nü\n")
        XCTAssertThrowsError(try AgreementInputFile(name: "c.csv", data: Data()))
    }
}

import FocusCodeTestSupport
import Foundation
import XCTest

/// `focuscode serve`'s refusals through the built binary (the serving itself is tested in
/// FocusCodeWebTests and, in a browser, in Tests/browser).
final class ServeCLITests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fc-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testAPortOutOfRangeIsAUsageError() throws {
        let r = try runBinary(["serve", "--port", "70000", "--coder", "alice"], in: dir)
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--port"), r.stderr)
    }

    func testAMissingProjectIsMissingInput() throws {
        let r = try runBinary(["serve", "--coder", "alice", "--project", dir.appendingPathComponent("none.sqlite").path], in: dir,
                              environment: ["FOCUSCODE_PROJECT": nil])
        XCTAssertEqual(r.status, 66, r.stderr)
    }

    func testWithoutACoderItSaysHowToNameOne() throws {
        XCTAssertEqual(try runBinary(["init"], in: dir, environment: ["FOCUSCODE_PROJECT": nil]).status, 0)
        let r = try runBinary(["serve"], in: dir, environment: ["FOCUSCODE_PROJECT": nil, "FOCUSCODE_CODER": nil])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("coder"), r.stderr)
    }

    func testHelpDocumentsTheSecurityAndKeys() throws {
        let r = try runBinary(["serve", "--help"], in: dir)
        XCTAssertEqual(r.status, 0)
        for needle in ["token", "--blind", "--host", "127.0.0.1", "focuscode serve --port 8080 --coder alice --blind"] {
            XCTAssertTrue(r.stdout.contains(needle), needle)
        }
    }
}

import FocusCodeTestSupport
import Foundation
import XCTest
@testable import FocusCodeKit

/// One fixture project for the report tests, built once: FG1 and FG2 imported, the participants' attributes,
/// the fixture codebook, coder_a, coder_b and the test consensus (see `FixtureData.consensus`). Tests only read it.
enum ReportFixture {
    nonisolated(unsafe) static let dir = TempDir()
    static let project: Project = {
        // A static is never deinitialised, so remove the folder when the test process ends.
        atexit { try? FileManager.default.removeItem(at: ReportFixture.dir.url) }
        let project = try! FixtureData.importTranscripts(into: dir.path("fixtures.sqlite"))
        try! FixtureData.insertCodebookAndCodings(into: project)
        return project
    }()
}

/// Whole-output comparison with a file in `Reports/Golden/`. `FOCUSCODE_UPDATE_GOLDEN=1` rewrites the files
/// instead (then review them by eye and with `git diff`).
enum Golden {
    static var folder: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden") }

    static func check(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["FOCUSCODE_UPDATE_GOLDEN"] == "1" {
            try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try! Data(actual.utf8).write(to: url)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no golden file \(name); run the tests with FOCUSCODE_UPDATE_GOLDEN=1 to write it", file: file, line: line)
            return
        }
        if actual != expected {
            let a = actual.components(separatedBy: "\n"), e = expected.components(separatedBy: "\n")
            let first = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
            XCTFail("""
                \(name) differs from the golden file at line \(first + 1):
                  expected: \(first < e.count ? e[first] : "(end)")
                  actual:   \(first < a.count ? a[first] : "(end)")
                (FOCUSCODE_UPDATE_GOLDEN=1 rewrites it)
                """, file: file, line: line)
        }
    }
}

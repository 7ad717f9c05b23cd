import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class AutocodeTests: XCTestCase {
    func testRegexPreviewListsMatchesAndWritesNothingThenApplyCodesThem() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let options = AutocodeOptions(pattern: .regex(#"\btrain(ing|ed)\b"#), code: "Policing/Training", coder: "auto")
        let audit = try project.count("audit_log")
        let preview = try project.autocodePreview(options)
        // The moderator's "tell us about training" is left out.
        XCTAssertEqual(preview.map(\.excerpt.ref), ["FG1-0002", "FG1-0003"])
        XCTAssertEqual(preview[0].snippet, "We had no \u{2}training\u{3} on this at all.")
        XCTAssertEqual(preview.map(\.alreadyCoded), [false, false])
        XCTAssertEqual(try project.count("codings"), 0)
        XCTAssertEqual(try project.count("coders"), 0)
        XCTAssertEqual(try project.count("audit_log"), audit)

        // Autocode codes the matching passage: a whole-turn coding of FG1-0003 is not that passage.
        try project.applyCode("Policing/Training", to: "FG1-0003", coder: "auto")
        XCTAssertEqual(try project.autocodePreview(options).map(\.alreadyCoded), [false, false])
        let span3 = try XCTUnwrap(try project.autocodePreview(options)[1].spans.first)
        try project.applyCode("Policing/Training", to: "FG1-0003", coder: "auto", span: span3)
        XCTAssertEqual(try project.autocodePreview(options).map(\.alreadyCoded), [false, true])
        XCTAssertEqual(try project.autocodePreview(options)[0].spans, [Span(start: 10, end: 18)], "'training' in 'We had no training on this at all.'")
        let result = try project.autocodeApply(options)
        XCTAssertEqual(result, AutocodeResult(matches: 2, applied: 1, excerptsCoded: 1, alreadyCoded: 1, exclusiveConflicts: []))
        XCTAssertEqual(try project.codings(CodingFilter(excerpt: "FG1-0002")).map(\.text), ["training"])
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "auto"), .coded(["Policing/Training"]))
        var withModerator = options
        withModerator.includeModerators = true
        XCTAssertEqual(try project.autocodePreview(withModerator).map(\.excerpt.ref), ["FG1-0001", "FG1-0002", "FG1-0003"])
        let last = try project.read { db in try Row.fetchOne(db, sql: "SELECT actor, action, detail FROM audit_log ORDER BY id DESC LIMIT 1")! }
        XCTAssertEqual(last["action"], "autocode")
        XCTAssertEqual(last["actor"], "auto")
        XCTAssertFalse((last["detail"] as String).contains("train"), "the pattern is not logged")
    }

    func testQueryAndErrors() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let query = AutocodeOptions(pattern: .query("phones OR workload"), code: "Covid/Phones", coder: "auto")
        XCTAssertEqual(try project.autocodePreview(query).map(\.excerpt.ref), ["FG1-0003", "FG1-0004"])
        XCTAssertEqual(try project.autocodePreview(query)[1].snippet, "\u{2}Phones\u{3} instead of visits during lockdown.")
        try project.retireCode("Covid/Phones")
        XCTAssertThrowsError(try project.autocodePreview(query)) { XCTAssertEqual($0 as? CodebookError, .retired("Covid/Phones")) }
        XCTAssertThrowsError(try project.autocodePreview(AutocodeOptions(pattern: .regex("(unclosed"), code: "Policing", coder: "auto"))) {
            XCTAssertEqual(($0 as? CodingError)?.category, .usage)
        }
        XCTAssertThrowsError(try project.autocodePreview(AutocodeOptions(pattern: .query("AND"), code: "Policing", coder: "auto"))) {
            XCTAssertEqual(($0 as? ProjectError)?.category, .usage)
        }
    }
}

final class CodingSessionTests: XCTestCase {
    func testSessionCodesUndoesAndResumesWhereTheCoderStopped() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        var session = try CodingSession(project: project, coder: "alice", group: "FG1", blind: true)
        XCTAssertEqual(session.total, 4, "moderator turns are not in the queue")
        XCTAssertEqual(session.currentRef, "FG1-0002")
        XCTAssertEqual(session.codes.map(\.path), ["Policing", "Policing/Training", "Policing/Workload", "Covid", "Covid/Phones"])
        XCTAssertEqual(session.matching("work").map(\.path), ["Policing/Workload"])
        XCTAssertEqual(session.matching("p").map(\.path), ["Policing", "Policing/Training", "Policing/Workload", "Covid/Phones"])
        XCTAssertEqual(session.matching("3").map(\.path), ["Policing/Workload"])

        try session.apply(session.codes[1])
        try session.note("clear case")
        session.next()
        try session.none()
        session.next()
        try session.apply(session.codes[4])
        XCTAssertEqual(session.reviewedCount, 3)
        try session.undo()
        XCTAssertEqual(session.currentRef, "FG1-0004")
        XCTAssertEqual(session.reviewedCount, 2)
        XCTAssertEqual(try project.reviewState("FG1-0004", coder: "alice"), .notReviewed, "undo restores 'never looked'")
        XCTAssertEqual(try project.codings(CodingFilter(coder: "alice")).map { "\($0.excerpt) \($0.code ?? "-") \($0.note ?? "")" },
                       ["FG1-0002 Policing/Training clear case", "FG1-0003 - "])

        // A new session resumes at the first excerpt not reviewed.
        session = try CodingSession(project: project, coder: "alice", group: "FG1", blind: true)
        XCTAssertEqual(session.currentRef, "FG1-0004")
        XCTAssertEqual(session.reviewedCount, 2)
        let uncoded = try CodingSession(project: project, coder: "alice", group: "FG1", blind: true, uncodedOnly: true)
        XCTAssertEqual(uncoded.total, 2)
    }

    func testBlindSessionNeverShowsOtherCoders() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        try project.applyCode("Covid", to: "FG1-0002", coder: "bob")
        let open = try CodingSession(project: project, coder: "alice", group: nil, blind: false)
        XCTAssertEqual(try open.view(context: 1).others.map(\.coder), ["bob"])
        XCTAssertEqual(try open.view(context: 1).before.map(\.ref), ["FG1-0001"])
        let blind = try CodingSession(project: project, coder: "alice", group: nil, blind: true)
        XCTAssertTrue(try blind.view(context: 1).others.isEmpty)
    }
}

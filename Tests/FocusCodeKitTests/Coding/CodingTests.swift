import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class CodingTests: XCTestCase {
    /// "Looked, applied nothing" and "never looked" stay different through code, uncode and --none.
    func testReviewSemantics() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "alice"), .notReviewed)
        XCTAssertEqual(try project.applyCode("Policing/Training", to: "FG1-0002", coder: "alice"), .applied)
        XCTAssertEqual(try project.applyCode("policing/training", to: "FG1-0002", coder: "alice"), .unchanged)
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "alice"), .coded(["Policing/Training"]))
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "bob"), .notReviewed)

        // --none on a coded excerpt is refused unless replace; uncode keeps the review.
        XCTAssertThrowsError(try project.markReviewedNone("FG1-0002", coder: "alice")) {
            XCTAssertEqual($0 as? CodingError, .hasCodes(excerpt: "FG1-0002", coder: "alice", codes: ["Policing/Training"]))
        }
        try project.removeCode("Policing/Training", from: "FG1-0002", coder: "alice")
        XCTAssertEqual(try project.reviewState("FG1-0002", coder: "alice"), .reviewedNone)
        XCTAssertThrowsError(try project.removeCode("Policing/Training", from: "FG1-0002", coder: "alice")) {
            XCTAssertEqual($0 as? CodingError, .notApplied(excerpt: "FG1-0002", code: "Policing/Training", coder: "alice"))
        }

        XCTAssertTrue(try project.markReviewedNone("FG1-0003", coder: "alice"))
        XCTAssertFalse(try project.markReviewedNone("FG1-0003", coder: "alice"), "already reviewed with none")
        XCTAssertEqual(try project.reviewState("FG1-0003", coder: "alice"), .reviewedNone)
        try project.applyCode("Covid/Phones", to: "FG1-0004", coder: "alice")
        XCTAssertTrue(try project.markReviewedNone("FG1-0004", coder: "alice", replace: true))
        XCTAssertEqual(try project.reviewState("FG1-0004", coder: "alice"), .reviewedNone)

        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM reviews"), 3)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings"), 0)
        XCTAssertEqual(try project.excerpts(ExcerptFilter(coder: "alice", uncoded: true)).map(\.ref), ["FG1-0001", "FG1-0005"])
        XCTAssertEqual(try project.excerpts(ExcerptFilter(coder: "carol", uncoded: true)).count, 5, "a coder who never looked has looked at nothing")
        XCTAssertEqual(try project.excerpts(ExcerptFilter(uncoded: true)).map(\.ref), ["FG1-0001", "FG1-0005"])
    }

    func testBadExcerptCodeCoderAndSpanAreRefusedAndWriteNothing() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let before = try CodingFixtures.scalar(project, "SELECT count(*) FROM audit_log")
        XCTAssertThrowsError(try project.applyCode("Policing", to: "FG1-9999", coder: "alice")) {
            XCTAssertEqual($0 as? ProjectError, .unknownExcerpt("FG1-9999"))
        }
        XCTAssertThrowsError(try project.applyCode("Nope", to: "FG1-0002", coder: "alice")) { XCTAssertEqual($0 as? CodebookError, .unknownCode("Nope")) }
        XCTAssertThrowsError(try project.applyCode("Policing", to: "FG1-0002", coder: "Consensus")) {
            XCTAssertEqual($0 as? CodingError, .reservedCoder("Consensus"))
        }
        XCTAssertThrowsError(try project.applyCode("Policing", to: "FG1-0002", coder: " alice")) {
            XCTAssertEqual(($0 as? CodingError)?.category, .usage)
        }
        // "We had no training on this at all." has 34 characters.
        let length = try CodingFixtures.scalar(project, "SELECT length(text) FROM excerpts WHERE ref = 'FG1-0002'")
        XCTAssertEqual(length, 34)
        for (span, reason) in [(Span(start: 10, end: 35), "the excerpt has 34 characters"), (Span(start: -1, end: 3), "the start cannot be negative"),
                               (Span(start: 5, end: 5), "the end must be after the start")] {
            XCTAssertThrowsError(try project.applyCode("Policing", to: "FG1-0002", coder: "alice", span: span)) {
                XCTAssertEqual($0 as? CodingError, .badSpan(excerpt: "FG1-0002", span: span.description, reason: reason))
            }
        }
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM codings"), 0)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM reviews"), 0)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM coders"), 0)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM audit_log"), before)

        XCTAssertEqual(try project.applyCode("Policing", to: "FG1-0002", coder: "alice", span: Span(start: 7, end: 34), note: "whole clause"), .applied)
        XCTAssertEqual(try project.applyCode("Policing", to: "FG1-0002", coder: "alice", span: Span(start: 7, end: 34), note: "changed"), .updated)
        XCTAssertEqual(try project.applyCode("Policing", to: "FG1-0002", coder: "alice", span: Span(start: 7, end: 34)), .unchanged)
        // The whole turn is another passage of the same code.
        XCTAssertEqual(try project.applyCode("Policing", to: "FG1-0002", coder: "alice"), .applied)
        let records = try project.codings(CodingFilter(coder: "alice"))
        XCTAssertEqual(records.map(\.span), [nil, Span(start: 7, end: 34)])
        XCTAssertEqual(records.map(\.note), [nil, "changed"])
    }

    /// Every change is one audit entry naming the coder, with IDs only: never the transcript text or the note.
    func testAuditLogRecordsCoderAndIdsButNoText() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let start = try CodingFixtures.scalar(project, "SELECT max(id) FROM audit_log")
        try project.applyCode("Policing/Training", to: "FG1-0002", coder: "alice", note: "secret note")
        try project.removeCode("Policing/Training", from: "FG1-0002", coder: "alice")
        try project.markReviewedNone("FG1-0003", coder: "alice")
        let rows = try project.read { db in
            try Row.fetchAll(db, sql: "SELECT actor, action, object_ref, detail FROM audit_log WHERE id > ? ORDER BY id", arguments: [start])
        }
        XCTAssertEqual(rows.map { $0["action"] as String }, ["coding.apply", "coding.remove", "coding.none"])
        XCTAssertEqual(Set(rows.map { $0["actor"] as String }), ["alice"])
        XCTAssertEqual(rows.map { $0["object_ref"] as String }, ["FG1-0002", "FG1-0002", "FG1-0003"])
        for row in rows {
            let detail: String = row["detail"]
            XCTAssertFalse(detail.contains("secret") || detail.contains("training on this"), detail)
        }
    }

    func testExcerptFilterByCodeRollsUpSubcodesAndByCoder() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        try project.applyCode("Policing/Training", to: "FG1-0002", coder: "alice")
        try project.applyCode("Policing", to: "FG1-0003", coder: "bob")
        try project.applyCode("Covid/Phones", to: "FG1-0004", coder: "alice")
        XCTAssertEqual(try project.excerpts(ExcerptFilter(code: "Policing")).map(\.ref), ["FG1-0002", "FG1-0003"])
        XCTAssertEqual(try project.excerpts(ExcerptFilter(code: "Policing", coder: "alice")).map(\.ref), ["FG1-0002"])
        XCTAssertEqual(try project.excerpts(ExcerptFilter(code: "Policing/Training")).map(\.ref), ["FG1-0002"])
        XCTAssertEqual(try project.excerpts(ExcerptFilter(coder: "alice")).map(\.ref), ["FG1-0002", "FG1-0004"])
        XCTAssertThrowsError(try project.excerpts(ExcerptFilter(code: "Policing", coder: "zed"))) {
            XCTAssertEqual($0 as? CodingError, .unknownCoder("zed"))
        }
    }
}

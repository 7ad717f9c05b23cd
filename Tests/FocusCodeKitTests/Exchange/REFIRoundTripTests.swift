import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class REFIRoundTripTests: XCTestCase {
    /// Property: for generated projects, export → import into a new project gives the same codebook, coders and codings.
    func testExportThenImportKeepsCodebookCodersAndCodings() throws {
        for seed in UInt64(1)...UInt64(12) {
            let dir = TempDir()
            let original = try ExchangeSamples.random(in: dir, seed: seed)
            let file = dir.url.appendingPathComponent("out.qdpx")
            try REFIExporter.exportProject(original, to: file)
            try RefiSchemas.assertValid(try RefiSchemas.unzip(file, "project.qde"), schema: "Project.xsd", "seed \(seed)")
            let copy = try Project.create(at: dir.path("copy.sqlite"))
            var preparer = PassThroughPreparer()
            let report = try REFIImporter.importFile(file, into: copy, preparer: &preparer)
            XCTAssertEqual(report.problems, [], "seed \(seed)")
            XCTAssertEqual(try ProjectView.of(copy), try ProjectView.of(original), "seed \(seed)")
            XCTAssertFalse(try ProjectView.of(copy).participants.isEmpty)
            // Importing the export into its own project finds everything already there.
            let again = try REFIImporter.importFile(file, into: original, preparer: &preparer)
            XCTAssertEqual(again.codingsAdded, 0, "seed \(seed)")
            XCTAssertTrue(again.sources.allSatisfy { $0.status == "existing" }, "seed \(seed)")
            XCTAssertEqual(try original.count("documents"), try copy.count("documents"))
        }
    }

    func testCodebookSurvivesQdcBothWays() throws {
        for seed in UInt64(20)...UInt64(25) {
            let dir = TempDir()
            let original = try ExchangeSamples.random(in: dir, seed: seed)
            let qdc = dir.url.appendingPathComponent("cb.qdc")
            try REFIExporter.exportCodebook(original, to: qdc)
            try RefiSchemas.assertValid(try Data(contentsOf: qdc), schema: "Codebook.xsd")
            let other = try Project.create(at: dir.path("other.sqlite"))
            var preparer = PassThroughPreparer()
            _ = try REFIImporter.importFile(qdc, into: other, preparer: &preparer)
            XCTAssertEqual(try ProjectView.of(other).codes, try ProjectView.of(original).codes, "seed \(seed)")
            let back = dir.url.appendingPathComponent("back.qdc")
            try REFIExporter.exportCodebook(other, to: back)
            XCTAssertEqual(try Data(contentsOf: back), try Data(contentsOf: qdc))
        }
    }

    /// REFI cannot carry the mutually-exclusive flag; re-importing an export must not clear it in the project.
    func testReimportKeepsWhatREFICannotCarry() throws {
        let dir = TempDir()
        let project = try ExchangeSamples.random(in: dir, seed: 3)
        let theme = try project.codebook().codes[0]
        try project.describeCode(theme.path, CodeDefinitionChanges(exclusive: true))
        let before = try ProjectView.of(project)
        let file = dir.url.appendingPathComponent("x.qdpx")
        try REFIExporter.exportProject(project, to: file)
        var preparer = PassThroughPreparer()
        let report = try REFIImporter.importFile(file, into: project, preparer: &preparer)
        XCTAssertEqual(report.codesUpdated, 0)
        XCTAssertTrue(try project.codebook().codes[0].exclusiveChildren)
        XCTAssertEqual(try ProjectView.of(project), before)
        XCTAssertEqual(REFIImporter.xsdDateTime("2019-05-01T10:00:00.123+02:00"), "2019-05-01T10:00:00.123+02:00")
        XCTAssertNil(REFIImporter.xsdDateTime("01/05/2019 10:00"))
    }
}

import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class REFIExportTests: XCTestCase {
    /// A project with everything an export carries: codebook with definitions, coders, spans, notes, attributes, memos.
    func sampleProject(_ dir: TempDir) throws -> Project {
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.importText("Moderator: Welcome & thanks.\nRuth: Training and workload 😩 are <issues>.\nDan: Workload, yes.\n",
                               name: "fg1.txt", group: "FG1", in: dir)
        try project.importText("Moderator: Second group.\nAsha: Risk by phone.\n", name: "fg2.txt", group: "FG2", in: dir)
        try project.addCode(path: "Policing", definition: CodeDefinitionChanges(description: "Role of policing", inclusion: "Talk of officers",
                                                                                colour: "#4477AA"))
        try project.addCode(path: "Policing/Workload")
        try project.addCode(path: "Old")
        try project.retireCode("Old")
        try project.applyCode("Policing/Workload", to: "FG1-0002", coder: "ann", span: Span(start: 13, end: 21), note: "see & note")
        try project.applyCode("Policing", to: "FG1-0003", coder: "bob")
        try project.applyCode("Policing", to: "FG2-0002", coder: "ann")
        try project.setAttributes([(name: "gender", value: "female"), (name: "years", value: "12")], on: "P01")
        try project.write { db in
            try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('project', NULL, 'ann', 'Overall memo', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
            try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('code', 1, NULL, 'Code memo', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
            try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('group', 1, NULL, 'Group memo', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
            try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('excerpt', 2, NULL, 'Excerpt memo', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
        }
        return project
    }

    func testProjectExportsValidateAgainstTheSchema() throws {
        let dir = TempDir()
        let project = try sampleProject(dir)
        let qdpx = dir.url.appendingPathComponent("study.qdpx")
        let summary = try REFIExporter.exportProject(project, to: qdpx)
        XCTAssertEqual(summary.sources, 2)
        XCTAssertEqual(summary.selections, 3)
        XCTAssertEqual(summary.codes, 3)
        let qde = try RefiSchemas.unzip(qdpx, "project.qde")
        try RefiSchemas.assertValid(qde, schema: "Project.xsd")
        let inline = dir.url.appendingPathComponent("study.qde")
        try REFIExporter.exportProject(project, to: inline)
        try RefiSchemas.assertValid(try Data(contentsOf: inline), schema: "Project.xsd")
        let qdc = dir.url.appendingPathComponent("codebook.qdc")
        try REFIExporter.exportCodebook(project, to: qdc)
        try RefiSchemas.assertValid(try Data(contentsOf: qdc), schema: "Codebook.xsd")

        let xml = String(decoding: qde, as: UTF8.self)
        XCTAssertTrue(xml.contains("<User guid=\"") && xml.contains("name=\"ann\""))
        XCTAssertTrue(xml.contains("color=\"#4477AA\""))
        XCTAssertTrue(xml.contains("<Description>Role of policing\n\nInclusion: Talk of officers</Description>"))
        XCTAssertTrue(xml.contains("name=\"Old\" isCodable=\"false\""))
        XCTAssertTrue(xml.contains("<TextValue>female</TextValue>"))
        XCTAssertTrue(xml.contains("<PlainTextContent>Overall memo</PlainTextContent>"))
        XCTAssertFalse(xml.contains("Ruth"), "original speaker labels never leave the project")
    }

    func testSelectionPositionsAreCodePointsIntoTheSourceText() throws {
        let dir = TempDir()
        let project = try sampleProject(dir)
        let qdpx = dir.url.appendingPathComponent("study.qdpx")
        try REFIExporter.exportProject(project, to: qdpx)
        let root = try XMLTreeParser.parse(RefiSchemas.unzip(qdpx, "project.qde")).get()
        let source = root.child("Sources")!.children("TextSource")[0]
        let guid = source.attribute("guid")!
        XCTAssertEqual(source.attribute("plainTextPath"), "internal://\(guid).txt")
        let text = String(decoding: try RefiSchemas.unzip(qdpx, "sources/\(guid).txt"), as: UTF8.self)
        XCTAssertEqual(text, "Moderator: Welcome & thanks.\n\nP01: Training and workload 😩 are <issues>.\n\nP02: Workload, yes.")
        let scalars = Array(text.unicodeScalars)
        func selected(_ s: XMLTreeElement) -> String {
            let a = Int(s.attribute("startPosition")!)!, b = Int(s.attribute("endPosition")!)!
            return String(String.UnicodeScalarView(scalars[a..<b]))
        }
        let selections = source.children("PlainTextSelection")
        XCTAssertEqual(selections.map(selected), ["workload", "Workload, yes."])
        XCTAssertEqual(selections.map { $0.attribute("name") }, ["FG1-0002", "FG1-0003"])
    }

    func testReexportIsIdenticalAndEmptyProjectIsValid() throws {
        let dir = TempDir()
        let project = try sampleProject(dir)
        let a = dir.url.appendingPathComponent("a.qdpx"), b = dir.url.appendingPathComponent("b/a.qdpx")
        try FileManager.default.createDirectory(at: b.deletingLastPathComponent(), withIntermediateDirectories: true)
        try REFIExporter.exportProject(project, to: a)
        try REFIExporter.exportProject(project, to: b)
        XCTAssertEqual(try Data(contentsOf: a), try Data(contentsOf: b))

        let empty = try Project.create(at: dir.path("empty.sqlite"))
        let e = dir.url.appendingPathComponent("empty.qde")
        try REFIExporter.exportProject(empty, to: e)
        try RefiSchemas.assertValid(try Data(contentsOf: e), schema: "Project.xsd")
        XCTAssertThrowsError(try REFIExporter.exportCodebook(empty, to: dir.url.appendingPathComponent("e.qdc")))
    }

    func testXMLWriterEscapes() {
        XCTAssertEqual(XMLWriter.escapeText("a<b>&c\r\n\u{1}"), "a&lt;b&gt;&amp;c&#13;\n\u{FFFD}")
        XCTAssertEqual(XMLWriter.escapeAttribute("\"x\"\n\t"), "&quot;x&quot;&#10;&#9;")
    }

    func testDerivedGUIDsAreStableAndValid() {
        let g = GUID.derived("source", "abc")
        XCTAssertEqual(g, GUID.derived("source", "abc"))
        XCTAssertNotEqual(g, GUID.derived("source", "abd"))
        XCTAssertEqual(GUID.normalise(g), g)
        XCTAssertEqual(GUID.normalise("{6F1C2A0E-7B43-4D2B-9C1E-0A1B2C3D4E5F}"), "6f1c2a0e-7b43-4d2b-9c1e-0a1b2c3d4e5f")
        XCTAssertNil(GUID.normalise("theme-1"))
        XCTAssertEqual(GUID.exportable("theme-1", kind: "code"), GUID.derived("code", "theme-1"))
    }
}

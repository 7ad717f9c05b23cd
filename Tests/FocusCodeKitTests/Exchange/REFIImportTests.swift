import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class REFIImportTests: XCTestCase {
    var refi: URL { StoreFixtures.root.appendingPathComponent("refi") }

    func importFile(_ url: URL, into project: Project, options: REFIImportOptions = REFIImportOptions()) throws -> REFIImportReport {
        var preparer = PassThroughPreparer()
        return try REFIImporter.importFile(url, into: project, options: options, preparer: &preparer)
    }

    func codings(_ project: Project) throws -> [String] {
        try project.codings().map { "\($0.excerpt) \($0.coder) \($0.code ?? "-") \($0.span?.description ?? "all")" }
    }

    func testNVivoLikeFileWithUTF16PositionsAndCRLF() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let report = try importFile(refi.appendingPathComponent("nvivo-like.qdpx"), into: project)
        XCTAssertEqual(report.sources.map(\.positions), ["UTF-16 code units"])
        XCTAssertEqual(report.sources.map(\.group), ["Group_one"])
        XCTAssertEqual(report.codesCreated, 4)
        XCTAssertEqual(report.codersCreated, ["Rowan Tester", "Sky Example"])
        XCTAssertEqual(try codings(project), [
            "Group_one-0002 Rowan Tester Policing/Workload 41:58",
            "Group_one-0002 Sky Example Policing 38:63",          // a selection over two turns codes both, narrowed
            "Group_one-0003 Sky Example Policing 0:24",
            "Group_one-0003 Sky Example Policing/Training needs 0:24",
            "Group_one-0004 Rowan Tester Covid-19 19:30",
        ])
        // The span picks the words the vendor selected.
        let text = try project.read { db in try String.fetchOne(db, sql: "SELECT text FROM excerpts WHERE ref = 'Group_one-0002'")! }
        XCTAssertEqual(String(String.UnicodeScalarView(Array(text.unicodeScalars)[41..<58])), "triage everything")
        XCTAssertEqual(report.problems.count, 1)
        XCTAssertTrue(report.problems[0].contains("is not in the codebook"), report.problems[0])
        let uid = try project.codebook().code(path: "Policing")!.uid
        XCTAssertEqual(uid, "c0de0000-0000-4000-8000-000000000001", "GUIDs are kept, in lower case")
    }

    func testAtlasLikeFileWithPrefixesBOMAndCapitalSources() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let report = try importFile(refi.appendingPathComponent("atlas-like.qdpx"), into: project)
        XCTAssertEqual(report.sources.map(\.positions), ["Unicode code points, with CRLF counted as one character", "Unicode code points"])
        XCTAssertEqual(try codings(project), [
            "Session_1-0002 Coder Juniper Covid-19/Risk by phone 0:15",   // two selections of one turn: two passages
            "Session_1-0002 Coder Juniper Covid-19/Risk by phone 36:57",
            "Session_1-0003 Coder Juniper Covid-19/Not criminalising children 46:73",
            "Session_2-0001 imported Covid-19/Isolation-loneliness 38:62",
        ])
        XCTAssertEqual(report.attributesSet, 1)
        XCTAssertEqual(try project.read { db in try String.fetchOne(db, sql: "SELECT value FROM participant_attributes WHERE name = 'role'") }, "detective")
        XCTAssertTrue(report.problems.contains { $0.contains("PictureSource") })
        XCTAssertTrue(report.problems.contains { $0.contains("renamed to 'Isolation-loneliness'") })
        XCTAssertTrue(report.problems.contains { $0.contains("case 'Somebody else'") })
        XCTAssertFalse(try project.codebook().code(path: "Covid-19")!.isRetired, "a vendor's non-codable folder is not retired")
    }

    func testMaxqdaLikeCodebook() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let report = try importFile(refi.appendingPathComponent("maxqda-like.qdc"), into: project)
        XCTAssertEqual(report.codesCreated, 5)
        let tree = try project.codebook()
        XCTAssertEqual(tree.codes.map(\.path), ["Offender profiles", "Offender profiles/Age diversity", "Offender profiles/Age diversity/Older-retired",
                                                "Offender profiles/Gender", "IT skills"])
        XCTAssertEqual(tree.code(path: "Offender profiles")?.colour, "#AA00BB")
        XCTAssertEqual(tree.code(path: "IT skills")?.description, "Concealment and learning.")
        XCTAssertEqual(tree.code(path: "IT skills")?.inclusion, "Talk of encryption or hiding files.")
        XCTAssertEqual(tree.code(path: "Offender profiles/Gender")?.uid, "f00d0000-0000-4000-8000-000000000004")
        // Importing again changes nothing.
        let again = try importFile(refi.appendingPathComponent("maxqda-like.qdc"), into: project)
        XCTAssertEqual(again.codesUnchanged, 5)
        XCTAssertEqual(again.codesCreated, 0)
    }

    func testDamagedFilesAreRefusedAndChangeNothing() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let good = try Data(contentsOf: refi.appendingPathComponent("nvivo-like.qdpx"))
        let truncated = dir.url.appendingPathComponent("cut.qdpx")
        try good.prefix(good.count / 2).write(to: truncated)
        let notXML = dir.write("bad.qde", "<Project name='x'><Users>")
        let dtd = dir.write("dtd.qdc", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><CodeBook><Codes/></CodeBook>")
        let other = dir.write("other.qde", "<?xml version=\"1.0\"?><Something/>")
        for url in [truncated, notXML, dtd, other] {
            XCTAssertThrowsError(try importFile(url, into: project), url.lastPathComponent) { error in
                XCTAssertEqual((error as? CategorisedError)?.category, .badData, "\(error)")
            }
        }
        XCTAssertThrowsError(try importFile(dir.write("x.txt", "hi"), into: project))
        XCTAssertEqual(try project.count("codes"), 0)
        XCTAssertEqual(try project.count("excerpts"), 0)
    }

    func testImportIsOneTransaction() throws {
        // The codebook clashes with the project (same path, another ID) after the sources were read: nothing is kept.
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        try project.addCode(path: "Policing", uid: "theme-policing")
        try project.addCode(path: "Policing/Workload", uid: "c0de0000-0000-4000-8000-000000000003")
        XCTAssertThrowsError(try importFile(refi.appendingPathComponent("nvivo-like.qdpx"), into: project))
        XCTAssertEqual(try project.count("codes"), 2)
        XCTAssertEqual(try project.count("documents"), 0)
        XCTAssertEqual(try project.count("coders"), 0)
    }

    func testPositionReadingsAndWordBoundaries() {
        let p = SourcePositions(raw: "Ab 😩 cd\r\nef gh")
        XCTAssertEqual(p.readings.map(\.name), ["Unicode code points", "UTF-16 code units",
                                                "Unicode code points, with CRLF counted as one character",
                                                "UTF-16 code units, with CRLF counted as one character"])
        // "gh" is at code point 12 as stored (CRLF two), 11 with CRLF one, 13 in UTF-16 units.
        XCTAssertEqual(p.bestReading(for: [(start: 13, end: 15)]).name, "UTF-16 code units")
        XCTAssertEqual(p.bestReading(for: [(start: 11, end: 13)]).name, "Unicode code points, with CRLF counted as one character")
        XCTAssertEqual(p.bestReading(for: [(start: 12, end: 14)]).name, "Unicode code points")
        XCTAssertEqual(p.readings[1].normalised(4), nil, "inside a surrogate pair")
    }

    func testCodeDescriptionCarriesDefinitions() {
        let composed = CodeDescription.compose(description: "About it", inclusion: "In", exclusion: "Out\n\nmore", example: nil)
        XCTAssertEqual(composed, "About it\n\nInclusion: In\n\nExclusion: Out\n\nmore")
        let parts = CodeDescription.split(composed)
        XCTAssertEqual(parts.description, "About it")
        XCTAssertEqual(parts.inclusion, "In")
        XCTAssertEqual(parts.exclusion, "Out\n\nmore")
        XCTAssertNil(parts.example)
    }

    /// A project document alone never reads the files it names from disk, even a real one beside it.
    func testQdeNamingTextsBesideItIsRefusedNotRead() throws {
        let dir = TempDir()
        let guid = "{ABCDEF01-2345-4678-9ABC-DEF012345678}"
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("Sources"), withIntermediateDirectories: true)
        try Data(("\u{FEFF}Moderator: Hello.\r\nP1: Workload is heavy.\r\n").utf8).write(to: dir.url.appendingPathComponent("Sources/\(guid).txt"))
        let qde = dir.write("p.qde", """
            <?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">
            <Sources><TextSource guid="\(guid)" name="FG7" plainTextPath="relative://\(guid).txt"/></Sources></Project>
            """)
        let project = try Project.create(at: dir.path("p.sqlite"))
        XCTAssertThrowsError(try importFile(qde, into: project, options: REFIImportOptions(defaultCoder: "ann"))) { error in
            XCTAssertEqual(error as? ExchangeError, .badFile(
                file: "p.qde", problem: "source 'FG7' keeps its text in 'relative://\(guid).txt', outside this file; "
                    + "import the .qdpx archive that holds it (a project document alone never reads other files)"))
        }
        XCTAssertEqual(try codings(project), [])
    }

    /// No damaged file crashes the importer: each either imports or fails with a categorised error.
    func testMutatedFilesNeverCrash() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        var rng = ExchangeRandom(seed: 7)
        for name in ["nvivo-like.qdpx", "atlas-like.qdpx", "maxqda-like.qdc"] {
            let original = [UInt8](try Data(contentsOf: refi.appendingPathComponent(name)))
            for round in 0..<60 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &rng)..<bytes.count)
                    default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0..<bytes.count, using: &rng))
                    }
                    if bytes.isEmpty { bytes = [0] }
                }
                let url = dir.url.appendingPathComponent("\(round)-\(name)")
                try Data(bytes).write(to: url)
                do { _ = try importFile(url, into: project) } catch is CategorisedError {} catch {
                    XCTFail("\(name) round \(round): uncategorised \(error)")
                }
            }
        }
    }

    func testDryRunReportsAndWritesNothing() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let report = try importFile(refi.appendingPathComponent("nvivo-like.qdpx"), into: project, options: REFIImportOptions(dryRun: true))
        XCTAssertEqual(report.codingsAdded, 5)
        XCTAssertEqual(report.sources.first?.excerpts, 4)
        for table in ["codes", "coders", "documents", "excerpts", "codings", "audit_log"] {
            XCTAssertEqual(try project.count(table), table == "audit_log" ? 1 : 0, table)
        }
    }

    func testLineBreaksCountedAsTwoAndUTF16EncodedProjectDocument() throws {
        // An exporter that wrote LF text but counted each break as CRLF: "gh" at 10 instead of 9.
        let p = SourcePositions(raw: "Ab cd\nef gh")
        XCTAssertEqual(p.readings.map(\.name), ["Unicode code points", "Unicode code points, with each line break counted as two (CRLF)"])
        XCTAssertEqual(p.bestReading(for: [(start: 10, end: 12), (start: 7, end: 9)]).name, "Unicode code points, with each line break counted as two (CRLF)")
        XCTAssertEqual(p.bestReading(for: [(start: 9, end: 11)]).name, "Unicode code points")

        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code guid=\"11111111-2222-4333-8444-555555555555\" name=\"Caf\u{E9}\" isCodable=\"true\"/></Codes></CodeBook>"
        var data = Data([0xFF, 0xFE])
        data.append(xml.data(using: .utf16LittleEndian)!)
        let dir = TempDir()
        let url = dir.url.appendingPathComponent("u16.qdc")
        try data.write(to: url)
        let project = try Project.create(at: dir.path("p.sqlite"))
        XCTAssertEqual(try importFile(url, into: project).codesCreated, 1)
        XCTAssertEqual(try project.codebook().codes.map(\.name), ["Caf\u{E9}"])
    }

    /// What comes in from other tools goes out again schema-valid, and our reading of it survives the trip.
    func testVendorImportsExportValidAndRoundTrip() throws {
        for name in ["nvivo-like.qdpx", "atlas-like.qdpx"] {
            let dir = TempDir()
            let project = try Project.create(at: dir.path("p.sqlite"))
            _ = try importFile(refi.appendingPathComponent(name), into: project)
            let out = dir.url.appendingPathComponent("out.qdpx")
            try REFIExporter.exportProject(project, to: out)
            try RefiSchemas.assertValid(try RefiSchemas.unzip(out, "project.qde"), schema: "Project.xsd", name)
            let copy = try Project.create(at: dir.path("copy.sqlite"))
            let report = try importFile(out, into: copy)
            XCTAssertEqual(report.problems, [], name)
            XCTAssertEqual(try ProjectView.of(copy), try ProjectView.of(project), name)
        }
    }
}

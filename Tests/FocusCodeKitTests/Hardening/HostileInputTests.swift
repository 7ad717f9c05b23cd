import Foundation
import XCTest
@testable import FocusCodeKit

/// Builds small stored (uncompressed) zip archives, for hostile .docx and .qdpx files.
enum TestZip {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    /// A zip of the entries, stored.
    static func archive(_ entries: [(String, [UInt8])]) -> Data {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ v: Int, _ a: inout [UInt8]) { a += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int, _ a: inout [UInt8]) { u16(v & 0xFFFF, &a); u16((v >> 16) & 0xFFFF, &a) }
        for (name, data) in entries {
            let nameBytes = Array(name.utf8)
            let crc = Int(crc32(data))
            let offset = out.count
            u32(0x0403_4B50, &out); u16(20, &out); u16(0, &out); u16(0, &out); u16(0, &out); u16(0, &out)
            u32(crc, &out); u32(data.count, &out); u32(data.count, &out); u16(nameBytes.count, &out); u16(0, &out)
            out += nameBytes + data
            u32(0x0201_4B50, &central); u16(20, &central); u16(20, &central); u16(0, &central); u16(0, &central)
            u16(0, &central); u16(0, &central); u32(crc, &central); u32(data.count, &central); u32(data.count, &central)
            u16(nameBytes.count, &central); u16(0, &central); u16(0, &central); u16(0, &central); u16(0, &central)
            u32(0, &central); u32(offset, &central)
            central += nameBytes
        }
        let start = out.count
        out += central
        u32(0x0605_4B50, &out); u16(0, &out); u16(0, &out); u16(entries.count, &out); u16(entries.count, &out)
        u32(central.count, &out); u32(start, &out); u16(0, &out)
        return Data(out)
    }
}

/// Hostile and damaged files refused with a clear error, never a trap, a hang or a read of the disk.
final class HostileInputTests: XCTestCase {
    static let rels = #"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#
    static let document = #"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>P1: Hello.</w:t></w:r></w:p></w:body></w:document>"#

    func docxError(_ entries: [(String, [UInt8])]) -> ImportError? {
        ImportFixtures.error { () throws(ImportError) in try DocxReader.read(data: TestZip.archive(entries), file: "bad.docx") }
    }

    func testTheWellFormedTestDocxReads() throws {
        let turns = try DocxReader.read(data: TestZip.archive([("_rels/.rels", Array(Self.rels.utf8)),
                                                              ("word/document.xml", Array(Self.document.utf8))]), file: "ok.docx")
        XCTAssertEqual(turns.map(\.text), ["P1: Hello."])
    }

    /// Found by the docx fuzzer's class: FoundationXML trapped (signal 4) on an invalid UTF-8 name.
    func testInvalidUTF8InTheRelationshipsPartIsRefused() {
        var rels = Array(Self.rels.utf8)
        rels.insert(contentsOf: [0xC3, 0x28, 0xFF], at: rels.firstIndex(of: UInt8(ascii: "R"))! + 3)
        XCTAssertEqual(docxError([("_rels/.rels", rels), ("word/document.xml", Array(Self.document.utf8))]),
                       .malformed(file: "bad.docx", line: nil, problem: "_rels/.rels cannot be read: it is not UTF-8 text (invalid bytes)"))
    }

    func testInvalidUTF8InTheDocumentPartIsRefused() {
        var document = Array(Self.document.utf8)
        document.insert(contentsOf: [0xED, 0xA0, 0x80], at: 60) // an encoded surrogate, inside an element name
        XCTAssertEqual(docxError([("_rels/.rels", Array(Self.rels.utf8)), ("word/document.xml", document)]),
                       .malformed(file: "bad.docx", line: nil, problem: "word/document.xml cannot be read: it is not UTF-8 text (invalid bytes)"))
    }

    func testDeeplyNestedDocumentIsRefused() {
        let deep = #"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#
            + String(repeating: "<w:p>", count: 50_000) + String(repeating: "</w:p>", count: 50_000) + "</w:body></w:document>"
        XCTAssertEqual(docxError([("word/document.xml", Array(deep.utf8))]),
                       .malformed(file: "bad.docx", line: nil,
                                  problem: "word/document.xml cannot be read: its elements are nested more than 512 deep, which real files never are"))
    }

    func testZipBombDirectoryIsRefusedBeforeExpanding() {
        // Two deflated entries that claim 3 GiB each: refused from the directory alone.
        var archive = [UInt8](TestZip.archive([("word/document.xml", [0x41]), ("a", [0x42])]))
        var position = 0
        var patched = 0
        while position + 4 <= archive.count {
            if Array(archive[position..<(position + 4)]) == [0x50, 0x4B, 0x01, 0x02] {
                for k in 0..<4 { archive[position + 24 + k] = [0x00, 0x00, 0x00, 0xC0][k] }
                archive[position + 10] = 8
                patched += 1
            } else if Array(archive[position..<(position + 4)]) == [0x50, 0x4B, 0x03, 0x04] {
                archive[position + 8] = 8
            }
            position += 1
        }
        XCTAssertEqual(patched, 2)
        XCTAssertEqual(ImportFixtures.error { () throws(ImportError) in try DocxReader.read(data: Data(archive), file: "bomb.docx") },
                       .malformed(file: "bomb.docx", line: nil,
                                  problem: "not a readable .docx file: its entries would unpack to more than 4 GiB; it is refused unexpanded"))
    }

    func testTooManyZipEntriesAreRefused() {
        let entries = (0..<10_001).map { ("f\($0)", [UInt8]()) }
        XCTAssertEqual(docxError(entries), .malformed(
            file: "bad.docx", line: nil,
            problem: "not a readable .docx file: the archive lists 10001 entries, more than the 10000 a document package can have"))
    }

    // MARK: - REFI

    func refiError(_ url: URL) throws -> String? {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        var preparer = PassThroughPreparer()
        do {
            _ = try REFIImporter.importFile(url, into: project, preparer: &preparer)
            return nil
        } catch let error as ExchangeError {
            XCTAssertEqual(error.category, .badData)
            return error.errorDescription
        }
    }

    static func project(plainTextPath: String) -> String {
        """
        <?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">
        <Sources><TextSource guid="{ABCDEF01-2345-4678-9ABC-DEF012345678}" name="Stolen" plainTextPath="\(plainTextPath)"/></Sources></Project>
        """
    }

    func testDeeplyNestedProjectIsRefusedNamingTheFile() throws {
        let dir = TempDir()
        let qde = dir.write("deep.qde", "<Project>" + String(repeating: "<a>", count: 50_000) + String(repeating: "</a>", count: 50_000) + "</Project>")
        let message = try XCTUnwrap(try refiError(qde))
        XCTAssertTrue(message.contains("deep.qde"), message)
        XCTAssertTrue(message.contains("nested more than 512 deep"), message)
    }

    /// The same depth inside a .qdpx: refused naming the archive and its part, never a stack overflow.
    func testDeeplyNestedProjectInsideAnArchiveIsRefusedNamingTheFile() throws {
        let dir = TempDir()
        let qdpx = dir.url.appendingPathComponent("deep.qdpx")
        let deep = #"<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x">"#
            + String(repeating: "<Sources>", count: 50_000) + String(repeating: "</Sources>", count: 50_000) + "</Project>"
        try TestZip.archive([("project.qde", Array(deep.utf8)), ("sources/x.txt", Array("P1: hello".utf8))]).write(to: qdpx)
        let message = try XCTUnwrap(try refiError(qdpx))
        XCTAssertTrue(message.contains("deep.qdpx (project.qde)"), message)
        XCTAssertTrue(message.contains("nested more than 512 deep"), message)
    }

    /// Found by the REFI codebook fuzzer: `<?name?>` (a processing instruction with no data) made
    /// FoundationXML read a null pointer (SEGV). Every XML reader goes through XMLSafety.
    func testAProcessingInstructionWithoutDataIsRefusedInEveryXMLReader() throws {
        let dir = TempDir()
        let qdc = dir.write("codes.qdc", """
            \u{FEFF}<?xm?>\r\n<cb:CodeBook xmlns:cb="urn:QDA-XML:codebook:1.0" origin="x"><cb:Codes>\
            <cb:Code guid="{F00D0000-0000-4000-8000-000000000001}" name="Age diversity" isCodable="true"/></cb:Codes></cb:CodeBook>
            """)
        let qdcMessage = try XCTUnwrap(try refiError(qdc))
        XCTAssertTrue(qdcMessage.contains("codes.qdc"), qdcMessage)
        XCTAssertTrue(qdcMessage.contains("processing instruction <?xm?> with no content"), qdcMessage)

        let qde = dir.write("p.qde", #"<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"><?target?></Project>"#)
        let qdeMessage = try XCTUnwrap(try refiError(qde))
        XCTAssertTrue(qdeMessage.contains("p.qde"), qdeMessage)
        XCTAssertTrue(qdeMessage.contains("<?target?>"), qdeMessage)

        let document = Self.document.replacingOccurrences(of: "<w:body>", with: "<w:body><?a:b-c.d?>")
        XCTAssertEqual(docxError([("_rels/.rels", Array(Self.rels.utf8)), ("word/document.xml", Array(document.utf8))]),
                       .malformed(file: "bad.docx", line: nil,
                                  problem: "word/document.xml cannot be read: it has a processing instruction <?a:b-c.d?> with no content, which these files never have"))
    }

    /// Processing instructions with data (Word writes `<?mso-application progid="Word.Document"?>`) still read.
    func testAProcessingInstructionWithDataStillReads() throws {
        let document = Self.document.replacingOccurrences(of: "?><w:document", with: "?><?mso-application progid=\"Word.Document\"?><w:document")
        let turns = try DocxReader.read(data: TestZip.archive([("_rels/.rels", Array(Self.rels.utf8)),
                                                              ("word/document.xml", Array(document.utf8))]), file: "ok.docx")
        XCTAssertEqual(turns.map(\.text), ["P1: Hello."])
        XCTAssertNil(XMLSafety.emptyProcessingInstruction(in: Data("<a>x <? y ?> <?</a>".utf8)))
        // Conservative: the scan does not parse, so the same bytes inside CDATA are refused too.
        XCTAssertEqual(XMLSafety.emptyProcessingInstruction(in: Data("<a><![CDATA[<?x?>]]></a>".utf8)), "x")
    }

    func testSourcePathsOutsideTheArchiveAreRefused() throws {
        let dir = TempDir()
        for path in ["../../etc/passwd", "/etc/passwd", "internal://../../etc/passwd", "relative:///etc/passwd",
                     "file:///etc/passwd", "sources/../../etc/passwd", "C:\\Windows\\win.ini"] {
            let qdpx = dir.url.appendingPathComponent("evil.qdpx")
            try TestZip.archive([("project.qde", Array(Self.project(plainTextPath: path).utf8)),
                                 ("sources/x.txt", Array("P1: hello".utf8))]).write(to: qdpx)
            let message = try XCTUnwrap(try refiError(qdpx), path)
            XCTAssertTrue(message.contains("outside the archive"), "\(path): \(message)")
            XCTAssertTrue(message.contains("evil.qdpx"), message)
        }
    }

    func testAProjectDocumentAloneNeverReadsTheDisk() throws {
        let dir = TempDir()
        // The file it names exists beside it: still not read.
        _ = dir.write("x.txt", "P1: a private file")
        for path in ["../../etc/passwd", "/etc/passwd", "x.txt", "internal://x.txt"] {
            let qde = dir.write("alone.qde", Self.project(plainTextPath: path))
            let message = try XCTUnwrap(try refiError(qde), path)
            XCTAssertTrue(message.contains("outside this file; import the .qdpx archive"), "\(path): \(message)")
        }
    }

    /// `path` and `richTextPath` are never read, yet one that leaves the archive refuses the file
    /// (in a .qdpx and in a .qde alone), even beside a readable plain text; nothing lands in the project.
    func testOtherSourcePathsOutsideTheArchiveAreRefusedAndNothingIsRead() throws {
        let dir = TempDir()
        let secret = dir.write("secret.txt", "P1: a private file on the recipient's disk")
        let project = try Project.create(at: dir.path("p.sqlite"))
        let guid = "{ABCDEF01-2345-4678-9ABC-DEF012345678}"
        for attribute in ["path", "richTextPath"] {
            for written in [secret.path, "absolute://" + secret.path, "file://" + secret.path, "../secret.txt",
                            "internal://../../secret.txt", "relative:///etc/passwd", "C:\\Users\\x\\secret.txt"] {
                let qde = """
                    <?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>\
                    <TextSource guid="\(guid)" name="Stolen" plainTextPath="internal://x.txt" \(attribute)="\(written)"/></Sources></Project>
                    """
                let qdpx = dir.url.appendingPathComponent("evil.qdpx")
                try TestZip.archive([("project.qde", Array(qde.utf8)), ("sources/x.txt", Array("P1: hello".utf8))]).write(to: qdpx)
                let alone = dir.write("alone.qde", qde.replacingOccurrences(of: #"plainTextPath="internal://x.txt" "#, with: ""))
                for (url, name) in [(qdpx, "evil.qdpx"), (alone, "alone.qde")] {
                    var preparer = PassThroughPreparer()
                    XCTAssertThrowsError(try REFIImporter.importFile(url, into: project, preparer: &preparer), "\(attribute)=\(written)") { error in
                        XCTAssertEqual(error as? ExchangeError, .badFile(
                            file: name, problem: "source 'Stolen' points at '\(written)' (\(attribute)), outside the archive; "
                                + "texts are read only from inside the .qdpx, so this file is refused"))
                    }
                }
            }
        }
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM documents"), 0)
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM excerpts"), 0)
    }

    /// A `path` or `richTextPath` inside the archive is fine: the plain text is imported as before.
    func testSourcePathsInsideTheArchiveStillImport() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let qde = """
            <?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>\
            <TextSource guid="{ABCDEF01-2345-4678-9ABC-DEF012345678}" name="FG1" plainTextPath="internal://x.txt" \
            richTextPath="internal://x.docx" path="relative://x.txt"/></Sources></Project>
            """
        let qdpx = dir.url.appendingPathComponent("ok.qdpx")
        try TestZip.archive([("project.qde", Array(qde.utf8)), ("sources/x.txt", Array("P1: hello".utf8))]).write(to: qdpx)
        var preparer = PassThroughPreparer()
        let report = try REFIImporter.importFile(qdpx, into: project, preparer: &preparer)
        XCTAssertEqual(report.problems, [])
        XCTAssertEqual(try CodingFixtures.scalar(project, "SELECT count(*) FROM documents"), 1)
    }

    func testArchivePathsStayInside() {
        XCTAssertEqual(REFIImporter.archivePath("internal://abc.txt"), "abc.txt")
        XCTAssertEqual(REFIImporter.archivePath("relative://sources/abc.txt"), "sources/abc.txt")
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./x", "internal:///etc/passwd", "a\\..\\x", "c:/x", "file:///x", "a\u{0}b"] {
            XCTAssertNil(REFIImporter.archivePath(bad), bad)
        }
    }

    // MARK: - YAML codebooks

    func codebookProblem(_ text: String) -> String? {
        do {
            _ = try CodebookFiles.read(text, format: .yaml, fileName: "cb.yaml")
            return nil
        } catch let error as CodebookError {
            return error.errorDescription
        } catch {
            return "\(error)"
        }
    }

    func testBillionLaughsIsRefused() throws {
        var yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"]
        var previous = "a"
        for name in names {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
            previous = name
        }
        yaml += "codes: *i\n"
        let problem = try XCTUnwrap(codebookProblem(yaml))
        XCTAssertTrue(problem.contains("cb.yaml"), problem)
        XCTAssertTrue(problem.contains("more than 32 YAML aliases"), problem)
    }

    func testDeeplyNestedYAMLIsRefused() throws {
        let problem = try XCTUnwrap(codebookProblem("codes: " + String(repeating: "[", count: 300) + String(repeating: "]", count: 300)))
        XCTAssertTrue(problem.contains("nested more than 256 deep"), problem)
        let block = try XCTUnwrap(codebookProblem("codes:\n" + String(repeating: "- ", count: 300) + "x\n"))
        XCTAssertTrue(block.contains("nested more than 256 deep"), block)
        // Far deeper: refused (libyaml's own limit speaks first), never a stack overflow.
        XCTAssertNotNil(codebookProblem("codes: " + String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)))
        XCTAssertNotNil(codebookProblem("codes:\n" + String(repeating: "- ", count: 50_000) + "x\n"))
    }

    func testAFewAliasesStillRead() throws {
        let yaml = "codes:\n  - name: A\n    description: &d Shared words\n  - name: B\n    description: *d\n"
        XCTAssertNil(codebookProblem(yaml))
    }

    func testHugeYAMLIsRefused() throws {
        let problem = try XCTUnwrap(codebookProblem("# " + String(repeating: "x", count: 17 * 1024 * 1024)))
        XCTAssertTrue(problem.contains("larger than 16 MB"), problem)
    }

    // MARK: - Subtitles

    func testSRTCueEndingBeforeItStartsIsRefusedWithItsLine() {
        let srt = "1\n00:00:01,000 --> 00:00:02,000\nP1: fine\n\n2\n00:00:09,000 --> 00:00:03,000\nP2: backwards\n"
        XCTAssertEqual(ImportFixtures.error(text: srt, fileName: "x.srt"),
                       .malformed(file: "x.srt", line: 6, problem: "the cue ends before it starts"))
    }
}

import Foundation
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads Word .docx transcripts: the main document part's paragraphs go through the same
/// speaker/paragraph logic as plain text, with `Turn.line` the 1-based paragraph number.
///
/// The zip container is read in two steps. `ZipDirectory` walks the archive's central directory
/// strictly, in Swift, with every offset checked against the data; ZIPFoundation then inflates
/// the one part we need and computes its CRC-32. We do not use ZIPFoundation's `Archive` type:
/// in 0.9.20 an in-memory archive whose directory points past the end of the data traps (an
/// inverted Range in `MemoryFile.readData`), and on Linux its inflate loop spins forever when a
/// damaged entry's deflate stream never ends — a truncated .docx would crash or hang the importer.
/// Its public `Data.decompress` with our own bounded provider has neither problem.
enum DocxReader {
    /// The largest main document part we inflate; a transcript is far smaller, a zip bomb is not.
    static let maximumPartSize = 256 * 1024 * 1024

    /// Reads a .docx file's bytes; every failure is `ImportError.malformed` with no line.
    static func read(data: Data, file: String) throws(ImportError) -> [Turn] {
        func malformed(_ problem: String) -> ImportError {
            .malformed(file: file, line: nil, problem: problem)
        }
        let bytes = [UInt8](data)
        guard !bytes.isEmpty else { throw .emptyFile(file: file) }
        let directory: [String: ZipDirectory.Entry]
        do {
            directory = try ZipDirectory.read(bytes)
        } catch {
            throw malformed("not a readable .docx file: \(error.problem)")
        }

        let partName: String
        do {
            partName = try mainDocumentPartName(bytes: bytes, directory: directory) ?? "word/document.xml"
        } catch {
            throw malformed("_rels/.rels \(error.problem)")
        }
        guard let entry = directory[partName] else {
            throw malformed("the archive has no \(partName); is this a Word .docx file?")
        }
        let xml: Data
        do {
            xml = try entry.contents(of: bytes, limit: maximumPartSize)
        } catch {
            throw malformed("cannot unpack \(partName): \(error.problem)")
        }

        let paragraphs: [String]
        do {
            paragraphs = try DocumentXML.paragraphs(in: xml)
        } catch {
            throw malformed("\(partName) \(error.problem)")
        }
        var lines: [SourceLine] = []
        for (index, paragraph) in paragraphs.enumerated() {
            // A line break inside a paragraph (w:br) may start a new turn, as a new line would.
            for (part, text) in paragraph.splitLines().enumerated() {
                lines.append(SourceLine(number: index + 1, text: String(text), startsParagraph: part == 0))
            }
        }
        return TurnAssembler(flavour: .plain).turns(from: lines)
    }

    /// The main document part named by the package relationships (`_rels/.rels`), if they say.
    private static func mainDocumentPartName(bytes: [UInt8], directory: [String: ZipDirectory.Entry]) throws(DocxProblem) -> String? {
        guard let entry = directory["_rels/.rels"],
              let rels = try? entry.contents(of: bytes, limit: 1_048_576) else { return nil }
        switch XMLSafety.prepare(rels) {
        case .success(let prepared): return PackageRelationships.officeDocumentTarget(in: prepared)
        case .failure(let problem): throw DocxProblem("cannot be read: \(problem.problem)")
        }
    }
}

/// Why a .docx archive or one of its parts could not be read, in words for a person.
struct DocxProblem: Error {
    let problem: String
    init(_ problem: String) { self.problem = problem }

    static let damagedData = DocxProblem("its compressed data is damaged or truncated")
}

/// A strict reader of a zip archive's central directory, with every offset checked.
///
/// Anything unusual — ZIP64, encryption, compression other than stored or deflate, headers
/// that disagree — is refused: a .docx that Word, LibreOffice or Google Docs writes passes;
/// a truncated or mangled one is reported, never read out of bounds.
enum ZipDirectory {
    /// The most entries an archive may list. A .docx has a few dozen parts, a .qdpx one per source
    /// and media file; 10,000 is far beyond both, and bounds the work a forged directory can cause.
    static let maximumEntries = 10_000
    /// The most all entries together may unpack to, by the directory's sizes (which `contents`
    /// enforces while inflating): 4 GiB, the most a non-ZIP64 archive can describe for one entry.
    static let maximumTotalSize = 4 * 1024 * 1024 * 1024

    /// Where one file's data lies and what the central directory says about it.
    struct Entry: Sendable, Equatable {
        /// 0 stored, 8 deflate.
        var method: Int
        var crc32: UInt32
        /// Offset of the (compressed) data in the archive.
        var dataStart: Int
        var compressedSize: Int
        var uncompressedSize: Int

        /// The entry's bytes, inflated and checked against its CRC-32.
        func contents(of archive: [UInt8], limit: Int) throws(DocxProblem) -> Data {
            guard uncompressedSize <= limit else {
                throw DocxProblem("it would unpack to more than \(limit / 1_048_576) MB")
            }
            let compressed = archive[dataStart..<(dataStart + compressedSize)]
            if method == 0 {
                let data = Data(compressed)
                guard data.crc32(checksum: 0) == crc32 else { throw DocxProblem("its data fails the checksum; the file is damaged") }
                return data
            }
            var output = Data()
            let checksum: CRC32
            do {
                checksum = try Data.decompress(size: Int64(compressedSize), bufferSize: 16_384, skipCRC32: false,
                                               provider: { position, size in
                    // ZIPFoundation's Linux inflate tells zlib every chunk is `size` long and
                    // keeps asking while the stream has not ended, so: always hand over exactly
                    // `size` bytes (zero padding after the data), and fail once it is all given.
                    guard position < Int64(compressedSize) else { throw DocxProblem.damagedData }
                    let start = dataStart + Int(position)
                    var chunk = Data(archive[start..<min(start + size, dataStart + compressedSize)])
                    if chunk.count < size { chunk.append(Data(count: size - chunk.count)) }
                    return chunk
                }, consumer: { chunk in
                    output.append(chunk)
                    // More than the directory says: damaged data, or a stream that ran on into the padding.
                    if output.count > uncompressedSize { throw DocxProblem.damagedData }
                })
            } catch let problem as DocxProblem {
                throw problem
            } catch {
                throw DocxProblem.damagedData
            }
            guard checksum == crc32, output.count == uncompressedSize else {
                throw DocxProblem("its data fails the checksum; the file is damaged")
            }
            return output
        }
    }

    /// The entries by path, or the first structural problem found.
    static func read(_ bytes: [UInt8]) throws(DocxProblem) -> [String: Entry] {
        let count = bytes.count
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }

        let endRecordSize = 22
        guard count >= endRecordSize else { throw DocxProblem("it is too short to be a zip archive") }
        // The end record is the last signature, at most 65,535 bytes (a comment) before the end.
        var endRecord: Int?
        for offset in stride(from: count - endRecordSize, through: max(0, count - endRecordSize - 0xFFFF), by: -1)
        where u32(offset) == 0x0605_4B50 {
            endRecord = offset
            break
        }
        guard let end = endRecord else {
            throw DocxProblem("the end of the zip archive is missing; the file is truncated or is not a .docx")
        }
        guard end + endRecordSize + u16(end + 20) <= count else { throw DocxProblem("the zip archive is truncated") }
        if end >= 20, u32(end - 20) == 0x0706_4B50 {
            throw DocxProblem("it is a ZIP64 archive, which is not supported; save it again from Word")
        }
        let entryCount = u16(end + 10)
        guard entryCount <= maximumEntries else {
            throw DocxProblem("the archive lists \(entryCount) entries, more than the \(maximumEntries) a document package can have")
        }
        var totalSize = 0
        let directoryStart = u32(end + 16)
        let directoryEnd = directoryStart + u32(end + 12)
        guard directoryEnd <= end else { throw DocxProblem("the zip directory lies outside the file; the file is damaged") }

        var entries: [String: Entry] = [:]
        var position = directoryStart
        for _ in 0..<entryCount {
            guard position + 46 <= directoryEnd, u32(position) == 0x0201_4B50 else {
                throw DocxProblem("the zip directory is damaged")
            }
            let flags = u16(position + 8)
            let method = u16(position + 10)
            let compressedSize = u32(position + 20)
            let uncompressedSize = u32(position + 24)
            let nameLength = u16(position + 28)
            let localHeader = u32(position + 42)
            let next = position + 46 + nameLength + u16(position + 30) + u16(position + 32)
            guard next <= directoryEnd else { throw DocxProblem("the zip directory is damaged") }
            totalSize += uncompressedSize
            guard totalSize <= maximumTotalSize else {
                throw DocxProblem("its entries would unpack to more than \(maximumTotalSize / 1_073_741_824) GiB; it is refused unexpanded")
            }
            guard compressedSize != 0xFFFF_FFFF, uncompressedSize != 0xFFFF_FFFF, localHeader != 0xFFFF_FFFF else {
                throw DocxProblem("it is a ZIP64 archive, which is not supported; save it again from Word")
            }
            guard flags & 1 == 0 else { throw DocxProblem("it is encrypted; remove the password in Word first") }
            guard method == 0 || method == 8 else { throw DocxProblem("it uses an unsupported zip compression method") }
            guard method == 8 || compressedSize == uncompressedSize else { throw DocxProblem("the zip directory is damaged") }
            guard localHeader + 30 <= directoryStart, u32(localHeader) == 0x0403_4B50, u16(localHeader + 8) == method else {
                throw DocxProblem("a zip entry's header is damaged")
            }
            let dataStart = localHeader + 30 + u16(localHeader + 26) + u16(localHeader + 28)
            guard dataStart + compressedSize <= directoryStart else {
                throw DocxProblem("a zip entry runs past the end of its data; the file is truncated")
            }
            // Total: bytes that are not UTF-8 become U+FFFD (names are only compared, never used as paths on disk).
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            // Paths are unique in a valid package; if not, the first entry wins.
            if entries[name] == nil {
                entries[name] = Entry(method: method, crc32: UInt32(u32(position + 16)), dataStart: dataStart,
                                      compressedSize: compressedSize, uncompressedSize: uncompressedSize)
            }
            position = next
        }
        return entries
    }
}

/// Finds the main document part in `_rels/.rels`.
private final class PackageRelationships: NSObject, XMLParserDelegate {
    private var target: String?

    static func officeDocumentTarget(in data: Data) -> String? {
        let delegate = PackageRelationships()
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        _ = parser.parse()
        guard var target = delegate.target else { return nil }
        // Targets are relative to the package root; a leading "/" says so explicitly.
        while target.hasPrefix("/") { target.removeFirst() }
        return target.isEmpty ? nil : target
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        guard target == nil, elementName == "Relationship" || elementName.hasSuffix(":Relationship"),
              let type = attributes["Type"], type.hasSuffix("/officeDocument"),
              let value = attributes["Target"] else { return }
        target = value
    }
}

/// Extracts paragraph texts from WordprocessingML (`word/document.xml`).
///
/// Text comes only from `w:t` inside runs; `w:br` and `w:cr` become "\n", `w:tab` "\t",
/// `w:noBreakHyphen` "-". Deleted text (`w:del`, `w:moveFrom`) and the fallback copy of
/// alternate content (`mc:Fallback`, a duplicate of `mc:Choice`) are skipped; inserted text
/// (`w:ins`) is kept. Without `xml:space="preserve"`, a `w:t`'s leading and trailing
/// whitespace is not significant and is dropped, as Word does. A paragraph nested in another
/// (a text box) adds its text to the outer one, so paragraph numbers follow the body.
private final class DocumentXML: NSObject, XMLParserDelegate {
    private static let wordNamespaces: Set<String> = [
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ]
    private static let compatibilityNamespace = "http://schemas.openxmlformats.org/markup-compatibility/2006"

    private var paragraphs: [String] = []
    private var paragraph = ""
    private var paragraphDepth = 0
    private var runDepth = 0
    private var skipDepth = 0
    private var text: String?
    private var preserveSpace = false
    private var depth = 0
    private(set) var tooDeep = false

    static func paragraphs(in input: Data) throws(DocxProblem) -> [String] {
        let data: Data
        switch XMLSafety.prepare(input) {
        case .success(let prepared): data = prepared
        case .failure(let problem): throw DocxProblem("cannot be read: \(problem.problem)")
        }
        let delegate = DocumentXML()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let finished = parser.parse()
        if delegate.tooDeep { throw DocxProblem("cannot be read: \(XMLSafety.depthProblem)") }
        if let position = delegate.errorPosition {
            throw DocxProblem("is not well-formed XML (line \(position.line), column \(position.column))")
        }
        guard finished else {
            throw DocxProblem("is not well-formed XML (line \(parser.lineNumber), column \(parser.columnNumber))")
        }
        return delegate.paragraphs
    }

    /// Where the first XML error is. Foundation on Linux parses in libxml2's recover mode and may
    /// still report success, so an error reported to the delegate stops the parse here.
    private var errorPosition: (line: Int, column: Int)?

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if errorPosition == nil { errorPosition = (parser.lineNumber, parser.columnNumber) }
        parser.abortParsing()
    }

    private enum Element {
        case word(String)
        case fallback
        case other
    }

    private func element(_ name: String, _ namespace: String?) -> Element {
        guard let namespace else { return .other }
        if Self.wordNamespaces.contains(namespace) { return .word(name) }
        if namespace == Self.compatibilityNamespace, name == "Fallback" { return .fallback }
        return .other
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes: [String: String] = [:]) {
        depth += 1
        if depth > XMLSafety.maximumDepth {
            tooDeep = true
            parser.abortParsing()
            return
        }
        let kind = element(elementName, namespaceURI)
        if skipDepth > 0 {
            skipDepth += 1
            return
        }
        switch kind {
        case .fallback, .word("del"), .word("moveFrom"):
            skipDepth = 1
        case .word("p"):
            paragraphDepth += 1
        case .word("r"):
            runDepth += 1
        case .word("t") where runDepth > 0 && paragraphDepth > 0:
            text = ""
            preserveSpace = (attributes["xml:space"] ?? attributes["space"]) == "preserve"
        case .word("br"), .word("cr"):
            if runDepth > 0 { paragraph += "\n" }
        case .word("tab"):
            if runDepth > 0 { paragraph += "\t" }
        case .word("noBreakHyphen"):
            if runDepth > 0 { paragraph += "-" }
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        depth -= 1
        if skipDepth > 0 {
            skipDepth -= 1
            return
        }
        switch element(elementName, namespaceURI) {
        case .word("p"):
            paragraphDepth = max(0, paragraphDepth - 1)
            if paragraphDepth == 0 {
                paragraphs.append(paragraph)
                paragraph = ""
            } else {
                paragraph += "\n"
            }
        case .word("r"):
            runDepth = max(0, runDepth - 1)
        case .word("t"):
            if let collected = text {
                paragraph += preserveSpace ? collected : String(collected.trimmingWhitespace())
            }
            text = nil
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if skipDepth == 0, text != nil { text? += string }
    }
}

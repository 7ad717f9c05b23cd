import FocusCodeKit
import Foundation

/// The readers fuzzed, one libFuzzer target each (see Fuzz/README.md).
///
/// Every input must either be read or be refused with a `CategorisedError`; anything else — a
/// trap, a sanitizer report, a hang, an uncategorised error — is a finding.
public enum FuzzedReader: Sendable {
    case transcript(TranscriptFormat)
    case participantsCSV
    case codebook(CodebookFormat)
    case codingsCSV
    case agreementCSV
    case refi(extension: String)

    var needsProject: Bool {
        switch self {
        case .participantsCSV, .codingsCSV, .refi: return true
        default: return false
        }
    }
}

/// One project per fuzzing process, with a transcript and the fixture codebook in it, so that
/// codings and participant rows can refer to real excerpts, codes and pseudonyms.
final class FuzzProject: @unchecked Sendable {
    static let shared = FuzzProject()
    let folder: URL
    let project: Project

    private init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("focuscode-fuzz-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        project = try! Project.create(at: folder.appendingPathComponent("p.sqlite").path)
        let transcript = folder.appendingPathComponent("fg1.txt")
        try! Data("Moderator: Welcome.\nP1: Workload is heavy.\nP2: Training helps.\n".utf8).write(to: transcript)
        var preparer = PassThroughPreparer()
        _ = try! Importer.importFiles([transcript], into: project, options: ImportOptions(group: "FG1"), preparer: &preparer)
        let codebook = try! CodebookFiles.read("codes:\n  - name: Workload\n  - name: Training\n    children:\n      - name: Needs\n",
                                               format: .yaml, fileName: "cb.yaml")
        _ = try! project.importCodebook(codebook, fileName: "cb.yaml")
    }
}

/// Feeds one input to a reader; traps only on a finding.
public func fuzz(_ reader: FuzzedReader, _ start: UnsafeRawPointer?, _ count: Int) {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    do {
        switch reader {
        case .transcript(let format):
            _ = try TranscriptReader.read(data: data, fileName: "fuzz.\(format.rawValue)", format: format)
        case .codebook(let format):
            _ = try CodebookFiles.read(String(decoding: data, as: UTF8.self), format: format, fileName: "fuzz.\(format.rawValue)")
        case .agreementCSV:
            let input = try AgreementCSVInput(codings: [AgreementInputFile(name: "fuzz.csv", data: data)])
            _ = try input.report()
        case .participantsCSV:
            _ = try FuzzProject.shared.project.importAttributes(csv: String(decoding: data, as: UTF8.self), fileName: "fuzz.csv")
        case .codingsCSV:
            _ = try FuzzProject.shared.project.importCodings(csv: String(decoding: data, as: UTF8.self), fileName: "fuzz.csv")
        case .refi(let ext):
            let url = FuzzProject.shared.folder.appendingPathComponent("fuzz.\(ext)")
            try data.write(to: url)
            var preparer = PassThroughPreparer()
            // A dry run reads, maps and writes everything in a transaction that is then rolled back.
            _ = try REFIImporter.importFile(url, into: FuzzProject.shared.project, options: REFIImportOptions(dryRun: true),
                                            preparer: &preparer)
        }
    } catch is CategorisedError {
        // Refused with a message: the expected outcome for most inputs.
    } catch {
        fatalError("uncategorised error from \(reader): \(error)")
    }
}

import Crypto
import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// Anonymised imports into a project: consistency, decisions, key files, recall and false positives.
final class AnonymiserTests: XCTestCase {
    var dir: TempDir!
    var keyDir: TempDir!
    var project: Project!

    override func setUpWithError() throws {
        dir = TempDir()
        keyDir = TempDir()
        project = try Project.create(at: dir.path("p.sqlite"))
    }

    @discardableResult
    func importText(_ text: String, name: String, group: String, options: AnonymisationOptions = AnonymisationOptions(),
                    pseudonyms: [String: String] = [:]) throws -> Anonymiser {
        let url = dir.write(name, text)
        var anonymiser = try Anonymiser(project: project, options: options)
        _ = try Importer.importFiles([url], into: project, options: ImportOptions(group: group, pseudonyms: pseudonyms), preparer: &anonymiser)
        return anonymiser
    }

    func texts(_ group: String) throws -> [String] { try project.excerpts(ExcerptFilter(group: group)).map(\.text) }

    func testSamePlaceholderAcrossImportsWithoutTheLists() throws {
        try importText("Ruth: I met Sarah Jones in Eastmoor. Mail sarah@example.org or ring 07700 900123.\nDan: Right.\n", name: "a.txt",
                       group: "FG1", options: AnonymisationOptions(names: ["Sarah Jones"], places: ["Eastmoor"]))
        XCTAssertEqual(try texts("FG1"), ["I met [NAME-3] in [PLACE-1]. Mail [EMAIL-1] or ring [PHONE-1].", "Right."])
        // A later import, no lists given: what was replaced before is found again by digest;
        // the speakers of the first import are remembered too.
        let later = try importText("Ann: Sarah Jones said Eastmoor again, and SARAH@example.org, +44 7700 900123, and Ruth.\nDan: Sarah?\n",
                                   name: "b.txt", group: "FG2")
        XCTAssertEqual(try texts("FG2"), ["[NAME-3] said [PLACE-1] again, and [EMAIL-1], [PHONE-1], and [NAME-1].", "Sarah?"])
        // "Sarah" alone was never replaced before and no list names it now: it is on the review list.
        XCTAssertEqual(later.documents.first?.candidates.map(\.text), ["Sarah"])
        // Ruth, Dan, Ann (speakers), Sarah Jones, Eastmoor, the e-mail address and the phone number.
        XCTAssertEqual(try project.count("placeholders"), 7)
    }

    func testReviewListRedactAndKeepDecisions() throws {
        try importText("A: We drove to Bridgend and then Quarrington.\nB: Bridgend again, past Bridgend's station.\n", name: "a.txt", group: "FG1")
        var review = try project.reviewList()
        XCTAssertEqual(review.map(\.text), ["Bridgend", "Quarrington"])
        XCTAssertEqual(review.map(\.count), [3, 1])
        XCTAssertEqual(review[0].firstRef, "FG1-0001")

        let result = try project.decide(ref: "FG1-0002", text: "bridgend", redactAs: .place)
        XCTAssertEqual(result, DecisionResult(placeholder: "[PLACE-1]", excerpts: 2, replacements: 3))
        XCTAssertEqual(try texts("FG1"), ["We drove to [PLACE-1] and then Quarrington.", "[PLACE-1] again, past [PLACE-1]'s station."])
        XCTAssertEqual(try project.search("Bridgend"), [])
        XCTAssertEqual(try project.redactionSummary(), [RedactionCount(group: "FG1", document: "a.txt", kind: "PLACE", count: 3)])
        _ = try project.decide(ref: "FG1-0001", text: "Quarrington", redactAs: nil)
        review = try project.reviewList()
        XCTAssertEqual(review.map(\.text), [])
        // The audit log names placeholders and excerpts, never the text.
        let audit = try project.read { db in try String.fetchAll(db, sql: "SELECT action || ' ' || ifnull(object_ref, '') || ' ' || ifnull(detail, '') FROM audit_log") }
        XCTAssertTrue(audit.contains("anonymise.redact [PLACE-1] kind=PLACE excerpts=2 replacements=3"), "\(audit)")
        XCTAssertTrue(audit.contains("anonymise.keep FG1-0001 "), "\(audit)")
        XCTAssertFalse(audit.joined().lowercased().contains("bridgend") || audit.joined().lowercased().contains("quarrington"))

        // Both decisions apply to later imports.
        var later = try importText("C: Bridgend and Quarrington, said the man from Bridgend.\nD: Yes.\n", name: "b.txt", group: "FG2")
        XCTAssertEqual(try texts("FG2"), ["[PLACE-1] and Quarrington, said the man from [PLACE-1].", "Yes."])
        XCTAssertEqual(later.documents.first?.candidates.map(\.text), [])
        later = try importText("D: bridgend stays lower case.\nE: Yes.\n", name: "c.txt", group: "FG3")
        XCTAssertEqual(try texts("FG3"), ["[PLACE-1] stays lower case.", "Yes."])

        XCTAssertThrowsError(try project.decide(ref: "FG1-0001", text: "Eastmoor", redactAs: .place)) { error in
            XCTAssertEqual(error as? AnonymisationError, .textNotInExcerpt(ref: "FG1-0001"))
            XCTAssertFalse((error as? AnonymisationError)?.errorDescription?.contains("Eastmoor") ?? true)
        }
    }

    func testRedactScrubsTheOriginalFromTheFileAndWAL() throws {
        try importText("A: Quarrington is where it happened, in Quarrington.\nB: Yes.\n", name: "a.txt", group: "FG1")
        func bytes() -> Data {
            ["", "-wal"].reduce(Data()) { $0 + ((try? Data(contentsOf: URL(fileURLWithPath: project.path + $1))) ?? Data()) }
        }
        XCTAssertTrue(bytes().lowercasedASCII.range(of: Data("quarrington".utf8)) != nil)
        _ = try project.decide(ref: "FG1-0001", text: "Quarrington", redactAs: .place)
        XCTAssertNil(bytes().lowercasedASCII.range(of: Data("quarrington".utf8)))
    }

    func testKeyFileModeLocationRevealAndWrongKey() throws {
        let keyPath = keyDir.path("study.key")
        XCTAssertThrowsError(try importText("A: Sarah.\nB: Yes.\n", name: "x.txt", group: "FG1",
                                            options: AnonymisationOptions(names: ["Sarah"], keyPath: dir.path("study.key")))) { error in
            XCTAssertEqual(error as? AnonymisationError, .keyFileInProjectFolder(path: dir.path("study.key")))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("study.key")))
        try importText("Ruth: I met Sarah in Eastmoor.\nModerator: Thanks.\n", name: "a.txt", group: "FG1",
                       options: AnonymisationOptions(names: ["Sarah"], places: ["Eastmoor"], keyPath: keyPath))
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let key = try XCTUnwrap(try KeyFile.load(path: keyPath))
        XCTAssertEqual(Set(key.entries.map { "\($0.placeholder)=\($0.original)" }), ["[NAME-1]=Ruth", "[NAME-2]=Sarah", "[PLACE-1]=Eastmoor"])
        XCTAssertEqual(try project.reveal(ref: "FG1-0001", keyPath: keyPath, context: 1).map(\.text), ["I met Sarah in Eastmoor.", "Thanks."])
        XCTAssertEqual(try texts("FG1"), ["I met [NAME-2] in [PLACE-1].", "Thanks."])

        // The project was keyed by this key file at its first import: later imports need it.
        XCTAssertThrowsError(try importText("B: Sarah again.\nModerator: Thanks.\n", name: "b.txt", group: "FG2")) { error in
            XCTAssertEqual(error as? AnonymisationError, .keyRequired)
        }
        try importText("B: Sarah again, and sarah.\nModerator: Thanks.\n", name: "b.txt", group: "FG2", options: AnonymisationOptions(keyPath: keyPath))
        XCTAssertEqual(try texts("FG2"), ["[NAME-2] again, and [NAME-2].", "Thanks."])

        // Another project's key file is refused, and so is a new one.
        let other = try Project.create(at: dir.path("other.sqlite"))
        let otherURL = dir.write("o.txt", "A: Sarah.\nB: Yes.\n")
        var otherAnonymiser = try Anonymiser(project: other, options: AnonymisationOptions(keyPath: keyDir.path("other.key")))
        _ = try Importer.importFiles([otherURL], into: other, options: ImportOptions(group: "G"), preparer: &otherAnonymiser)
        XCTAssertThrowsError(try project.reveal(ref: "FG1-0001", keyPath: keyDir.path("other.key"))) { error in
            XCTAssertEqual(error as? AnonymisationError, .wrongKeyFile(path: keyDir.path("other.key")))
        }
        XCTAssertThrowsError(try importText("C: x.\nD: y.\n", name: "c.txt", group: "FG3", options: AnonymisationOptions(keyPath: keyDir.path("new.key")))) { error in
            XCTAssertEqual(error as? AnonymisationError, .otherKeyFile(path: keyDir.path("new.key")))
        }
        // A mistyped key path is a missing file (exit 66), not a reason to start a second key.
        XCTAssertThrowsError(try project.reveal(ref: "FG1-0001", keyPath: keyDir.path("typo.key"))) { error in
            XCTAssertEqual(error as? ProjectError, .fileMissing(path: keyDir.path("typo.key")))
        }
        XCTAssertTrue(AnonymisationError.otherKeyFile(path: "k").errorDescription?.hasPrefix("there is no key file at k") ?? false)
        let garbage = keyDir.write("garbage.key", "{\"format\": \"something else\"}")
        XCTAssertThrowsError(try project.reveal(ref: "FG1-0001", keyPath: garbage.path)) { error in
            XCTAssertEqual(error as? AnonymisationError, .notAKeyFile(path: garbage.path))
        }
        // --force allows the project's folder.
        let forced = try Project.create(at: dir.path("forced.sqlite"))
        var a = try Anonymiser(project: forced, options: AnonymisationOptions(keyPath: dir.path("forced.key"), force: true))
        _ = try Importer.importFiles([dir.write("f.txt", "A: Sarah.\nB: Yes.\n")], into: forced, options: ImportOptions(group: "G"), preparer: &a)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("forced.key")))
    }

    /// With a key file from the first import, the project alone cannot be searched for names: its
    /// digests are keyed by the key file's secret. Without one they are keyed by the project's salt.
    func testDigestKeying() throws {
        func saltDigest(_ p: Project, _ word: String) throws -> String {
            let salt = try p.read { db in try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'label_salt'")! }
            return PlaceholderRegistry.digest(word, key: salt)
        }
        func digests(_ p: Project) throws -> Set<String> {
            Set(try p.read { db in try String.fetchAll(db, sql: "SELECT digest FROM placeholders") + String.fetchAll(db, sql: "SELECT label_digest FROM participants") })
        }
        try importText("Ruth: Sarah.\nModerator: Thanks.\n", name: "a.txt", group: "FG1", options: AnonymisationOptions(names: ["Sarah"], keyPath: keyDir.path("k.key")))
        XCTAssertFalse(try digests(project).contains(try saltDigest(project, "sarah")))
        XCTAssertFalse(try digests(project).contains(Digest.hmacHex("ruth", keyHex: try project.read { db in try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'label_salt'")! })))
        XCTAssertEqual(try project.read { db in try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'digest_keying'") }, "key")

        let plain = try Project.create(at: dir.path("plain.sqlite"))
        var a = try Anonymiser(project: plain, options: AnonymisationOptions(names: ["Sarah"]))
        _ = try Importer.importFiles([dir.write("b.txt", "Ruth: Sarah.\nModerator: Thanks.\n")], into: plain, options: ImportOptions(group: "G"), preparer: &a)
        XCTAssertTrue(try digests(plain).contains(try saltDigest(plain, "sarah")))
        XCTAssertEqual(try plain.read { db in try String.fetchOne(db, sql: "SELECT value FROM project_info WHERE key = 'digest_keying'") }, "salt")
    }

    func testPseudonymMappingFile() throws {
        let mapping = try AnonymisationLists.pseudonyms("label,pseudonym\nRuth,Officer A\n\"Dan  Smith\",P07\n", file: "map.csv")
        XCTAssertEqual(mapping, ["ruth": "Officer A", "dan smith": "P07"])
        try importText("Ruth: one.\nDan Smith: two.\nAnn: three.\n", name: "a.txt", group: "FG1", pseudonyms: mapping)
        XCTAssertEqual(try project.participants().map(\.pseudonym), ["Officer A", "P01", "P07"])
        XCTAssertThrowsError(try AnonymisationLists.pseudonyms("Ruth,Officer A\nAnn,officer a\n", file: "map.csv")) { error in
            XCTAssertEqual((error as? AnonymisationError)?.errorDescription, "map.csv:2: the pseudonym is already given on line 1")
        }
        XCTAssertThrowsError(try AnonymisationLists.pseudonyms("Ruth,\n", file: "map.csv")) { error in
            XCTAssertFalse((error as? AnonymisationError)?.errorDescription?.contains("Ruth") ?? true)
        }
    }

    func testSpeakerNamedInAnotherPartOfTheSameImportBeforeTheySpeak() throws {
        let part1 = dir.write("part1.txt", "Moderator: Gareth will join us later. Welcome, Ruth.\nRuth: Thanks.\n")
        let part2 = dir.write("part2.txt", "Gareth: Sorry I'm late; Ruth told me.\nModerator: Welcome.\n")
        var anonymiser = try Anonymiser(project: project, options: AnonymisationOptions())
        _ = try Importer.importFiles([part1, part2], into: project, options: ImportOptions(group: "FG1"), preparer: &anonymiser)
        XCTAssertEqual(try texts("FG1"), ["[NAME-2] will join us later. Welcome, [NAME-1].", "Thanks.",
                                          "Sorry I'm late; [NAME-1] told me.", "Welcome."])
        XCTAssertEqual(anonymiser.documents.map(\.total), [2, 1])
        XCTAssertEqual(try project.redactionSummary().map(\.count), [2, 1])
    }

    func testStoredFileNameIsAnonymisedToo() throws {
        try importText("A: Hello.\nB: Yes.\n", name: "Sarah Jones interview.txt", group: "FG1",
                       options: AnonymisationOptions(names: ["Sarah Jones"]))
        XCTAssertEqual(try project.documents().map(\.fileName), ["[NAME-3] interview.txt"])
    }

    func testPreviewWritesNothing() throws {
        try importText("A: Sarah.\nB: Yes.\n", name: "a.txt", group: "FG1")
        func snapshot() -> [Data?] { ["", "-wal"].map { FileManager.default.contents(atPath: project.path + $0) } }
        let before = snapshot()
        let placeholders = try project.count("placeholders")
        var anonymiser = try Anonymiser(project: project, options: AnonymisationOptions(names: ["Sarah Jones"], keyPath: keyDir.path("k.key")), writing: false)
        let url = dir.write("b.txt", "C: Sarah Jones and sarah@example.org in Bridgend.\nA: Yes.\n")
        let (files, redactions) = try Importer.preview([url], in: project, options: ImportOptions(group: "FG2"), preparer: &anonymiser)
        XCTAssertEqual(files[0].turns.map(\.text), ["[NAME-4] and [EMAIL-1] in Bridgend.", "Yes."])
        XCTAssertEqual(files[0].turns.map(\.pseudonym), ["P03", "P01"])
        XCTAssertEqual(redactions[0].items.map(\.original), ["Sarah Jones", "sarah@example.org"])
        XCTAssertEqual(redactions[0].candidates.map(\.text), ["Bridgend"])
        XCTAssertEqual(snapshot(), before)
        XCTAssertEqual(try project.count("placeholders"), placeholders)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keyDir.path("k.key")))
    }
}

extension Data {
    var lowercasedASCII: Data { Data(map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }) }
}

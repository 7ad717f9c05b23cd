import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

final class TeamTests: XCTestCase {
    func base(_ dir: TempDir) throws -> Project {
        let project = try Project.create(at: dir.path("main.sqlite"))
        try project.importText("Moderator: Welcome.\nAsha: Workload doubled.\nBen: Training lags.\nAsha: Phone visits now.\n",
                               name: "fg1.txt", group: "FG1", in: dir)
        try project.addCode(path: "Policing")
        try project.addCode(path: "Policing/Workload")
        try project.addCode(path: "Covid")
        try project.applyCode("Policing", to: "FG1-0002", coder: "lead")
        return project
    }

    func info(_ project: Project) throws -> [String: String] {
        try project.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT key, value FROM project_info").map { ($0["key"] as String, $0["value"] as String) },
                       uniquingKeysWith: { a, _ in a })
        }
    }

    func testSplitWritesBlindCopiesWithTheSameIDs() throws {
        let dir = TempDir()
        let project = try base(dir)
        let copies = try Team.split(project, coders: ["coder_a", "coder_b"], into: dir.url.appendingPathComponent("copies"))
        XCTAssertEqual(copies.map(\.coder), ["coder_a", "coder_b"])
        let a = try Project.open(at: copies[0].path)
        XCTAssertEqual(try a.count("codings"), 0, "the lead's codings are not in a coder's copy")
        XCTAssertEqual(try info(a)["team_copy_coder"], "coder_a")
        XCTAssertEqual(try info(a)["team_source_project_id"], try info(project)["project_id"])
        XCTAssertEqual(try ProjectView.of(a).codes, try ProjectView.of(project).codes)
        XCTAssertEqual(try ProjectView.of(a).coders, try ProjectView.of(project).coders, "coders were created in the project first")
        let mode = try FileManager.default.attributesOfItem(atPath: copies[0].path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertThrowsError(try Team.split(project, coders: ["coder_a"], into: dir.url.appendingPathComponent("copies")), "never overwrites")
    }

    /// A memo new in a copy comes back with its uid; a memo edited in a copy comes back as a second memo (both texts
    /// are kept) with a uid of its own.
    func testMergedMemosKeepTheirUidAndAnEditIsKeptBesideTheOriginal() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let original = try project.addMemo("Ask about night shifts", on: .excerpt("FG1-0002"), author: "lead")
        let copies = try Team.split(project, coders: ["alice"], into: dir.url.appendingPathComponent("copies"))
        let copy = try Project.open(at: copies[0].path)
        let added = try copy.addMemo("Training again", on: .group("FG1"), author: "alice")
        try copy.editMemo(original.id, text: "Ask about night and weekend shifts")
        let uid = { (p: Project, id: Int64) in try p.read { try String.fetchOne($0, sql: "SELECT uid FROM memos WHERE id = ?", arguments: [id])! } }
        let report = try Team.merge(project, copies: [URL(fileURLWithPath: copies[0].path)])
        XCTAssertEqual(report.copies.map(\.memosAdded), [2])
        let merged = try project.read { db in
            try Row.fetchAll(db, sql: "SELECT uid, text FROM memos ORDER BY id").map { "\($0["text"] as String)|\($0["uid"] as String)" }
        }
        XCTAssertEqual(merged.count, 3)
        XCTAssertEqual(merged[0], "Ask about night shifts|\(try uid(project, original.id))")
        XCTAssertEqual(try uid(project, original.id), try uid(copy, original.id), "the split kept the uid")
        XCTAssertTrue(merged.contains("Training again|\(try uid(copy, added.id))"), "\(merged)")
        let edited = try XCTUnwrap(merged.first { $0.hasPrefix("Ask about night and weekend shifts|") })
        XCTAssertNotEqual(edited, "Ask about night and weekend shifts|\(try uid(copy, original.id))", "the edit gets a uid of its own")
        XCTAssertTrue(try Team.merge(project, copies: [URL(fileURLWithPath: copies[0].path)]).changedNothing)
    }

    /// Property: for random codings in random copies, every coding of every copy is in the merged project exactly once,
    /// nothing the project had is lost, and merging again changes nothing.
    func testMergeKeepsEveryCodingExactlyOnce() throws {
        for seed in UInt64(1)...UInt64(10) {
            var rng = ExchangeRandom(seed: seed)
            let dir = TempDir()
            let project = try ExchangeSamples.random(in: dir, seed: seed, name: "main.sqlite")
            let before = try ProjectView.of(project).codings
            let names = (0..<Int.random(in: 1...3, using: &rng)).map { "member_\($0)" }
            let copies = try Team.split(project, coders: names, into: dir.url.appendingPathComponent("copies"))
            var expected = Set(before)
            for copy in copies {
                let p = try Project.open(at: copy.path)
                if Bool.random(using: &rng) { try p.addCode(path: "New \(copy.coder)") }
                if Bool.random(using: &rng) {
                    try p.write { db in
                        try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('excerpt', (SELECT min(id) FROM excerpts), ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                                       arguments: [copy.coder, "memo by \(copy.coder)"])
                    }
                }
                let codes = try p.codebook().active.map(\.path)
                let refs = try p.read { db in try String.fetchAll(db, sql: "SELECT ref FROM excerpts") }
                for _ in 0..<Int.random(in: 0...15, using: &rng) {
                    try p.applyCode(codes.randomElement(using: &rng)!, to: refs.randomElement(using: &rng)!, coder: copy.coder)
                }
                expected.formUnion(try ProjectView.of(p).codings)
            }
            let expectedMemos = try copies.reduce(into: Set(try ProjectView.of(project).memos)) { $0.formUnion(try ProjectView.of(Project.open(at: $1.path)).memos) }
            let urls = copies.map { URL(fileURLWithPath: $0.path) }
            let report = try Team.merge(project, copies: urls)
            XCTAssertEqual(Set(try ProjectView.of(project).memos), expectedMemos, "seed \(seed)")
            XCTAssertEqual(try ProjectView.of(project).memos.count, expectedMemos.count, "seed \(seed)")
            let memoUids = { (p: Project) in try p.read { try Set(String.fetchAll($0, sql: "SELECT uid FROM memos")) } }
            let copyUids = try copies.reduce(into: Set<String>()) { $0.formUnion(try memoUids(Project.open(at: $1.path))) }
            XCTAssertTrue(copyUids.isSubset(of: try memoUids(project)), "a merged memo keeps its uid, seed \(seed)")
            XCTAssertEqual(report.conflicts, [], "seed \(seed)")
            let merged = try ProjectView.of(project).codings
            XCTAssertEqual(merged.count, Set(merged).count, "no duplicates, seed \(seed)")
            XCTAssertEqual(Set(merged), expected, "seed \(seed)")
            let again = try Team.merge(project, copies: urls)
            XCTAssertTrue(again.changedNothing, "seed \(seed): \(again)")
            XCTAssertEqual(try ProjectView.of(project).codings, merged)
        }
    }

    func testConflictsStopTheMergeUnlessAPreferenceIsGiven() throws {
        let dir = TempDir()
        let project = try base(dir)
        let copies = try Team.split(project, coders: ["coder_a", "coder_b"], into: dir.url.appendingPathComponent("copies"))
        let a = try Project.open(at: copies[0].path), b = try Project.open(at: copies[1].path)
        try a.renameCode("Covid", to: "Pandemic")
        try b.renameCode("Covid", to: "Lockdown")
        try a.applyCode("Pandemic", to: "FG1-0004", coder: "coder_a")
        try b.applyCode("Lockdown", to: "FG1-0004", coder: "coder_b")
        try b.write { db in try db.execute(sql: "UPDATE excerpts SET text = 'Training lags badly.' WHERE ref = 'FG1-0003'") }
        let urls = copies.map { URL(fileURLWithPath: $0.path) }
        let before = try ProjectView.of(project)
        XCTAssertThrowsError(try Team.merge(project, copies: urls)) { error in
            guard case ExchangeError.conflicts(let list) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(list.count, 2, "\(list)")
            XCTAssertTrue(list[0].contains("excerpt FG1-0003 was edited"), list[0])
            // Copy a's rename is taken first (only it changed the code since the split); copy b's then conflicts.
            XCTAssertTrue(list[1].contains("named 'Pandemic' here, 'Lockdown' in the copy"), list[1])
        }
        XCTAssertEqual(try ProjectView.of(project), before, "nothing merged")

        // Only one copy renamed the code relative to the split: that is an update, not a conflict.
        let first = try Team.merge(project, copies: [urls[0]])
        XCTAssertEqual(first.conflicts, [])
        XCTAssertEqual(try project.codebook().code(path: "Pandemic")?.uid, try a.codebook().code(path: "Pandemic")?.uid)

        let report = try Team.merge(project, copies: urls, prefer: .project)
        XCTAssertEqual(report.conflicts.count, 2)
        XCTAssertNotNil(try project.codebook().code(path: "Pandemic"))
        XCTAssertEqual(try project.codings(CodingFilter(excerpt: "FG1-0004")).map { "\($0.coder) \($0.code!)" }.sorted(),
                       ["coder_a Pandemic", "coder_b Pandemic"], "both codings kept, on the one code")
        let copyWins = try Team.merge(project, copies: [urls[1]], prefer: .copy)
        XCTAssertEqual(copyWins.copies[0].excerptsUpdated, 1)
        XCTAssertNotNil(try project.codebook().code(path: "Lockdown"))
        XCTAssertEqual(try project.read { db in try String.fetchOne(db, sql: "SELECT text FROM excerpts WHERE ref = 'FG1-0003'") }, "Training lags badly.")
    }

    func testMergeRefusesACopyOfAnotherProject() throws {
        let dir = TempDir()
        let project = try base(dir)
        let other = try Project.create(at: dir.path("other.sqlite"))
        XCTAssertThrowsError(try Team.merge(project, copies: [URL(fileURLWithPath: other.path)])) { error in
            XCTAssertEqual(error as? ExchangeError, .otherProject(path: other.path))
        }
    }

    func testSameNewCodeInTwoCopiesBecomesOneCode() throws {
        let dir = TempDir()
        let project = try base(dir)
        let copies = try Team.split(project, coders: ["coder_a", "coder_b"], into: dir.url.appendingPathComponent("copies"))
        for copy in copies {
            let p = try Project.open(at: copy.path)
            try p.addCode(path: "Policing/Training")
            try p.applyCode("Policing/Training", to: "FG1-0003", coder: copy.coder)
        }
        let report = try Team.merge(project, copies: copies.map { URL(fileURLWithPath: $0.path) })
        XCTAssertEqual(report.copies.map(\.codesAdded), [1, 0])
        XCTAssertEqual(report.notes.count, 1)
        XCTAssertTrue(report.notes[0].contains("matched to the project's Policing/Training by name"), report.notes[0])
        XCTAssertEqual(try project.codings(CodingFilter(code: "Policing/Training")).map(\.coder), ["coder_a", "coder_b"])
    }
}

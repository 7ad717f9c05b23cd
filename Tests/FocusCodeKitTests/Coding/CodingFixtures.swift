import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// Projects for the coding tests: the two fictional groups, the fixture codebook and, if asked, both coders' codings.
enum CodingFixtures {
    static func text(_ relative: String) throws -> String {
        try String(contentsOf: StoreFixtures.root.appendingPathComponent(relative), encoding: .utf8)
    }

    static func project(in dir: TempDir, codebook: Bool = true, codings: Bool = false) throws -> Project {
        let project = try Project.create(at: dir.path("p-\(UUID().uuidString.prefix(6)).sqlite"))
        var preparer = PassThroughPreparer()
        let transcripts = StoreFixtures.root.appendingPathComponent("transcripts")
        for (file, group) in [("FG1.docx", "FG1"), ("FG2.vtt", "FG2")] {
            _ = try Importer.importFiles([transcripts.appendingPathComponent(file)], into: project,
                                         options: ImportOptions(group: group, moderators: ["Moderator"]), preparer: &preparer)
        }
        if codebook {
            try project.importCodebook(try CodebookFiles.read(try text("codebook.yaml"), format: .yaml, fileName: "codebook.yaml"),
                                       fileName: "codebook.yaml")
        }
        if codings {
            for coder in ["coder_a", "coder_b"] {
                try project.importCodings(csv: try text("codings/\(coder).csv"), fileName: "\(coder).csv")
            }
        }
        return project
    }

    /// A small project: one group of five turns (one moderator) and a two-theme codebook.
    static func small(in dir: TempDir) throws -> Project {
        let project = try Project.create(at: dir.path("s-\(UUID().uuidString.prefix(6)).sqlite"))
        try project.importText("""
            Moderator: Welcome, tell us about training.
            Ruth: We had no training on this at all.
            Dan: The workload is enormous, and the training is old.
            Ruth: Phones instead of visits during lockdown.
            Dan: Nothing more to add.
            """, group: "FG1", in: dir, moderators: ["Moderator"])
        try project.addCode(path: "Policing")
        try project.addCode(path: "Policing/Training")
        try project.addCode(path: "Policing/Workload")
        try project.addCode(path: "Covid")
        try project.addCode(path: "Covid/Phones")
        return project
    }

    static func scalar(_ project: Project, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try project.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }
}

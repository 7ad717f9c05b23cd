import Foundation
import XCTest
@testable import FocusCodeKit

/// The planted-identifier fixture: every planted identifier is replaced with its type or listed
/// for review. And the study-like fixtures: ordinary words are not replaced.
final class RecallTests: XCTestCase {
    struct Planted: Decodable {
        struct Item: Decodable { var text: String; var kind: String; var review: Bool? }
        var labels: [String]
        var planted: [Item]
    }

    static var anonymise: URL { StoreFixtures.root.appendingPathComponent("anonymise") }

    static func plantedOptions(keyPath: String? = nil) throws -> AnonymisationOptions {
        AnonymisationOptions(names: try AnonymisationLists.entries(file: anonymise.appendingPathComponent("names.txt")),
                             places: try AnonymisationLists.entries(file: anonymise.appendingPathComponent("places.txt")),
                             organisations: try AnonymisationLists.entries(file: anonymise.appendingPathComponent("organisations.txt")),
                             patterns: try AnonymisationLists.patterns(file: anonymise.appendingPathComponent("patterns.txt")),
                             keyPath: keyPath)
    }

    func testEveryPlantedIdentifierIsReplacedOrListedForReview() throws {
        let planted = try JSONDecoder().decode(Planted.self, from: Data(contentsOf: Self.anonymise.appendingPathComponent("planted.json")))
        XCTAssertGreaterThanOrEqual(planted.planted.count, 50)
        XCTAssertEqual(Set(planted.planted.map(\.kind)).isSuperset(of: ["NAME", "PLACE", "ORG", "EMAIL", "PHONE", "URL", "POSTCODE", "NINO", "DOB", "VEHICLE", "STAFF_ID"]), true)
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        var anonymiser = try Anonymiser(project: project, options: try Self.plantedOptions())
        _ = try Importer.importFiles([Self.anonymise.appendingPathComponent("planted.txt")], into: project,
                                     options: ImportOptions(group: "FG9"), preparer: &anonymiser)
        let replaced = Dictionary(anonymiser.documents.flatMap(\.items).map { ($0.original, $0.kind.rawValue) }, uniquingKeysWith: { a, _ in a })
        let review = Set(try project.reviewList().map(\.text))
        // The stored text, less what is left on purpose for review ("@farrow_im" holds a surname).
        let stored = planted.planted.filter { $0.review == true }.reduce(try project.excerpts().map(\.text).joined(separator: "\n")) {
            $0.replacingOccurrences(of: $1.text, with: "")
        }
        var caught = 0, listed = 0
        for item in planted.planted {
            if item.review == true {
                XCTAssertTrue(review.contains(item.text), "\(item.text) should be on the review list")
                listed += review.contains(item.text) ? 1 : 0
            } else {
                XCTAssertEqual(replaced[item.text], item.kind, item.text)
                XCTAssertFalse(stored.localizedCaseInsensitiveContains(item.text), "\(item.text) is still in the text")
                caught += replaced[item.text] == item.kind ? 1 : 0
            }
        }
        XCTAssertEqual(caught + listed, planted.planted.count)
        // What else is on the review list is noise a person has to look at: keep it small.
        XCTAssertEqual(review.subtracting(planted.planted.map(\.text)), [])
        print("recall: \(caught) replaced with the right type + \(listed) listed for review = \(caught + listed) of \(planted.planted.count)")
    }

    /// FG1/FG2 name speakers in four turns on purpose (FG1-0007, FG1-0058, FG1-0087, FG2-0018); everything
    /// else the detectors replace there is a false positive.
    func testStudyFixturesFalsePositives() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        var anonymiser = try Anonymiser(project: project, options: AnonymisationOptions())
        for (file, group) in [("FG1.docx", "FG1"), ("FG2.vtt", "FG2")] {
            _ = try Importer.importFiles([StoreFixtures.root.appendingPathComponent("transcripts/\(file)")], into: project,
                                         options: ImportOptions(group: group, moderators: ["Moderator"]), preparer: &anonymiser)
        }
        let items = anonymiser.documents.flatMap(\.items)
        let truePositives: Set<String> = ["Ruth", "Helen", "Paul"]
        let falsePositives = items.filter { !truePositives.contains($0.original) }
        XCTAssertEqual(falsePositives.map(\.original), [])
        XCTAssertEqual(items.map(\.count).reduce(0, +), 4)
        let changed = try project.excerpts().filter { $0.text.contains("[NAME-") }.map(\.ref)
        XCTAssertEqual(changed, ["FG1-0007", "FG1-0058", "FG1-0087", "FG2-0018"])
        XCTAssertEqual(try project.excerpt("FG2-0018").excerpt.text, "[NAME-8], tell me about their technical ability.")
        // Ordinary words are never replaced, whatever their capitals.
        let stored = try project.excerpts().map(\.text).joined(separator: " ")
        for word in ["Covid", "Monday", "Tuesday", "Police", "Prevention", "Depression", "Offender"] where stored.contains(word) || word == "Covid" {
            XCTAssertTrue(stored.contains(word), word)
        }
        // The review list on the study fixtures: the invented places and a unit name, little else.
        let review = try project.reviewList()
        print("FG1+FG2 review list (\(review.count)): \(review.map(\.text))")
        XCTAssertTrue(Set(review.map(\.text)).isSuperset(of: ["Eastmoor", "Harbourside", "Westgate"]))
        XCTAssertLessThanOrEqual(review.count, 8)
    }
}

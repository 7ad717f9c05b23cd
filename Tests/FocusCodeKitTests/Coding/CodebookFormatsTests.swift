import Foundation
import XCTest
@testable import FocusCodeKit

final class CodebookFormatsTests: XCTestCase {
    /// A codebook with the awkward cases: Markdown and YAML markers, quotes, line breaks, words YAML reads as
    /// booleans or null, non-ASCII, flags, and no optional fields at all.
    static let tricky = CodebookDocument(codes: [
        CodebookEntry(name: "Offender *profiles*", description: "Who they are; \"quoted\", a_b [x] <y> `z` \\ back", inclusion: "yes",
                      exclusion: "null", example: "Line one\nLine two\n\nafter a blank — dash", colour: "#4477AA", exclusive: true,
                      children: [
                          CodebookEntry(name: "Isolation", description: "#not a comment: colon", retired: true),
                          CodebookEntry(name: "123", inclusion: "  leading spaces and trailing  "),
                      ]),
        CodebookEntry(name: "Café – naïve ’quotes’"),
    ])

    func testEveryFormatRoundTripsExactlyThroughAFreshProject() throws {
        let dir = TempDir()
        for format in CodebookFormat.allCases {
            for useFixture in [true, false] {
                let first: Project
                if useFixture {
                    first = try CodingFixtures.project(in: dir)
                } else {
                    first = try Project.create(at: dir.path("t-\(format)-\(UUID().uuidString.prefix(4)).sqlite"))
                    try first.importCodebook(Self.tricky, fileName: "tricky")
                }
                let exported = try CodebookFiles.write(try first.codebook().document(), format: format)
                let fresh = try Project.create(at: dir.path("fresh-\(format)-\(UUID().uuidString.prefix(4)).sqlite"))
                try fresh.importCodebook(try CodebookFiles.read(exported, format: format, fileName: "cb.\(format)"), fileName: "cb.\(format)")
                let again = try CodebookFiles.write(try fresh.codebook().document(), format: format)
                XCTAssertEqual(again, exported, "\(format) round trip")
                XCTAssertEqual(try fresh.codebook().document(), try first.codebook().document(), "\(format): same codes, IDs and fields")
            }
        }
    }

    func testTrickyValuesSurviveEachFormatField() throws {
        for format in CodebookFormat.allCases {
            var withIds = Self.tricky
            withIds.codes[0].id = "a-1"
            withIds.codes[0].children[0].id = "a-2"
            withIds.codes[0].children[1].id = "a-3"
            withIds.codes[1].id = "b.1"
            let text = try CodebookFiles.write(withIds, format: format)
            XCTAssertEqual(try CodebookFiles.read(text, format: format, fileName: "x"), withIds, "\(format):\n\(text)")
        }
    }

    func testMarkdownIsANestedListWithDescriptions() throws {
        let md = try CodebookFiles.write(CodebookDocument(codes: [
            CodebookEntry(name: "Role of policing", id: "r", description: "Police work.", colour: "#AA3377",
                          children: [CodebookEntry(name: "Training needs", id: "t", description: "Gaps in training.", example: "Nobody trained us.")]),
        ]), format: .md)
        XCTAssertEqual(md, """
            # Codebook

            - **Role of policing** — Police work.
              - Colour: `#AA3377`
              - ID: `r`
              - **Training needs** — Gaps in training.
                - Example: Nobody trained us.
                - ID: `t`

            """)
    }

    func testFileProblemsNameTheFileAndLineOrCode() throws {
        func problem(_ text: String, _ format: CodebookFormat) -> String? {
            do {
                _ = try CodebookFiles.read(text, format: format, fileName: "cb.\(format)")
                return nil
            } catch let error as CodebookError {
                return error.errorDescription
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(problem("codes:\n  - name: A\n    descripton: typo\n", .yaml),
                       "cb.yaml:3: code 'A': unknown key 'descripton' (a code has name, id, description, inclusion, exclusion, example, colour, exclusive, retired, children)")
        XCTAssertEqual(problem("codes:\n  - description: no name\n", .yaml), "cb.yaml:2: codes[0]: a code needs a 'name'")
        XCTAssertEqual(problem("codes:\n  - name: A\n    exclusive: maybe\n", .yaml), "cb.yaml:3: code 'A': 'exclusive' should be true or false")
        XCTAssertTrue(problem("codes: [\n", .yaml)?.hasPrefix("cb.yaml: not valid YAML") == true)
        XCTAssertEqual(problem(#"{"codes": [{"name": "A", "children": [{"name": 5}]}]}"#, .json),
                       "cb.json: code 'A'.children[0]: 'name' should be text")
        XCTAssertEqual(problem("path,description\nA,x\nB/C,y\n", .csv), "cb.csv:3: the parent 'B' must be defined on an earlier row")
        XCTAssertEqual(problem("path,colour,size\n", .csv), "cb.csv:1: unknown column 3 'size' (columns: path, id, description, inclusion, exclusion, example, colour, exclusive, retired)")
        XCTAssertEqual(problem("# Codebook\n\n- **A** — x\n  - Includes: y\n", .md),
                       "cb.md:4: unknown field; a code's fields are 'Include: ', 'Exclude: ', 'Example: ', 'Colour: ', 'ID: ', 'Subcodes are mutually exclusive' and 'Retired'")
        XCTAssertEqual(problem("- **A**\n      - **B**\n", .md), "cb.md:2: this code is indented more than one level below the code above it")
    }

    func testImportValidatesTheWholeFileBeforeWriting() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("p.sqlite"))
        let bad = CodebookDocument(codes: [
            CodebookEntry(name: "Good"),
            CodebookEntry(name: "Also good", children: [CodebookEntry(name: "Bad", colour: "blue")]),
        ])
        XCTAssertThrowsError(try project.importCodebook(bad, fileName: "cb.yaml")) {
            XCTAssertEqual(($0 as? CodebookError)?.errorDescription,
                           "cb.yaml: code 'Also good/Bad': invalid colour 'blue': write it as #RRGGBB, e.g. #4477AA.")
        }
        let twice = CodebookDocument(codes: [CodebookEntry(name: "A"), CodebookEntry(name: "a")])
        XCTAssertThrowsError(try project.importCodebook(twice, fileName: "cb.yaml"))
        XCTAssertEqual(try project.codebook().codes.count, 0)
    }

    func testImportMatchesByIdAndUpdatesDefinitionsWithoutTouchingOtherCodes() throws {
        let dir = TempDir()
        let project = try CodingFixtures.small(in: dir)
        let training = try project.codebook().resolve("Policing/Training")
        let doc = CodebookDocument(codes: [
            CodebookEntry(name: "Policing", description: "Police work", children: [
                CodebookEntry(name: "Training", id: training.uid, description: "Gaps"),
                CodebookEntry(name: "Welfare"),
            ]),
        ])
        XCTAssertEqual(try project.importCodebook(doc, fileName: "cb.yaml"), CodebookImportSummary(created: 1, updated: 2, unchanged: 0))
        let tree = try project.codebook()
        XCTAssertEqual(try tree.resolve("Policing/Training").description, "Gaps")
        XCTAssertEqual(tree.codes.map(\.path), ["Policing", "Policing/Training", "Policing/Workload", "Policing/Welfare", "Covid", "Covid/Phones"])
        // An ID that belongs to a code elsewhere is a conflict, not a silent move.
        let moved = CodebookDocument(codes: [CodebookEntry(name: "Covid", children: [CodebookEntry(name: "Training", id: training.uid)])])
        XCTAssertThrowsError(try project.importCodebook(moved, fileName: "cb.yaml")) {
            XCTAssertEqual(($0 as? CodebookError)?.category, .badData)
        }
    }
}

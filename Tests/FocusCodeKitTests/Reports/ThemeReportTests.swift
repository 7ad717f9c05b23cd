import FocusCodeTestSupport
import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// The theme table against counts worked out independently of FocusCode's queries.
///
/// The expected tables below were counted from `Fixtures/codings/coder_a.csv` and `coder_b.csv` and the speakers in
/// `Fixtures/transcripts/expected/*.turns.json` (a throwaway script over the raw files, no FocusCode code), and spot-checked
/// by hand, for example:
///
/// * coder_a, Offenders' IT skills, FG1: Concealment on FG1-0024, 0025, 0026, 0027, 0030 (5); Learning from earlier
///   mistakes on FG1-0029, 0030, 0031, 0032, 0033 (5); FG1-0030 has both, so the theme has 9 excerpts, not 10.
/// * coder_a, Role of policing, FG1: Scale and workload 9 (FG1-0005, 0056, 0063, 0074, 0075, 0078–0081), Training needs 5
///   (FG1-0016, 0083–0086), Officer welfare 6 (FG1-0088–0093), the theme alone 2 (FG1-0095, 0096): 22, no overlaps.
/// * Denominators: FG1 has 98 turns, 17 by the moderator, so 81 participant excerpts by 6 participants; FG2 has 72 turns,
///   21 by the moderator, so 51 by 2 participants; 132 by 8 in all.
///
/// Each line: name (subthemes indented), then per column (FG1 | FG2 | all) excerpts and participants.
final class ThemeReportTests: XCTestCase {
    var project: Project { ReportFixture.project }

    static let coderA = """
        Offender profiles                       | 13 6 |  8 2 | 21 8
          Age diversity                         |  5 5 |  2 2 |  7 7
          Gender                                |  4 3 |  3 2 |  7 5
          Isolation                             |  4 4 |  3 2 |  7 6
        Offenders' IT skills                    |  9 5 |  6 2 | 15 7
          Concealment                           |  5 4 |  4 2 |  9 6
          Learning from earlier mistakes        |  5 5 |  4 2 |  9 7
        Justification for offending             | 11 6 |  6 2 | 17 8
          Mental health                         |  2 2 |  1 1 |  3 3
          Confusion about sexuality             |  2 1 |  1 1 |  3 2
          Substance use                         |  2 2 |  1 1 |  3 3
          Minimising the harm                   |  4 3 |  2 2 |  6 5
          Own childhood victimisation           |  1 1 |  1 1 |  2 2
        Changes in the nature of offending      | 14 6 |  7 2 | 21 8
          Victims' age                          |  2 2 |  0 0 |  2 2
          Severity                              |  3 2 |  1 1 |  4 3
          Downloading                           |  3 3 |  1 1 |  4 4
          Storage                               |  5 4 |  4 2 |  9 6
          Sharing                               |  3 2 |  1 1 |  4 3
        Impact of Covid-19                      | 12 6 |  7 2 | 19 8
          Isolation                             |  2 2 |  1 1 |  3 3
          Risk management by phone              |  4 3 |  3 2 |  7 5
          Youth-produced imagery                |  3 3 |  1 1 |  4 4
          Not criminalising children            |  2 2 |  1 1 |  3 3
        Role of policing                        | 22 6 | 14 2 | 36 8
          Scale and workload                    |  9 4 |  7 2 | 16 6
          Training needs                        |  5 4 |  3 2 |  8 6
          Officer welfare                       |  6 6 |  4 2 | 10 8
        """

    static let coderB = """
        Offender profiles                       | 14 6 |  9 2 | 23 8
          Age diversity                         |  5 5 |  2 2 |  7 7
          Gender                                |  4 3 |  3 2 |  7 5
          Isolation                             |  5 4 |  4 2 |  9 6
        Offenders' IT skills                    | 10 5 |  6 2 | 16 7
          Concealment                           |  6 5 |  4 2 | 10 7
          Learning from earlier mistakes        |  4 4 |  4 2 |  8 6
        Justification for offending             | 10 6 |  6 2 | 16 8
          Mental health                         |  2 2 |  2 1 |  4 3
          Confusion about sexuality             |  1 1 |  0 0 |  1 1
          Substance use                         |  1 1 |  1 1 |  2 2
          Minimising the harm                   |  4 4 |  2 2 |  6 6
          Own childhood victimisation           |  1 1 |  1 1 |  2 2
        Changes in the nature of offending      | 14 6 |  6 2 | 20 8
          Victims' age                          |  2 2 |  0 0 |  2 2
          Severity                              |  3 2 |  1 1 |  4 3
          Downloading                           |  3 3 |  1 1 |  4 4
          Storage                               |  4 3 |  3 2 |  7 5
          Sharing                               |  4 3 |  1 1 |  5 4
        Impact of Covid-19                      | 10 5 |  5 2 | 15 7
          Isolation                             |  1 1 |  1 1 |  2 2
          Risk management by phone              |  4 3 |  3 2 |  7 5
          Youth-produced imagery                |  2 2 |  1 1 |  3 3
          Not criminalising children            |  2 2 |  0 0 |  2 2
        Role of policing                        | 22 6 | 14 2 | 36 8
          Scale and workload                    | 10 4 |  5 2 | 15 6
          Training needs                        |  4 4 |  3 2 |  7 6
          Officer welfare                       |  7 6 |  4 2 | 11 8
        """

    /// The test consensus (`FixtureData.consensus`): coder_a less the five codes coder_b "missed".
    static let consensus = """
        Offender profiles                       | 13 6 |  8 2 | 21 8
          Age diversity                         |  5 5 |  2 2 |  7 7
          Gender                                |  4 3 |  3 2 |  7 5
          Isolation                             |  4 4 |  3 2 |  7 6
        Offenders' IT skills                    |  9 5 |  6 2 | 15 7
          Concealment                           |  5 4 |  4 2 |  9 6
          Learning from earlier mistakes        |  5 5 |  4 2 |  9 7
        Justification for offending             | 11 6 |  6 2 | 17 8
          Mental health                         |  2 2 |  1 1 |  3 3
          Confusion about sexuality             |  2 1 |  1 1 |  3 2
          Substance use                         |  2 2 |  1 1 |  3 3
          Minimising the harm                   |  4 3 |  2 2 |  6 5
          Own childhood victimisation           |  1 1 |  1 1 |  2 2
        Changes in the nature of offending      | 13 6 |  6 2 | 19 8
          Victims' age                          |  2 2 |  0 0 |  2 2
          Severity                              |  3 2 |  1 1 |  4 3
          Downloading                           |  3 3 |  1 1 |  4 4
          Storage                               |  4 3 |  3 2 |  7 5
          Sharing                               |  3 2 |  1 1 |  4 3
        Impact of Covid-19                      | 11 6 |  6 2 | 17 8
          Isolation                             |  2 2 |  1 1 |  3 3
          Risk management by phone              |  4 3 |  3 2 |  7 5
          Youth-produced imagery                |  2 2 |  1 1 |  3 3
          Not criminalising children            |  2 2 |  1 1 |  3 3
        Role of policing                        | 21 6 | 14 2 | 35 8
          Scale and workload                    |  9 4 |  7 2 | 16 6
          Training needs                        |  4 4 |  3 2 |  7 6
          Officer welfare                       |  6 6 |  4 2 | 10 8
        """

    static let union = """
        Offender profiles                       | 14 6 |  9 2 | 23 8
          Age diversity                         |  5 5 |  2 2 |  7 7
          Gender                                |  4 3 |  3 2 |  7 5
          Isolation                             |  5 4 |  4 2 |  9 6
        Offenders' IT skills                    | 10 5 |  6 2 | 16 7
          Concealment                           |  6 5 |  4 2 | 10 7
          Learning from earlier mistakes        |  5 5 |  4 2 |  9 7
        Justification for offending             | 11 6 |  6 2 | 17 8
          Mental health                         |  2 2 |  2 1 |  4 3
          Confusion about sexuality             |  2 1 |  1 1 |  3 2
          Substance use                         |  2 2 |  1 1 |  3 3
          Minimising the harm                   |  5 4 |  2 2 |  7 6
          Own childhood victimisation           |  1 1 |  1 1 |  2 2
        Changes in the nature of offending      | 16 6 |  7 2 | 23 8
          Victims' age                          |  2 2 |  0 0 |  2 2
          Severity                              |  3 2 |  1 1 |  4 3
          Downloading                           |  3 3 |  1 1 |  4 4
          Storage                               |  6 5 |  4 2 | 10 7
          Sharing                               |  4 3 |  1 1 |  5 4
        Impact of Covid-19                      | 12 6 |  7 2 | 19 8
          Isolation                             |  2 2 |  1 1 |  3 3
          Risk management by phone              |  4 3 |  3 2 |  7 5
          Youth-produced imagery                |  3 3 |  1 1 |  4 4
          Not criminalising children            |  2 2 |  1 1 |  3 3
        Role of policing                        | 23 6 | 14 2 | 37 8
          Scale and workload                    | 10 4 |  7 2 | 17 6
          Training needs                        |  5 4 |  3 2 |  8 6
          Officer welfare                       |  7 6 |  4 2 | 11 8
        """

    /// Without roll-up the subtheme rows are unchanged and a theme counts only excerpts coded with the theme itself:
    /// coder_a applied a theme alone to FG1-0063 and FG2-0048 (Impact of Covid-19) and FG1-0095, FG1-0096 (Role of policing).
    static let themesWithoutRollUp: [String: String] = [
        "coder_a": """
            Offender profiles                       |  0 0 |  0 0 |  0 0
            Offenders' IT skills                    |  0 0 |  0 0 |  0 0
            Justification for offending             |  0 0 |  0 0 |  0 0
            Changes in the nature of offending      |  0 0 |  0 0 |  0 0
            Impact of Covid-19                      |  1 1 |  1 1 |  2 2
            Role of policing                        |  2 2 |  0 0 |  2 2
            """,
        "consensus": """
            Offender profiles                       |  0 0 |  0 0 |  0 0
            Offenders' IT skills                    |  0 0 |  0 0 |  0 0
            Justification for offending             |  0 0 |  0 0 |  0 0
            Changes in the nature of offending      |  0 0 |  0 0 |  0 0
            Impact of Covid-19                      |  1 1 |  0 0 |  1 1
            Role of policing                        |  2 2 |  0 0 |  2 2
            """,
        "union": """
            Offender profiles                       |  0 0 |  0 0 |  0 0
            Offenders' IT skills                    |  1 1 |  0 0 |  1 1
            Justification for offending             |  1 1 |  0 0 |  1 1
            Changes in the nature of offending      |  0 0 |  0 0 |  0 0
            Impact of Covid-19                      |  1 1 |  1 1 |  2 2
            Role of policing                        |  2 2 |  2 1 |  4 3
            """,
    ]

    /// The same compact form as the expected tables.
    static func compact(_ report: ThemeReport, themesOnly: Bool = false) -> String {
        report.rows.filter { !themesOnly || $0.code.level == 1 }.map { row in
            let name = String(repeating: "  ", count: row.code.level - 1) + row.code.name
            let cells = (row.cells + [row.total!]).map { String(format: "%3d %d", $0.excerpts, $0.participants) }
            return name.padding(toLength: 40, withPad: " ", startingAt: 0) + "|" + cells.joined(separator: " |")
        }.joined(separator: "\n")
    }

    static let selections: [(name: String, selection: CodingSelection, expected: String)] = [
        ("coder_a", .coder("coder_a"), coderA), ("coder_b", .coder("coder_b"), coderB),
        ("consensus", .consensus, consensus), ("union", .union, union),
    ]

    func testEveryCellMatchesTheHandWorkedTableForEachSelectionWithAndWithoutRollUpAndModerators() throws {
        for (name, selection, expected) in Self.selections {
            for includeModerator in [false, true] {
                let report = try project.themeReport(ReportOptions(selection: selection, includeModerator: includeModerator))
                XCTAssertEqual(Self.compact(report), expected, "\(name), moderators \(includeModerator)")
                // Denominators: participant excerpts and speakers per column; the moderator (one participant across both
                // groups) adds 17 + 21 excerpts and one participant to each column when included.
                let denominators = (report.columns + [report.total!]).map { "\($0.key) \($0.excerpts) \($0.participants)" }
                XCTAssertEqual(denominators, includeModerator ? ["FG1 98 7", "FG2 72 3", "all 170 9"] : ["FG1 81 6", "FG2 51 2", "all 132 8"])
                // Every share is n ÷ the column's excerpts.
                for row in report.rows {
                    for (cell, column) in zip(row.cells + [row.total!], report.columns + [report.total!]) {
                        XCTAssertEqual(cell.share!, Double(cell.excerpts) / Double(column.excerpts), accuracy: 1e-12)
                    }
                }
                guard let rolledOff = Self.themesWithoutRollUp[name] else { continue }
                let flat = try project.themeReport(ReportOptions(selection: selection, includeModerator: includeModerator, rollUp: false))
                XCTAssertEqual(Self.compact(flat, themesOnly: true), rolledOff, "\(name) without roll-up")
                // Subthemes have no descendants: roll-up leaves their rows as they were.
                XCTAssertEqual(flat.rows.filter { $0.code.level == 2 }, report.rows.filter { $0.code.level == 2 })
            }
        }
    }

    func testSharesAndCaptionOfTheStudyTable() throws {
        let report = try project.themeReport(ReportOptions(selection: .coder("coder_a")))
        let it = report.rows.first { $0.code.path == "Offenders' IT skills" }!
        XCTAssertEqual(it.cells.map(\.share), [9.0 / 81, 6.0 / 51])
        XCTAssertEqual(ReportTables.percent(it.total!.share), "11.4%")
        XCTAssertEqual(report.title, "Theme frequencies by group — coder_a's codings")
        XCTAssertEqual(report.rules, [
            "Coding: coder_a's codings.",
            "Unit: the excerpt (one speaker turn). An excerpt counts once per code, however often the code was applied to it.",
            "Roll-up: a theme counts an excerpt once when the theme itself or any of its subthemes applies, so a turn coded with "
                + "two subthemes counts once for the theme.",
            "%: excerpts coded ÷ all participant excerpts in the column (FG1 81, FG2 51, All 132).",
            "Participants: distinct participants with at least one coded excerpt in the column, as n of N, where N = participants "
                + "who spoke in the column (FG1 6, FG2 2, All 8).",
            "Moderators left out: their excerpts are in no count or denominator, and they are not counted as participants "
                + "(--include-moderator counts them).",
        ])
        let union = try project.themeReport(ReportOptions(selection: .union, includeModerator: true, rollUp: false))
        XCTAssertEqual(union.rules[0], "Coding: the union of all coders (coder_a, coder_b): an excerpt counts for a code if any of them "
            + "applied it (the consensus coder is not included).")
        XCTAssertTrue(union.rules.contains { $0.hasPrefix("No roll-up:") })
        XCTAssertTrue(union.rules.contains { $0.hasPrefix("Moderators included:") })
        XCTAssertTrue(union.rules.contains("%: excerpts coded ÷ all excerpts (moderators' included) in the column (FG1 98, FG2 72, All 170)."))
    }

    /// One excerpt coded with two subthemes of a theme counts once for the theme (and once for each subtheme).
    func testAnExcerptCodedWithTwoSubthemesCountsOnceForTheTheme() throws {
        let dir = TempDir()
        let p = try Project.create(at: dir.path("p.sqlite"))
        try p.importText("Moderator: Hello.\nRuth: One turn about two things.\nDan: Another.\n", group: "G", in: dir, moderators: ["Moderator"])
        try FixtureData.insert(codebook: [.init(name: "T", colour: "#112233", subthemes: ["A", "B"])], into: p)
        try FixtureData.insert(coder: "c", codings: ["G-0002": ["T/A", "T/B"], "G-0003": []], into: p)
        let report = try p.themeReport(ReportOptions())
        XCTAssertEqual(report.rows.map { "\($0.code.path) \($0.total!.excerpts) \($0.total!.participants)" }, ["T 1 1", "T/A 1 1", "T/B 1 1"])
        XCTAssertEqual(report.total?.excerpts, 2)
        // The same with the theme applied too: still one.
        try p.write { db in try db.execute(sql: "INSERT INTO codings(excerpt_id, code_id, coder_id, created_at) VALUES (2, 1, 1, 'x')") }
        XCTAssertEqual(try p.themeReport(ReportOptions()).rows[0].total?.excerpts, 1)
        // The only coder is used without being named, and the caption says so.
        XCTAssertEqual(report.selection.defaulted, true)
        XCTAssertEqual(report.rules[0], "Coding: c's codings (the project's only coder); it was used because no --coder, --consensus or --union was given.")
    }

    func testSelectionMustBeExplicitWithSeveralCoders() throws {
        XCTAssertThrowsError(try project.themeReport(ReportOptions())) { error in
            XCTAssertEqual(error as? ReportError, .selectionNeeded(coders: ["coder_a", "coder_b", "consensus"]))
            XCTAssertEqual((error as? ReportError)?.category, .usage)
            XCTAssertEqual((error as? ReportError)?.errorDescription, "this project has 3 coders (coder_a, coder_b, consensus); say which "
                + "coding to count with --coder NAME, --consensus or --union.")
        }
        XCTAssertThrowsError(try project.themeReport(ReportOptions(selection: .coder("coder_c")))) {
            XCTAssertEqual($0 as? ReportError, .unknownCoder("coder_c", coders: ["coder_a", "coder_b", "consensus"]))
        }
        XCTAssertThrowsError(try project.themeReport(ReportOptions(selection: .coder("coder_a"), level: 0))) {
            XCTAssertEqual($0 as? ReportError, .invalidLevel(0))
        }
        // --coder consensus is the same as --consensus.
        XCTAssertEqual(Self.compact(try project.themeReport(ReportOptions(selection: .coder("consensus")))), Self.consensus)
    }

    func testNoConsensusAndNoCodings() throws {
        let dir = TempDir()
        let p = try FixtureData.importTranscripts(into: dir.path("p.sqlite"))
        XCTAssertThrowsError(try p.themeReport(ReportOptions(selection: .union))) { XCTAssertEqual($0 as? ReportError, .noCodebook) }
        try FixtureData.insertCodebook(into: p)
        XCTAssertThrowsError(try p.themeReport(ReportOptions())) { XCTAssertEqual($0 as? ReportError, .noCodings) }
        try FixtureData.insert(coder: "coder_a", codings: try FixtureData.codings("coder_a.csv"), into: p)
        XCTAssertThrowsError(try p.themeReport(ReportOptions(selection: .consensus))) {
            XCTAssertEqual($0 as? ReportError, .noConsensus(coders: ["coder_a"]))
        }
        XCTAssertEqual(Self.compact(try p.themeReport(ReportOptions())), Self.coderA)
        XCTAssertEqual(Self.compact(try p.themeReport(ReportOptions(selection: .union))), Self.coderA)
    }

    func testBreakdownByParticipantAttributeAndCoder() throws {
        let a = ReportOptions(selection: .coder("coder_a"), level: 1)
        let byParticipant = try project.themeReport(a, by: .participant)
        XCTAssertEqual(byParticipant.columns.map { "\($0.key) \($0.excerpts) \($0.participants)" },
                       ["P01 14 1", "P02 14 1", "P03 14 1", "P04 14 1", "P05 12 1", "P06 13 1", "P07 27 1", "P08 24 1"])
        XCTAssertEqual(byParticipant.rows.map { row in "\(row.code.name): " + row.cells.map { String($0.excerpts) }.joined(separator: " ") }, [
            "Offender profiles: 2 2 4 2 2 1 5 3",
            "Offenders' IT skills: 2 2 1 2 0 2 3 3",
            "Justification for offending: 2 1 2 2 3 1 4 2",
            "Changes in the nature of offending: 3 3 2 2 1 3 2 5",
            "Impact of Covid-19: 2 1 3 2 3 1 4 3",
            "Role of policing: 4 4 3 6 2 3 6 8",
        ])
        XCTAssertEqual(byParticipant.rows[1].cells.map(\.participants), [1, 1, 1, 1, 0, 1, 1, 1])

        let byGender = try project.themeReport(a, by: .attribute("gender"))
        XCTAssertEqual(byGender.columns.map { "\($0.key) \($0.excerpts) \($0.participants)" }, ["female 40 3", "male 92 5"])
        XCTAssertEqual(byGender.rows.map { row in row.cells.map { "\($0.excerpts) \($0.participants)" }.joined(separator: " | ") }, [
            "8 3 | 13 5", "3 2 | 12 5", "7 3 | 10 5", "6 3 | 15 5", "8 3 | 11 5", "9 3 | 27 5",
        ])
        XCTAssertEqual(byGender.rows.map { $0.total!.excerpts }, [21, 15, 17, 21, 19, 36])
        XCTAssertThrowsError(try project.themeReport(a, by: .attribute("shoe_size"))) {
            XCTAssertEqual($0 as? ReportError, .unknownAttribute("shoe_size", known: ["gender", "role", "years_of_service"]))
        }

        // By coder, each column equals that coder's own "all" column, and there is no total.
        let byCoder = try project.themeReport(ReportOptions(), by: .coder)
        XCTAssertEqual(byCoder.columns.map(\.key), ["coder_a", "coder_b", "consensus"])
        XCTAssertNil(byCoder.total)
        for (i, coder) in ["coder_a", "coder_b", "consensus"].enumerated() {
            let single = try project.themeReport(ReportOptions(selection: .coder(coder)))
            XCTAssertEqual(byCoder.rows.map { $0.cells[i] }, single.rows.map { $0.total! }, coder)
        }
    }

    func testLevelAndFrequencyOrder() throws {
        let report = try project.themeReport(ReportOptions(selection: .coder("coder_a"), level: 1, sort: .frequency))
        XCTAssertEqual(report.rows.map { "\($0.code.name) \($0.total!.excerpts)" }, [
            "Role of policing 36", "Offender profiles 21", "Changes in the nature of offending 21", "Impact of Covid-19 19",
            "Justification for offending 17", "Offenders' IT skills 15",
        ])
        let full = try project.themeReport(ReportOptions(selection: .coder("coder_a"), sort: .frequency))
        // Subthemes follow their theme, most frequent first (ties in codebook order).
        XCTAssertEqual(full.rows.prefix(4).map(\.code.path), [
            "Role of policing", "Role of policing/Scale and workload", "Role of policing/Officer welfare", "Role of policing/Training needs",
        ])
    }

    func testCooccurrenceOfThemes() throws {
        let report = try project.cooccurrenceReport(ReportOptions(selection: .coder("coder_a"), level: 1))
        XCTAssertEqual(report.counts.map { $0.map { String($0!) }.joined(separator: " ") }, [
            "21 0 1 1 0 3",
            "0 15 0 2 0 0",
            "1 0 17 0 0 0",
            "1 2 0 21 0 1",
            "0 0 0 0 19 4",
            "3 0 0 1 4 36",
        ])
        XCTAssertEqual(report.pairs.first, CooccurrencePair(first: "Impact of Covid-19", second: "Role of policing", excerpts: 4))
        // With every level, a theme against its own subtheme is left empty under roll-up.
        let all = try project.cooccurrenceReport(ReportOptions(selection: .coder("coder_a")))
        let theme = all.codes.firstIndex { $0.path == "Offenders' IT skills" }!
        let sub = all.codes.firstIndex { $0.path == "Offenders' IT skills/Concealment" }!
        let learning = all.codes.firstIndex { $0.path == "Offenders' IT skills/Learning from earlier mistakes" }!
        XCTAssertNil(all.counts[theme][sub])
        // FG1-0030, FG2-0019 and FG2-0023 have both subthemes.
        XCTAssertEqual(all.counts[sub][learning], 3)
    }

    func testPresenceMatrix() throws {
        let matrix = try project.codeMatrix(ReportOptions(selection: .coder("coder_a"), level: 1), dimension: .participant, presence: true)
        XCTAssertEqual(matrix.values[1], [1, 1, 1, 1, 0, 1, 1, 1])
        XCTAssertEqual(matrix.columns.map(\.key), ["P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08"])
        let counts = try project.codeMatrix(ReportOptions(selection: .coder("coder_a"), level: 1), dimension: .group, presence: false)
        XCTAssertEqual(counts.values.map { $0.map(String.init).joined(separator: " ") }, ["13 8", "9 6", "11 6", "14 7", "12 7", "22 14"])
    }

    func testQuotesFollowTheDocumentedRule() throws {
        let report = try project.quotesReport(ReportOptions(selection: .coder("coder_a")), code: "Impact of Covid-19", limit: 5)
        // 19 candidates; 15 are coded only within the theme. Longest first: FG2-0045 (43 words), FG1-0064 (39),
        // FG1-0066 (36), then FG1-0067 and FG1-0073 (35 each, in transcript order).
        XCTAssertEqual(report.lists.count, 1)
        XCTAssertEqual(report.lists[0].available, 19)
        XCTAssertEqual(report.lists[0].quotes.map { "\($0.excerpt) \($0.participant!) \($0.group) \($0.words)" },
                       ["FG2-0045 P07 FG2 43", "FG1-0064 P03 FG1 39", "FG1-0066 P03 FG1 36", "FG1-0067 P05 FG1 35", "FG1-0073 P05 FG1 35"])
        // Excerpts that also carry a code from another branch come last.
        let all = try project.quotesReport(ReportOptions(selection: .coder("coder_a")), code: "Impact of Covid-19", limit: 19)
        XCTAssertEqual(all.lists[0].quotes.suffix(4).map(\.excerpt), ["FG1-0074", "FG1-0063", "FG1-0075", "FG2-0048"])
        XCTAssertEqual(all.lists[0].quotes.last?.otherCodes, ["Role of policing/Scale and workload"])
        // A name two codes share must be given as a path.
        XCTAssertThrowsError(try project.quotesReport(ReportOptions(selection: .coder("coder_a")), code: "Isolation")) {
            XCTAssertEqual($0 as? ReportError, .ambiguousCode("Isolation", paths: ["Offender profiles/Isolation", "Impact of Covid-19/Isolation"]))
        }
        let path = try project.quotesReport(ReportOptions(selection: .coder("coder_a")), code: "impact of covid-19/isolation", limit: 2)
        XCTAssertEqual(path.lists[0].code.path, "Impact of Covid-19/Isolation")
        XCTAssertEqual(path.lists[0].available, 3)
        XCTAssertThrowsError(try project.quotesReport(ReportOptions(selection: .coder("coder_a")), code: "Nope")) {
            XCTAssertEqual($0 as? ReportError, .unknownCode("Nope"))
        }
    }

    /// Large candidate sets read lengths in one scan instead of a look-up each: the quotes must not change.
    func testQuotesAreTheSameWhetherLengthsAreLookedUpOrScanned() throws {
        let options = ReportOptions(selection: .union)
        let lookedUp = try project.quotesReport(options, limit: 4)
        let scanned = try project.read { db -> QuotesReport in
            let data = try ReportData.load(db)
            let (coders, summary) = try data.resolve(options.selection)
            return try Project.quotes(db, data: data, options: options, selection: summary, coders: coders,
                                      targets: data.tree.children(of: -1), limit: 4, scanAbove: 0)
        }
        XCTAssertEqual(scanned, lookedUp)
        XCTAssertEqual(lookedUp.lists.map { $0.quotes.count }, [4, 4, 4, 4, 4, 4])
    }
}

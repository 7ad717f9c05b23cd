import Foundation
import GRDB
import XCTest
@testable import FocusCodeKit

/// The machine coder: the classifier alone on a planted-theme corpus, then train / evaluate / apply on a project.
final class SuggestTests: XCTestCase {
    func testClassifierBeatsTheMajorityBaselineOnPlantedThemes() throws {
        let corpus = PlantedCorpus(turns: 1200, themes: 4, seed: 11)
        let extractor = FeatureExtractor(lists: try WordLists.english())
        let terms = corpus.texts.map(extractor.terms)
        let train = 0..<900, test = 900..<1200
        let model = TextClassifier.train(terms: Array(terms[train]), codes: corpus.themes, labels: corpus.labels.map { Array($0[train]) },
                                         parameters: ClassifierParameters(seed: 3))
        let index = model.featureIndex()
        var records: [AgreementCodingRecord] = []
        for (k, theme) in corpus.themes.enumerated() {
            var correct = 0, positives = 0
            for i in test {
                let p = model.probabilities(terms[i], index: index)[k]
                if (p >= 0.5) == corpus.labels[k][i] { correct += 1 }
                if corpus.labels[k][i] { positives += 1 }
                records.append(AgreementCodingRecord(unit: "u\(i)-\(k)", coder: "truth", code: corpus.labels[k][i] ? theme : nil))
                records.append(AgreementCodingRecord(unit: "u\(i)-\(k)", coder: "machine", code: p >= 0.5 ? theme : nil))
            }
            let baseline = Double(max(positives, test.count - positives)) / Double(test.count)
            XCTAssertGreaterThan(Double(correct) / Double(test.count), baseline + 0.05, "\(theme) must beat always answering the majority")
        }
        let report = try AgreementAnalysis.report(records: records, coders: ["truth", "machine"], codes: corpus.themes)
        for theme in corpus.themes {
            let kappa = report.variables.first { $0.variable == "code:\(theme)" }?.result(.cohenKappaPair, pair: "truth|machine")?.value
            XCTAssertGreaterThan(kappa ?? -1, 0.6, theme)
        }
    }

    func testSameSeedSameModel() throws {
        let corpus = PlantedCorpus(turns: 300, themes: 3, seed: 5)
        let extractor = FeatureExtractor(lists: try WordLists.english())
        let terms = corpus.texts.map(extractor.terms)
        func train(_ seed: UInt64) -> TextClassifier {
            TextClassifier.train(terms: terms, codes: corpus.themes, labels: corpus.labels, parameters: ClassifierParameters(seed: seed))
        }
        XCTAssertEqual(train(7), train(7))
        XCTAssertNotEqual(train(7).weights, train(8).weights)
    }

    func testDecideKeepsTheDeepestCodeAndOneChildOfAnExclusiveBranch() throws {
        let dir = TempDir()
        let project = try Project.create(at: dir.path("d.sqlite"))
        try project.addCode(path: "A")
        try project.addCode(path: "A/x")
        try project.addCode(path: "B", definition: CodeDefinitionChanges(exclusive: true))
        try project.addCode(path: "B/y")
        try project.addCode(path: "B/z")
        let tree = try project.codebook()
        let codes = ["A", "A/x", "B", "B/y", "B/z"]
        let decided = Project.decide([0.9, 0.6, 0.8, 0.7, 0.75], codes: codes, minConfidence: 0.5, tree: tree)
        XCTAssertEqual(decided.map(\.code), ["A/x", "B/z"])
        XCTAssertEqual(Project.rolledUp(decided.map(\.code), codes: codes, tree: tree), [0, 1, 2, 4])
        XCTAssertEqual(Project.decide([0.9, 0.4, 0.2, 0.1, 0.1], codes: codes, minConfidence: 0.5, tree: tree).map(\.code), ["A"])
    }

    /// A project of 240 planted turns in two groups, coded by coder_a exactly as planted.
    func plantedProject(in dir: TempDir) throws -> (Project, PlantedCorpus) {
        let corpus = PlantedCorpus(turns: 240, themes: 3, prevalence: 0.25, seed: 21)
        let project = try Project.create(at: dir.path("p.sqlite"))
        for (g, range) in [("G1", 0..<120), ("G2", 120..<240)] {
            try project.importText(range.map { "P0\($0 % 4 + 1): \(corpus.texts[$0])" }.joined(separator: "\n"), name: "\(g).txt", group: g, in: dir)
        }
        for theme in corpus.themes { try project.addCode(path: theme) }
        let refs = try project.excerpts().map(\.ref)
        for (i, ref) in refs.enumerated() {
            let applied = corpus.themes.indices.filter { corpus.labels[$0][i] }
            if applied.isEmpty { try project.markReviewedNone(ref, coder: "coder_a") }
            for k in applied { try project.applyCode(corpus.themes[k], to: ref, coder: "coder_a") }
        }
        return (project, corpus)
    }

    func testTrainEvaluateApplyOnAProject() throws {
        let dir = TempDir()
        let (project, corpus) = try plantedProject(in: dir)
        let summary = try project.trainSuggestionModel(coder: "coder_a", groups: ["G1"])
        XCTAssertEqual(summary.turns, 120)
        XCTAssertEqual(summary.learned.map(\.code), corpus.themes)
        XCTAssertEqual(summary.learned.map(\.examples), corpus.labels.map { $0[0..<120].filter { $0 }.count })

        let evaluation = try project.evaluateSuggestions(coder: "coder_a", folds: 4, bootstrap: 200)
        XCTAssertEqual(evaluation.turns, 240)
        for code in evaluation.codes {
            XCTAssertGreaterThan(code.accuracy, code.majorityBaseline, code.code)
            XCTAssertGreaterThan(code.kappa?.value ?? -1, 0.5, code.code)
            XCTAssertNotNil(code.kappa?.ci?.lower)
            XCTAssertEqual(code.examples, corpus.labels[corpus.themes.firstIndex(of: code.code)!].filter { $0 }.count)
        }
        // The same seed gives the same evaluation.
        let again = try project.evaluateSuggestions(coder: "coder_a", folds: 4, bootstrap: 200)
        XCTAssertEqual(again.codes, evaluation.codes)

        let applied = try project.applySuggestions(as: "machine", groups: ["G2"], minConfidence: 0.6)
        XCTAssertEqual(applied.turns, 120)
        let stored = try project.codings(CodingFilter(coder: "machine"))
        XCTAssertEqual(stored.filter { $0.code != nil }.count, applied.suggestions)
        XCTAssertEqual(stored.count(where: { $0.group != "G2" }), 0)
        XCTAssertEqual(Set(stored.map(\.excerpt)).count, 120, "every turn looked at is reviewed by the machine")
        let confidences = try project.read { db in try Double.fetchAll(db, sql: "SELECT confidence FROM suggestion") }
        XCTAssertEqual(confidences.count, applied.suggestions)
        XCTAssertTrue(confidences.allSatisfy { $0 >= 0.6 && $0 <= 1 })
        let audit = try project.read { db in try String.fetchAll(db, sql: "SELECT detail FROM audit_log WHERE action LIKE 'suggest.%' ORDER BY id") }
        XCTAssertEqual(audit.count, 2)
        XCTAssertTrue(audit[1].contains("training_coder=coder_a") && audit[1].contains("seed=1"), audit[1])
        let memo = try project.read { db in try String.fetchOne(db, sql: "SELECT text FROM memos WHERE target_kind = 'project'") } ?? ""
        XCTAssertTrue(memo.contains("logistic regression") && memo.contains("'coder_a'"), memo)

        // Again: the pending suggestions are replaced, not doubled.
        let second = try project.applySuggestions(as: "machine", groups: ["G2"], minConfidence: 0.6)
        XCTAssertEqual(second.suggestions, applied.suggestions)
        XCTAssertEqual(try project.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM suggestion") }, applied.suggestions)

        // The machine is one more coder for agreement.
        let data = try project.agreementData(AgreementScope(coders: ["coder_a", "machine"], groups: ["G2"]))
        let kappa = try data.report().variables[0].result(.cohenKappaPair, pair: "coder_a|machine")?.value
        XCTAssertGreaterThan(kappa ?? -1, 0.5)
    }

    func testBadInput() throws {
        let dir = TempDir()
        let (project, _) = try plantedProject(in: dir)
        XCTAssertThrowsError(try project.trainSuggestionModel(coder: "nobody")) { XCTAssertEqual(($0 as? CategorisedError)?.category, .badData) }
        try project.markReviewedNone("G1-0001", coder: "bob")
        XCTAssertThrowsError(try project.trainSuggestionModel(coder: "bob")) {
            XCTAssertTrue(($0 as? TextAnalysisError)?.errorDescription?.contains("no code has at least 5 examples") ?? false, "\($0)")
        }
        XCTAssertThrowsError(try project.applySuggestions()) { XCTAssertEqual($0 as? TextAnalysisError, .noModel(name: "(any)")) }
        try project.trainSuggestionModel(coder: "coder_a")
        XCTAssertThrowsError(try project.applySuggestions(groups: ["G9"])) { XCTAssertEqual($0 as? ProjectError, .unknownGroup("G9")) }
        XCTAssertThrowsError(try project.applySuggestions(as: "coder_a")) { XCTAssertEqual(($0 as? CategorisedError)?.category, .usage) }
        try project.applyCode("Theme 1", to: "G1-0001", coder: "carol")
        XCTAssertThrowsError(try project.applySuggestions(as: "carol")) { XCTAssertEqual($0 as? TextAnalysisError, .reservedMachineCoder("carol")) }
        XCTAssertThrowsError(try project.evaluateSuggestions(coder: "coder_a", folds: 1)) { XCTAssertEqual(($0 as? CategorisedError)?.category, .usage) }
    }

    func testReviewAcceptRejectSkip() throws {
        let dir = TempDir()
        let (project, _) = try plantedProject(in: dir)
        try project.trainSuggestionModel(coder: "coder_a", groups: ["G1"])
        try project.applySuggestions(as: "machine", groups: ["G2"])
        let session = try SuggestionReviewSession(project: project, reviewer: "alice", suggester: "machine", group: "G2")
        let total = session.queue.count
        XCTAssertGreaterThan(total, 3)
        let first = session.current!, second = session.queue[1], third = session.queue[2]
        try session.accept()
        try session.reject()
        session.skip()
        XCTAssertEqual(try project.codings(CodingFilter(coder: "alice")).map { "\($0.excerpt) \($0.code ?? "-")" }.sorted(),
                       (["\(first.excerpt) \(first.code)"] + (second.excerpt == first.excerpt ? [] : ["\(second.excerpt) -"])).sorted())
        if second.excerpt != first.excerpt {
            XCTAssertEqual(try project.reviewState(second.excerpt, coder: "alice"), .reviewedNone)
        }
        let statuses = try project.read { db in
            try String.fetchAll(db, sql: "SELECT status || ':' || ifnull(reviewed_by, '') FROM suggestion WHERE status <> 'pending' ORDER BY status")
        }
        XCTAssertEqual(statuses, ["accepted:alice", "rejected:alice"])
        // The machine's own codings stay; a new session shows only what is still pending (the skipped one first).
        XCTAssertEqual(try project.codings(CodingFilter(coder: "machine")).filter { $0.code != nil }.count, total)
        let again = try SuggestionReviewSession(project: project, reviewer: "alice", suggester: "machine", group: "G2")
        XCTAssertEqual(again.queue.count, total - 2)
        XCTAssertEqual(again.current, third)
        XCTAssertThrowsError(try SuggestionReviewSession(project: project, reviewer: "machine", suggester: "machine"))
        XCTAssertThrowsError(try SuggestionReviewSession(project: project, reviewer: "alice", suggester: "nobody")) {
            XCTAssertEqual(($0 as? CategorisedError)?.category, .badData)
        }
    }
}

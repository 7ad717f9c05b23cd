// focuscode-bench suggest [--turns 100000] [--themes 6] [--seed 1]
//
// The machine coder on a planted-theme corpus: feature extraction, training (one-vs-rest logistic regression, SGD),
// and applying (probabilities for every turn), in process, each timed with the wall clock and the process CPU clock.
// Held-out quality on the last fifth of the corpus is printed too (F1 and Cohen's κ per theme, through the agreement
// engine), so that speed is never bought with accuracy unnoticed.
import FocusCodeKit
import Foundation

func benchSuggest() throws {
    let turns = Int(option("--turns", "100000"))!
    let themeCount = Int(option("--themes", "6"))!
    let seed = UInt64(option("--seed", "1"))!
    func cpu() -> Double {
        var usage = rusage()
        getrusage(0, &usage)  // RUSAGE_SELF
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
    func timed<T>(_ body: () throws -> T) rethrows -> (T, Double, Double) {
        let start = Date(), c0 = cpu()
        let value = try body()
        return (value, Date().timeIntervalSince(start), cpu() - c0)
    }
    let corpus = PlantedCorpus(turns: turns, themes: themeCount, seed: seed)
    let extractor = FeatureExtractor(lists: try WordLists.english())
    let cut = turns * 4 / 5

    // Training as `suggest train` does it: features of every training turn, then the model.
    let ((model, _), trainWall, trainCPU) = timed { () -> (TextClassifier, Int) in
        let terms = corpus.texts[0..<cut].map(extractor.terms)
        let m = TextClassifier.train(terms: terms, codes: corpus.themes, labels: corpus.labels.map { Array($0[0..<cut]) },
                                     parameters: ClassifierParameters(seed: seed))
        return (m, terms.count)
    }
    // Applying as `suggest apply` does it (without the database writes): features and probabilities of every turn.
    let (probabilities, applyWall, applyCPU) = timed { () -> [[Double]] in
        let index = model.featureIndex()
        return corpus.texts.map { model.probabilities(extractor.terms($0), index: index) }
    }
    print("suggest: \(turns) planted turns, \(themeCount) themes, trained on \(cut), \(model.vocabulary.count) features")
    print(String(format: "  train (%d turns): %.2f s wall, %.2f s CPU   (target < 10 s)", cut, trainWall, trainCPU))
    print(String(format: "  apply (%d turns): %.2f s wall, %.2f s CPU   (target < 5 s)", turns, applyWall, applyCPU))

    var records: [AgreementCodingRecord] = []
    for (k, theme) in corpus.themes.enumerated() {
        var tp = 0, fp = 0, fn = 0
        for i in cut..<turns {
            let suggested = probabilities[i][k] >= 0.5, truth = corpus.labels[k][i]
            if suggested && truth { tp += 1 } else if suggested { fp += 1 } else if truth { fn += 1 }
            records.append(AgreementCodingRecord(unit: "\(i)", coder: "planted", code: truth ? theme : nil))
            records.append(AgreementCodingRecord(unit: "\(i)", coder: "machine", code: suggested ? theme : nil))
        }
        print(String(format: "  %@: held-out F1 %.3f", theme, 2 * Double(tp) / Double(max(1, 2 * tp + fp + fn))))
    }
    let report = try AgreementAnalysis.report(records: records, coders: ["planted", "machine"], codes: corpus.themes)
    for variable in report.variables {
        if let kappa = variable.result(.cohenKappaPair, pair: "planted|machine")?.value {
            print(String(format: "  %@: held-out Cohen's κ %.3f", variable.variable, kappa))
        }
    }
}

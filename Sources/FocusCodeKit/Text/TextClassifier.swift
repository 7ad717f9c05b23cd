import Foundation

/// The settings of the machine coder, stored with each model so a methods section can cite them.
public struct ClassifierParameters: Sendable, Equatable, Codable {
    /// Passes of stochastic gradient descent over the training turns.
    public var epochs: Int
    /// Initial step size; step t of epoch e is `learningRate / (1 + e)`.
    public var learningRate: Double
    /// L2 penalty on the weights.
    public var l2: Double
    /// Features must occur in at least this many training turns.
    public var minFeatureTurns: Int
    /// Codes with fewer applied examples than this are not learned.
    public var minExamples: Int
    /// Seeds the order in which turns are visited (and the fold split of `evaluate`).
    public var seed: UInt64

    public init(epochs: Int = 20, learningRate: Double = 2.0, l2: Double = 1e-4, minFeatureTurns: Int = 2, minExamples: Int = 5,
                seed: UInt64 = 1) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.l2 = l2
        self.minFeatureTurns = minFeatureTurns
        self.minExamples = minExamples
        self.seed = seed
    }

    /// One line for the audit log and the memo (no transcript text).
    public var summary: String {
        "epochs=\(epochs) learning_rate=\(learningRate) l2=\(l2) min_feature_turns=\(minFeatureTurns) min_examples=\(minExamples) seed=\(seed)"
    }
}

/// Turn text as sparse features: words and pairs of adjacent words (stop words and fillers out), present or not,
/// scaled to unit length.
public struct FeatureExtractor: Sendable {
    let lists: WordLists

    public init(lists: WordLists) { self.lists = lists }

    /// The distinct word and bigram terms of a text.
    public func terms(_ text: String) -> [String] {
        let tokens = WordTokenizer.tokens(text)
        var seen = Set<String>()
        var out: [String] = []
        for term in lists.terms(tokens, ngram: 1) + lists.terms(tokens, ngram: 2) where seen.insert(term).inserted { out.append(term) }
        return out
    }
}

/// One-vs-rest logistic regression over sparse binary features, trained by seeded stochastic gradient descent.
///
/// One binary classifier per code: P(code applies | turn) = σ(b + Σ w·x) with x the turn's features scaled to unit
/// length. Deterministic: the same turns, labels and parameters give the same weights bit for bit.
public struct TextClassifier: Sendable, Equatable, Codable {
    public static let algorithm = "one-vs-rest logistic regression (SGD, L2) over word and bigram presence features"

    /// The codes learned, in codebook order.
    public var codes: [String]
    /// The feature vocabulary; a feature's index is its position.
    public var vocabulary: [String]
    /// Weights, code-major: `weights[k * vocabulary.count + f]`.
    public var weights: [Float]
    public var bias: [Float]
    public var parameters: ClassifierParameters
    /// Turns the model learned from.
    public var trainingTurns: Int
    /// Turns each code was applied to in training.
    public var examples: [Int]

    /// Trains on feature terms per turn and, per code, which turns it applies to (`labels[k][i]`).
    public static func train(terms: [[String]], codes: [String], labels: [[Bool]], parameters: ClassifierParameters) -> TextClassifier {
        precondition(labels.count == codes.count && labels.allSatisfy { $0.count == terms.count })
        // Vocabulary: terms in at least minFeatureTurns turns, sorted so that it does not depend on hashing.
        var turnsOfTerm: [String: Int] = [:]
        for list in terms { for term in list { turnsOfTerm[term, default: 0] += 1 } }
        let vocabulary = turnsOfTerm.filter { $0.value >= parameters.minFeatureTurns }.keys.sorted()
        var index: [String: Int32] = [:]
        index.reserveCapacity(vocabulary.count)
        for (i, term) in vocabulary.enumerated() { index[term] = Int32(i) }
        let features = terms.map { list in list.compactMap { index[$0] }.sorted() }

        let v = vocabulary.count, k = codes.count, n = terms.count
        var weights = [Float](repeating: 0, count: v * k)
        // Start each bias at the code's log-odds, so that rare codes begin rare.
        var bias: [Float] = labels.map { column in
            let positive = Double(column.filter { $0 }.count)
            let p = min(max(positive / Double(max(n, 1)), 1e-4), 1 - 1e-4)
            return Float(log(p / (1 - p)))
        }
        var order = Array(0..<n)
        var random = AgreementSplitMix64(seed: parameters.seed)
        let l2 = Float(parameters.l2)
        weights.withUnsafeMutableBufferPointer { w in
            for epoch in 0..<parameters.epochs {
                // Fisher–Yates with the seeded generator.
                if n > 1 {
                    for i in stride(from: n - 1, to: 0, by: -1) {
                        let j = Int(random.next() % UInt64(i + 1))
                        order.swapAt(i, j)
                    }
                }
                let rate = Float(parameters.learningRate / (1 + Double(epoch)))
                for i in order {
                    let f = features[i]
                    if f.isEmpty { continue }
                    let x = 1 / Float(f.count).squareRoot()
                    for c in 0..<k {
                        let base = c * v
                        var z = bias[c]
                        for j in f { z += w[base + Int(j)] * x }
                        let p = 1 / (1 + exp(-z))
                        let g = p - (labels[c][i] ? 1 : 0)
                        bias[c] -= rate * g
                        let step = rate * g * x
                        for j in f {
                            let at = base + Int(j)
                            w[at] -= step + rate * l2 * w[at]
                        }
                    }
                }
            }
        }
        return TextClassifier(codes: codes, vocabulary: vocabulary, weights: weights, bias: bias, parameters: parameters,
                              trainingTurns: n, examples: labels.map { $0.filter { $0 }.count })
    }

    /// A lookup from term to feature index, built once per use.
    public func featureIndex() -> [String: Int32] {
        var index: [String: Int32] = [:]
        index.reserveCapacity(vocabulary.count)
        for (i, term) in vocabulary.enumerated() { index[term] = Int32(i) }
        return index
    }

    /// P(code applies) for each code, for one turn's feature terms.
    public func probabilities(_ terms: [String], index: [String: Int32]) -> [Double] {
        let f = terms.compactMap { index[$0] }
        let v = vocabulary.count
        let x = f.isEmpty ? 0 : 1 / Float(f.count).squareRoot()
        return codes.indices.map { c in
            var z = bias[c]
            for j in f { z += weights[c * v + Int(j)] * x }
            return Double(1 / (1 + exp(-z)))
        }
    }
}

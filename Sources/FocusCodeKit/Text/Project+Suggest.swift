import Foundation
import GRDB

/// A named coder's reviewed turns as training data: texts and, per code variable, whether the coder applied it
/// (rolled up: a theme counts as applied when any of its subthemes is, as in agreement).
public struct SuggestionTrainingSet: Sendable {
    public var coder: String
    public var refs: [String]
    public var texts: [String]
    /// The code variables (paths) in codebook order, retired codes left out.
    public var codes: [String]
    /// `labels[k][i]`: code k applied to turn i.
    public var labels: [[Bool]]
    public var level: Int?
}

/// What `suggest train` learned.
public struct SuggestionTrainingSummary: Sendable, Equatable {
    public var model: String
    public var coder: String
    public var turns: Int
    /// Codes learned, with their examples (turns the coder applied them to).
    public var learned: [CodeExamples]
    /// Codes with too few examples to learn.
    public var skipped: [CodeExamples]
    public var features: Int
    public var parameters: ClassifierParameters
}

/// A code and how many training turns it was applied to.
public struct CodeExamples: Sendable, Equatable, Codable {
    public var code: String
    public var examples: Int
}

/// Held-out results for one code.
public struct CodeEvaluation: Sendable, Equatable {
    public var code: String
    /// Turns the human applied the code to.
    public var examples: Int
    /// Turns the machine applied it to, held out.
    public var suggested: Int
    public var truePositives: Int
    /// nil when the machine suggested it nowhere.
    public var precision: Double?
    /// nil when the human applied it nowhere.
    public var recall: Double?
    public var accuracy: Double
    /// Accuracy of always giving the more frequent answer (applied or not) for this code.
    public var majorityBaseline: Double
    public var kappa: AgreementCoefficientResult?
    public var alpha: AgreementCoefficientResult?
    public var ac1: AgreementCoefficientResult?
}

/// What `suggest evaluate` measured: k-fold held-out agreement between the machine and the human.
public struct SuggestionEvaluation: Sendable {
    public var coder: String
    public var folds: Int
    public var turns: Int
    public var minConfidence: Double
    public var codes: [CodeEvaluation]
    public var skipped: [CodeExamples]
    /// The full agreement report (coders: the human, then `machine`), per code and pooled.
    public var agreement: AgreementReport
    public var parameters: ClassifierParameters
}

/// What `suggest apply` stored.
public struct SuggestionApplySummary: Sendable, Equatable {
    public var model: String
    public var coder: String
    public var turns: Int
    public var suggestions: Int
    public var byCode: [CodeExamples]
    public var minConfidence: Double
}

extension Project {
    /// The reviewed turns of `coder` in scope, with the coder's codes as labels.
    public func suggestionTrainingSet(coder: String, level: Int? = nil, groups: [String] = []) throws -> SuggestionTrainingSet {
        let data = try agreementData(AgreementScope(coders: [coder], groups: groups, level: level))
        let dataset = data.dataset
        let tree = try codebook()
        let keep = dataset.codes.indices.filter { k in !(tree.code(path: dataset.codes[k])?.isRetired ?? true) }
        let unitIndices = dataset.units.indices.filter { dataset.reviewed[$0] }
        guard !unitIndices.isEmpty else {
            throw TextAnalysisError.noTrainingData(coder: coder, reason: "they have reviewed no turns"
                + (groups.isEmpty ? "" : " of \(groups.joined(separator: ", "))") + "; code some turns first (focuscode code --interactive --coder \(coder))")
        }
        var applied = [[Bool]](repeating: [Bool](repeating: false, count: dataset.units.count), count: keep.count)
        for (slot, k) in keep.enumerated() { for cell in dataset.cellsByCode[k] { applied[slot][Int(cell)] = true } }
        let refs = unitIndices.map { dataset.units[$0] }
        let textOf = try read { db -> [String: String] in
            var out: [String: String] = [:]
            let cursor = try Row.fetchCursor(db, sql: "SELECT ref, text FROM excerpts")
            while let row = try cursor.next() { out[row[0]] = row[1] }
            return out
        }
        return SuggestionTrainingSet(coder: coder, refs: refs, texts: refs.map { textOf[$0] ?? "" }, codes: keep.map { dataset.codes[$0] },
                                     labels: applied.map { column in unitIndices.map { column[$0] } }, level: level)
    }

    /// Trains the machine coder on `coder`'s reviewed turns and stores it as model `name` (default: the coder's name),
    /// replacing a model of that name. One transaction; the audit log records the parameters.
    @discardableResult
    public func trainSuggestionModel(coder: String, level: Int? = nil, groups: [String] = [], name: String? = nil,
                                     parameters: ClassifierParameters = ClassifierParameters()) throws -> SuggestionTrainingSummary {
        let set = try suggestionTrainingSet(coder: coder, level: level, groups: groups)
        let (learned, skipped) = try Self.learnable(set, parameters: parameters)
        let extractor = FeatureExtractor(lists: try WordLists.english())
        let terms = set.texts.map(extractor.terms)
        let model = TextClassifier.train(terms: terms, codes: learned.map { set.codes[$0] }, labels: learned.map { set.labels[$0] },
                                         parameters: parameters)
        let modelName = name ?? coder
        try write { db in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try db.execute(sql: "DELETE FROM suggestion_model WHERE name = ?", arguments: [modelName])
            try db.execute(sql: """
                INSERT INTO suggestion_model(name, algorithm, training_coder, training_turns, level, params, codes, examples, vocabulary,
                                             weights, bias, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [modelName, TextClassifier.algorithm, coder, set.refs.count, level,
                                 String(decoding: try encoder.encode(parameters), as: UTF8.self),
                                 String(decoding: try encoder.encode(model.codes), as: UTF8.self),
                                 String(decoding: try encoder.encode(model.examples), as: UTF8.self),
                                 model.vocabulary.joined(separator: "\n"),
                                 model.weights.withUnsafeBufferPointer { Data(buffer: $0) },
                                 model.bias.withUnsafeBufferPointer { Data(buffer: $0) }, Clock.nowString()])
            try AuditLog.record(db, action: "suggest.train", objectKind: "model", objectRef: modelName,
                                detail: "training_coder=\(coder) turns=\(set.refs.count) codes=\(learned.count) skipped=\(skipped.count) "
                                    + "features=\(model.vocabulary.count) level=\(level.map(String.init) ?? "all") \(parameters.summary)")
        }
        return SuggestionTrainingSummary(
            model: modelName, coder: coder, turns: set.refs.count,
            learned: learned.map { CodeExamples(code: set.codes[$0], examples: model.examples[learned.firstIndex(of: $0)!]) },
            skipped: skipped.map { CodeExamples(code: set.codes[$0], examples: set.labels[$0].filter { $0 }.count) },
            features: model.vocabulary.count, parameters: parameters)
    }

    /// The names of the stored models, oldest first.
    public func suggestionModels() throws -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT name FROM suggestion_model ORDER BY id") }
    }

    /// K-fold held-out evaluation: each fold's turns are suggested by a model trained on the other folds, and the
    /// suggestions are compared with the human's codes through the agreement engine.
    public func evaluateSuggestions(coder: String, folds: Int = 5, level: Int? = nil, groups: [String] = [], minConfidence: Double = 0.5,
                                    parameters: ClassifierParameters = ClassifierParameters(), bootstrap: Int = 1000) throws -> SuggestionEvaluation {
        guard folds >= 2 else { throw TextAnalysisError.invalidOption("--folds must be at least 2.") }
        guard minConfidence > 0, minConfidence < 1 else { throw TextAnalysisError.invalidOption("--min-confidence must be between 0 and 1 (exclusive).") }
        let set = try suggestionTrainingSet(coder: coder, level: level, groups: groups)
        let n = set.refs.count
        guard n >= folds else {
            throw TextAnalysisError.noTrainingData(coder: coder, reason: "\(n) reviewed turns cannot be split into \(folds) folds; use --folds \(max(2, min(n, 2))) or code more turns")
        }
        let (learned, skipped) = try Self.learnable(set, parameters: parameters)
        let codes = learned.map { set.codes[$0] }
        let labels = learned.map { set.labels[$0] }
        let tree = try codebook()
        let extractor = FeatureExtractor(lists: try WordLists.english())
        let terms = set.texts.map(extractor.terms)

        // Folds: a seeded shuffle, then every k-th turn.
        var order = Array(0..<n)
        var random = AgreementSplitMix64(seed: parameters.seed ^ 0x5EED_F01D)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(random.next() % UInt64(i + 1))) }
        var foldOf = [Int](repeating: 0, count: n)
        for (position, i) in order.enumerated() { foldOf[i] = position % folds }

        var machine = [[Bool]](repeating: [Bool](repeating: false, count: n), count: codes.count)
        for fold in 0..<folds {
            let train = (0..<n).filter { foldOf[$0] != fold }
            let test = (0..<n).filter { foldOf[$0] == fold }
            let model = TextClassifier.train(terms: train.map { terms[$0] }, codes: codes, labels: labels.map { column in train.map { column[$0] } },
                                             parameters: parameters)
            let index = model.featureIndex()
            for i in test {
                let decided = Self.decide(model.probabilities(terms[i], index: index), codes: codes, minConfidence: minConfidence, tree: tree)
                for k in Self.rolledUp(decided.map(\.code), codes: codes, tree: tree) { machine[k][i] = true }
            }
        }

        // Agreement: the human and the machine as two coders over the held-out turns.
        let machineName = coder == "machine" ? "machine_heldout" : "machine"
        var records: [AgreementCodingRecord] = []
        for i in 0..<n {
            for (who, values) in [(coder, labels), (machineName, machine)] {
                let applied = codes.indices.filter { values[$0][i] }
                if applied.isEmpty { records.append(AgreementCodingRecord(unit: set.refs[i], coder: who, code: nil)) }
                for k in applied { records.append(AgreementCodingRecord(unit: set.refs[i], coder: who, code: codes[k])) }
            }
        }
        let options = AgreementOptions(bootstrapResamples: bootstrap, seed: parameters.seed)
        let report = try AgreementAnalysis.report(records: records, units: set.refs, coders: [coder, machineName], codes: codes, options: options)
        let evaluations: [CodeEvaluation] = codes.indices.map { k in
            let human = labels[k], suggested = machine[k]
            let tp = (0..<n).filter { human[$0] && suggested[$0] }.count
            let positives = human.filter { $0 }.count, predicted = suggested.filter { $0 }.count
            let correct = (0..<n).filter { human[$0] == suggested[$0] }.count
            let variable = report.variables.first { $0.variable == "code:\(codes[k])" }
            return CodeEvaluation(code: codes[k], examples: positives, suggested: predicted, truePositives: tp,
                                  precision: predicted == 0 ? nil : Double(tp) / Double(predicted),
                                  recall: positives == 0 ? nil : Double(tp) / Double(positives),
                                  accuracy: Double(correct) / Double(n),
                                  majorityBaseline: Double(max(positives, n - positives)) / Double(n),
                                  kappa: variable?.result(.cohenKappaPair, pair: "\(coder)|\(machineName)"),
                                  alpha: variable?.result(.krippendorffAlphaNominal), ac1: variable?.result(.gwetAC1))
        }
        return SuggestionEvaluation(coder: coder, folds: folds, turns: n, minConfidence: minConfidence, codes: evaluations,
                                    skipped: skipped.map { CodeExamples(code: set.codes[$0], examples: set.labels[$0].filter { $0 }.count) },
                                    agreement: report, parameters: parameters)
    }

    /// Suggests codes for the turns of `groups` (all groups if empty) with a stored model, as coder `coder`: each
    /// suggestion at or above `minConfidence` becomes a coding of that coder, with its confidence in `suggestion`;
    /// every turn looked at is marked reviewed by it. The machine's earlier pending suggestions on those turns are
    /// replaced. One transaction; the audit log and a project memo record the model, its parameters and the run.
    @discardableResult
    public func applySuggestions(model modelName: String? = nil, as coder: String = "machine", groups: [String] = [],
                                 minConfidence: Double = 0.5, includeModerator: Bool = false) throws -> SuggestionApplySummary {
        guard minConfidence > 0, minConfidence < 1 else { throw TextAnalysisError.invalidOption("--min-confidence must be between 0 and 1 (exclusive).") }
        try Self.validateCoderName(coder)
        let extractor = FeatureExtractor(lists: try WordLists.english())
        return try write { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM suggestion_model ORDER BY id")
            guard let name = modelName ?? (names.count == 1 ? names[0] : nil) else {
                if names.isEmpty { throw TextAnalysisError.noModel(name: "(any)") }
                throw TextAnalysisError.invalidOption("this project has several models (\(names.joined(separator: ", "))); choose one with --model.")
            }
            let (modelId, model, trainingCoder, createdAt) = try Self.loadModel(db, name: name)
            if trainingCoder.lowercased() == coder.lowercased() {
                throw TextAnalysisError.invalidOption("the suggestions cannot be stored as '\(coder)', the coder the model learned from; choose another --as.")
            }
            let coderId = try Self.coderId(db, coder, create: true)!
            let foreign = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM codings c WHERE c.coder_id = ?
                AND NOT EXISTS (SELECT 1 FROM suggestion s WHERE s.excerpt_id = c.excerpt_id AND s.code_id = c.code_id AND s.coder_id = c.coder_id)
                """, arguments: [coderId]) ?? 0
            if foreign > 0 { throw TextAnalysisError.reservedMachineCoder(coder) }

            var groupIds: [Int64] = []
            for group in groups {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM groups WHERE name = ?", arguments: [group]) else {
                    throw ProjectError.unknownGroup(group)
                }
                groupIds.append(id)
            }
            let tree = try CodeTree.load(db)
            let index = model.featureIndex()
            let now = Clock.nowString()
            let groupFilter = groupIds.isEmpty ? "" : " AND e.group_id IN (\(groupIds.map(String.init).joined(separator: ",")))"
            let moderatorFilter = includeModerator ? "" : " AND ifnull(p.is_moderator, 0) = 0"
            let turns = try Row.fetchAll(db, sql: """
                SELECT e.id, e.ref, e.text FROM excerpts e JOIN groups g ON g.id = e.group_id LEFT JOIN participants p ON p.id = e.participant_id
                WHERE 1\(groupFilter)\(moderatorFilter) ORDER BY g.position, e.seq
                """)
            var count: [String: Int] = [:]
            var total = 0
            for turn in turns {
                let excerptId: Int64 = turn["id"], ref: String = turn["ref"]
                // The machine's earlier pending suggestions here go; reviewed ones keep their record.
                try db.execute(sql: """
                    DELETE FROM codings WHERE excerpt_id = ? AND coder_id = ? AND code_id IN
                      (SELECT code_id FROM suggestion WHERE excerpt_id = ? AND coder_id = ? AND status = 'pending')
                    """, arguments: [excerptId, coderId, excerptId, coderId])
                try db.execute(sql: "DELETE FROM suggestion WHERE excerpt_id = ? AND coder_id = ? AND status = 'pending'", arguments: [excerptId, coderId])
                let decided = Self.decide(model.probabilities(extractor.terms(turn["text"]), index: index), codes: model.codes,
                                          minConfidence: minConfidence, tree: tree)
                for suggestion in decided {
                    guard let code = tree.code(path: suggestion.code), !code.isRetired else { continue }
                    _ = try Self.apply(db, tree: tree, code: code, excerptId: excerptId, excerpt: ref, coderId: coderId, span: nil, note: nil, replace: true)
                    try db.execute(sql: """
                        INSERT INTO suggestion(excerpt_id, code_id, coder_id, model_id, confidence, created_at) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(excerpt_id, code_id, coder_id) DO UPDATE SET model_id = excluded.model_id, confidence = excluded.confidence
                        """, arguments: [excerptId, code.rowId, coderId, modelId, suggestion.confidence, now])
                    count[suggestion.code, default: 0] += 1
                    total += 1
                }
                try db.execute(sql: "INSERT OR IGNORE INTO reviews(excerpt_id, coder_id, reviewed_at) VALUES (?, ?, ?)",
                               arguments: [excerptId, coderId, now])
            }
            let scope = groups.isEmpty ? "all groups" : groups.joined(separator: ",")
            try AuditLog.record(db, action: "suggest.apply", objectKind: "model", objectRef: name,
                                detail: "as=\(coder) training_coder=\(trainingCoder) trained_at=\(createdAt) groups=\(scope) turns=\(turns.count) "
                                    + "suggestions=\(total) min_confidence=\(minConfidence) \(model.parameters.summary)")
            let memo = """
                Machine coding: \(total) suggestions on \(turns.count) turns of \(scope), stored as coder '\(coder)' on \(now) (minimum confidence \(minConfidence)). \
                Model '\(name)': \(TextClassifier.algorithm), English stop words and fillers left out; trained on \(model.trainingTurns) turns reviewed by \
                '\(trainingCoder)' on \(createdAt), \(model.codes.count) codes, \(model.vocabulary.count) features; \(model.parameters.summary). \
                Each suggestion's confidence is in the table 'suggestion'; suggestions are accepted or rejected with 'focuscode code --interactive --review-suggestions \(coder)'.
                """
            try db.execute(sql: "INSERT INTO memos(target_kind, target_id, author, text, created_at, updated_at) VALUES ('project', NULL, ?, ?, ?, ?)",
                           arguments: [coder, memo, now, now])
            return SuggestionApplySummary(model: name, coder: coder, turns: turns.count, suggestions: total,
                                          byCode: model.codes.compactMap { c in count[c].map { CodeExamples(code: c, examples: $0) } },
                                          minConfidence: minConfidence)
        }
    }

    // MARK: - Steps

    static func loadModel(_ db: Database, name: String) throws -> (id: Int64, model: TextClassifier, trainingCoder: String, createdAt: String) {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM suggestion_model WHERE name = ?", arguments: [name]) else {
            throw TextAnalysisError.noModel(name: name)
        }
        do {
            let decoder = JSONDecoder()
            let parameters = try decoder.decode(ClassifierParameters.self, from: Data((row["params"] as String).utf8))
            let codes = try decoder.decode([String].self, from: Data((row["codes"] as String).utf8))
            let examples = try decoder.decode([Int].self, from: Data((row["examples"] as String).utf8))
            let vocabularyText: String = row["vocabulary"]
            let vocabulary = vocabularyText.isEmpty ? [] : vocabularyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            func floats(_ data: Data) -> [Float] {
                data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
            let weights = floats(row["weights"]), bias = floats(row["bias"])
            guard weights.count == vocabulary.count * codes.count, bias.count == codes.count else {
                throw TextAnalysisError.modelUnreadable(name: name, reason: "its weights do not match its codes and features")
            }
            let model = TextClassifier(codes: codes, vocabulary: vocabulary, weights: weights, bias: bias, parameters: parameters,
                                       trainingTurns: row["training_turns"], examples: examples)
            return (row["id"], model, row["training_coder"], row["created_at"])
        } catch let error as TextAnalysisError {
            throw error
        } catch {
            throw TextAnalysisError.modelUnreadable(name: name, reason: error.localizedDescription)
        }
    }

    /// Which codes of a training set have enough examples to learn; none is an error that says what to do.
    static func learnable(_ set: SuggestionTrainingSet, parameters: ClassifierParameters) throws -> (learned: [Int], skipped: [Int]) {
        let examples = set.labels.map { $0.filter { $0 }.count }
        let learned = set.codes.indices.filter { examples[$0] >= parameters.minExamples }
        let skipped = set.codes.indices.filter { examples[$0] < parameters.minExamples }
        if learned.isEmpty {
            let most = set.codes.indices.max { examples[$0] < examples[$1] }
            throw TextAnalysisError.noTrainingData(coder: set.coder, reason: "no code has at least \(parameters.minExamples) examples among their \(set.refs.count) reviewed turns"
                + (most.map { " (the most is \(set.codes[$0]) with \(examples[$0]))" } ?? "") + "; code more turns or lower --min-examples")
        }
        return (learned, skipped)
    }

    /// The codes to store for one turn: those at or above the threshold; in a mutually exclusive branch only the most
    /// confident child; a code left out when one of its subcodes is stored (roll-up implies it).
    static func decide(_ probabilities: [Double], codes: [String], minConfidence: Double, tree: CodeTree) -> [(code: String, confidence: Double)] {
        var chosen = codes.indices.filter { probabilities[$0] >= minConfidence }
        var bestOfBranch: [Int64: Int] = [:]
        for k in chosen {
            guard let code = tree.code(path: codes[k]), let parent = tree.parent(of: code), parent.exclusiveChildren else { continue }
            if let other = bestOfBranch[parent.rowId], probabilities[other] >= probabilities[k] { continue }
            bestOfBranch[parent.rowId] = k
        }
        chosen = chosen.filter { k in
            guard let code = tree.code(path: codes[k]), let parent = tree.parent(of: code), parent.exclusiveChildren else { return true }
            return bestOfBranch[parent.rowId] == k
        }
        let paths = Set(chosen.map { codes[$0] })
        return chosen.filter { k in !paths.contains { $0.hasPrefix(codes[k] + "/") } }.map { (codes[$0], probabilities[$0]) }
    }

    /// The code variables a set of stored codes counts for: each code and its ancestors (roll-up).
    static func rolledUp(_ stored: [String], codes: [String], tree: CodeTree) -> [Int] {
        var paths = Set<String>()
        for path in stored {
            var current = tree.code(path: path)
            while let code = current { paths.insert(code.path); current = tree.parent(of: code) }
        }
        return codes.indices.filter { paths.contains(codes[$0]) }
    }
}

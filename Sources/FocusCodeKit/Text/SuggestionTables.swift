import Foundation

/// The machine coder's evaluation as a table.
public enum SuggestionTables {
    public static func evaluation(_ e: SuggestionEvaluation) -> Table {
        func value(_ r: AgreementCoefficientResult?) -> Cell { r?.value.map { .double($0, digits: 3) } ?? .null }
        func ci(_ r: AgreementCoefficientResult?, _ bound: KeyPath<AgreementConfidenceInterval, Double?>) -> Cell {
            r?.ci?[keyPath: bound].map { .double($0, digits: 3) } ?? .null
        }
        let rows: [[Cell]] = e.codes.map { c in
            [.text(c.code), .int(c.examples), .int(c.suggested), c.precision.map { .double($0, digits: 3) } ?? .null,
             c.recall.map { .double($0, digits: 3) } ?? .null, .double(c.accuracy, digits: 3), .double(c.majorityBaseline, digits: 3),
             value(c.kappa), ci(c.kappa, \.lower), ci(c.kappa, \.upper), value(c.alpha), value(c.ac1)]
        }
        var notes = [
            "Held out: each of the \(e.folds) folds coded by a model trained on the others; \(e.turns) turns reviewed by \(e.coder); suggested at confidence ≥ \(e.minConfidence); seed \(e.parameters.seed).",
            "κ: Cohen's κ between \(e.coder) and the machine (95% bootstrap CI over turns); α: Krippendorff's α (nominal); AC1: Gwet's AC1; baseline: accuracy of always giving the more frequent answer.",
        ]
        for c in e.codes {
            for r in [c.kappa, c.alpha, c.ac1].compactMap({ $0 }) where r.value == nil {
                notes.append("\(c.code): \(r.coefficient.displayName) not computable (\(r.reason ?? "no variation")).")
            }
        }
        for s in e.skipped {
            notes.append("Too few examples to learn: \(s.code) (\(s.examples) turn\(s.examples == 1 ? "" : "s"), at least \(e.parameters.minExamples) needed); not suggested, not measured.")
        }
        if let pooled = e.agreement.variables.first(where: { $0.variable == "pooled" }),
           let kappa = pooled.result(.cohenKappaPair, pair: pooled.coders.joined(separator: "|"))?.value {
            notes.append(String(format: "Pooled over codes: κ = %.3f.", kappa))
        }
        return Table(columns: [Column("code", wide: true), Column("examples"), Column("suggested"), Column("precision"), Column("recall"),
                               Column("accuracy"), Column("baseline"), Column("kappa", "κ"), Column("kappa_ci_lower", "κ low"),
                               Column("kappa_ci_upper", "κ high"), Column("alpha", "α"), Column("ac1", "AC1")],
                     rows: rows, caption: "Machine coder against \(e.coder), \(e.folds)-fold held out", notes: notes)
    }
}

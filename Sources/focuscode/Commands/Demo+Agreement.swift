import FocusCodeKit
import Foundation

extension FocusCode.Demo {
    /// Agreement between coder_a and coder_b per theme, with bootstrap intervals, and their three biggest disagreements.
    ///
    /// "Biggest" = the excerpts where the two coders' decisions differ on the most codebook codes (themes rolled
    /// up and subthemes both counted), ties broken by transcript order.
    func showAgreement(_ project: Project) throws {
        Console.out("\n" + Console.bold("Inter-coder agreement: coder_a and coder_b, per theme"))
        let coders = try project.codersWithCodings()
        guard coders.contains("coder_a"), coders.contains("coder_b") else {
            Console.out("""
                No codings by coder_a and coder_b in this project yet, so there is no agreement to show.
                Once codings are loaded: focuscode agreement --level 1 --bootstrap 1000 --seed 7 --project \(project.path)
                """)
            return
        }
        let options = AgreementOptions(bootstrapResamples: 1000, seed: 7)
        let themes = try project.agreementData(AgreementScope(coders: ["coder_a", "coder_b"], level: 1))
        let report = try themes.report(options: options)
        Console.out("\(themes.dataset.units.count) participant turns (moderator turns left out); a theme counts as applied when any of its subthemes is;")
        Console.out("95% percentile bootstrap intervals from 1000 resamples over excerpts, seed 7; ⚠ = rare code, read κ and α with care.\n")
        Console.out(TerminalTableRenderer(maxWidth: Console.width).render(AgreementTables.summary(report)), terminator: "")

        let all = try project.agreementData(AgreementScope(coders: ["coder_a", "coder_b"]))
        let list = try project.agreementDisagreements(all, snippetLength: 70)
        Console.out("\nThe three biggest disagreements (excerpts where the coders differ on the most codes, themes and subthemes counted):")
        let info = try project.agreementExcerptInfo(list.map(\.unit))
        for (unit, codes) in AgreementDisagreement.largest(list, limit: 3) {
            let excerpt = info[unit]
            Console.out("  \(unit) (\(excerpt?.speaker ?? "?"), \(codes.count) codes): \(AgreementText.snippet(excerpt?.text ?? "", length: 70))")
            for d in list where d.unit == unit {
                Console.out("      \(d.code): applied by \(d.appliedBy.joined(separator: ", ")); not by \(d.notAppliedBy.joined(separator: ", "))")
            }
        }
        Console.out("\nMore: focuscode agreement --disagreements --project \(project.path)")
    }
}

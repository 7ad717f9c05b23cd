import FocusCodeKit
import Foundation

extension FocusCode.Demo {
    /// The demo's last step: the study's six-theme table by group, and the HTML report written next to the project.
    /// Until the project has a codebook and codings it says so and carries on.
    func showReports(_ project: Project) throws {
        Console.out("\n" + Console.bold("Reports: the study's theme table by group"))
        let coders = try project.coderNames()
        // The reconciled coding when there is one; else the only coder; else every coder together.
        let selection: CodingSelection? = coders.contains(consensusCoder) ? .consensus : (coders.count > 1 ? .union : nil)
        let options = ReportOptions(selection: selection)
        let report: ThemeReport
        do {
            report = try project.themeReport(options)
        } catch let error as ReportError where [.noCodebook, .noCodings].contains(error) {
            Console.out("No codings yet, so no theme table: " + (error.errorDescription ?? "") + "\n"
                + "Once excerpts are coded, 'focuscode report themes' and 'focuscode report html' show them.")
            return
        }
        Console.out(TerminalReportRenderer(maxWidth: Console.width).render(report), terminator: "")

        let folder = (project.path as NSString).deletingLastPathComponent
        let stem = ((project.path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = stem == "demo" ? "report.html" : "\(stem)-report.html"
        let output = folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
        let model = try project.htmlReport(options, subtitle: "The FocusCode demo: fictional focus groups FG1 and FG2")
        try writeReport(HTMLReportRenderer().render(model), to: output)
        Console.out("\nThe HTML report (theme table, chart, heat map, co-occurrence, quotes) is at \(output)")
    }
}

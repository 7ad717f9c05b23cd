import FocusCodeKit
import Foundation

extension FocusCode.Demo {
    /// The demo's importer: every detector, the speakers' names and the bundled name and place
    /// lists (no key file: the demo keeps no way back).
    func demoAnonymiser(_ project: Project, fixtures: URL) throws -> Anonymiser {
        let lists = fixtures.appendingPathComponent("anonymise")
        let options = AnonymisationOptions(names: try AnonymisationLists.entries(file: lists.appendingPathComponent("names.txt")),
                                           places: try AnonymisationLists.entries(file: lists.appendingPathComponent("places.txt")))
        return try Anonymiser(project: project, options: options)
    }

    /// Shows what anonymisation did: the counts per document and two turns as stored.
    func showAnonymisation(_ project: Project) throws {
        Console.out("\n" + Console.bold("Anonymisation: identifiers replaced at import"))
        let table = TerminalTableRenderer(maxWidth: Console.width)
        Console.out(table.render(AnonymisationReport.summary(try project.redactionSummary())), terminator: "")
        Console.out("\nTwo turns as stored (names and places replaced before they reached the project file):")
        for ref in ["FG1-0007", "FG2-0018"] {
            Console.out(ExcerptText.block(try project.excerpt(ref).excerpt, focus: false))
        }
        Console.out("Candidates the detectors were unsure of: focuscode anonymise review --project \(project.path)")
    }
}

import FocusCodeKit
import Foundation

extension FocusCode.Demo {
    /// The fixture codebook (six themes and their subthemes), imported into `project`.
    func importDemoCodebook(_ project: Project, fixtures: URL) throws {
        let codebook = fixtures.appendingPathComponent("codebook.yaml")
        let text = try TextDecoding.decode(try Data(contentsOf: codebook), file: "codebook.yaml").text
        let imported = try project.importCodebook(try CodebookFiles.read(text, format: .yaml, fileName: "codebook.yaml"), fileName: "codebook.yaml")
        Console.out("Imported codebook.yaml: \(imported.created) codes (six themes and their subthemes)")
    }

    /// The coding part of the demo: the fixture codebook, both coders' codings, and the tree with counts per coder.
    func codingTour(_ project: Project, fixtures: URL) throws {
        Console.out("\n" + Console.bold("6. Codebook and two coders' codings"))
        try importDemoCodebook(project, fixtures: fixtures)
        for coder in ["coder_a", "coder_b"] {
            let file = fixtures.appendingPathComponent("codings/\(coder).csv")
            let csv = try TextDecoding.decode(try Data(contentsOf: file), file: "\(coder).csv").text
            let s = try project.importCodings(csv: csv, fileName: "\(coder).csv")
            Console.out("Imported \(coder).csv: \(s.codingsAdded) codings, \(s.reviewsAdded) excerpts reviewed")
        }
        Console.out("")
        Console.out(TerminalTableRenderer(maxWidth: Console.width)
            .render(Listings.codebook(try project.codebook(), counts: try project.codebookCounts(), indented: true)), terminator: "")
    }
}

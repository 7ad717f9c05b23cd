import FocusCodeHub
import FocusCodeKit
import Foundation

/// The throw-away server of a running `demo --hub`, stopped if the demo is interrupted (Ctrl-C).
nonisolated(unsafe) private var demoServer: LocalPostgres?

/// `demo --hub` cannot run: PostgreSQL is missing, or its throw-away server would not start.
struct DemoHubError: CategorisedError {
    var reason: String
    var category: ErrorCategory { .missingInput }
    var errorDescription: String? { "demo --hub: \(reason)" }
}

extension FocusCode.Demo {
    /// The team hub on the bundled data: a throw-away PostgreSQL server, the supervisor's hub, two blind coders who
    /// clone, code offline and push, blindness shown with plain SQL as a coder's role, then unblinding and agreement.
    /// Every step calls what the `hub` commands call; the server is stopped and removed at the end.
    func hubTour(_ lead: Project, fixtures: URL) throws {
        let folder = URL(fileURLWithPath: lead.path).deletingLastPathComponent()
        let leadPassword = "demo-" + UUID().uuidString.prefix(13)
        let server: LocalPostgres
        do {
            server = try LocalPostgres.start(role: "lead", password: leadPassword)
        } catch {
            throw DemoHubError(reason: "the throw-away PostgreSQL server did not start: \(error)")
        }
        demoServer = server
        signal(SIGINT) { _ in
            demoServer?.stop()
            Foundation.exit(130)
        }
        defer {
            server.stop()
            demoServer = nil
        }
        let version = (try? server.admin("SHOW server_version"))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        try server.admin("CREATE DATABASE study OWNER lead")
        let leadAddress = try HubAddress(parsing: "postgresql://lead:\(leadPassword)@127.0.0.1:\(server.port)/study")

        section("2. A throw-away PostgreSQL server")
        Console.out("PostgreSQL \(version) on 127.0.0.1:\(server.port), data in \(server.root.path) (stopped and removed at the end).")
        Console.out("The supervisor's role is 'lead'; a university's server works the same way (Docs/teamwork.md).")

        section("3. The supervisor: codebook, hub, two coders")
        try importDemoCodebook(lead, fixtures: fixtures)
        let created = try runHub { try await Hub.initialise(lead, at: leadAddress) }
        Console.out("$ focuscode hub init \(leadAddress.url)")
        Console.out("Hub created; uploaded \(created.written) rows (anonymised transcripts, participants, codebook; never the key file).")
        var coderURLs: [(name: String, url: String)] = []
        for name in ["coder_a", "coder_b"] {
            let url = try runHub { try await Hub.addCoder(name, project: lead, address: leadAddress) }
            coderURLs.append((name, url))
            Console.out("$ focuscode hub coder add \(name)    → a database role of its own, with a password printed once")
        }

        section("4. Each coder clones, codes offline, pushes")
        var coderRoles: [String: HubAddress] = [:]
        for (name, url) in coderURLs {
            let address = try HubAddress(parsing: url)
            coderRoles[name] = address
            let file = folder.appendingPathComponent("\(name).sqlite").path
            let cloned = try runHub { try await Hub.clone(address, to: file) }
            let project = try Project.open(at: file)
            let csvFile = fixtures.appendingPathComponent("codings/\(name).csv")
            let csv = try TextDecoding.decode(try Data(contentsOf: csvFile), file: "\(name).csv").text
            let coded = try project.importCodings(csv: csv, fileName: "\(name).csv")
            let pushed = try runHub { try await Hub.push(project, address: address) }
            Console.out("\(name): cloned \(cloned.written) rows into \(name).sqlite; coded \(coded.codingsAdded) passages and reviewed "
                        + "\(coded.reviewsAdded) turns offline; hub push sent \(pushed.written) rows.")
        }

        section("5. Blind, enforced by the database")
        let status = try runHub { try await Hub.status(lead, address: leadAddress) }
        Console.out("$ focuscode hub status    (the supervisor sees counts only while coders are blind)")
        Console.out(TerminalTableRenderer(maxWidth: Console.width).render(hubStatusTable(status, address: leadAddress)), terminator: "")
        if let a = coderRoles["coder_a"], let b = coderRoles["coder_b"] {
            let query = "SELECT count(*) FROM hub.rows WHERE coder = 'coder_a'"
            Console.out("Plain psql, not focuscode, counts coder_a's passages and reviews on the server: \(query);")
            for (name, address) in [("coder_a", a), ("coder_b", b)] {
                let result = try server.psql(query, url: address.url, password: address.password)
                Console.out("  as \(name)'s role (\(address.role)): \(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))"
                            + (name == "coder_b" ? "    ← row-level security hides coder_a's passages from coder_b" : ""))
            }
        }
        let blindPull = try runHub { try await Hub.pull(lead, address: leadAddress) }
        Console.out("The supervisor's hub pull while blind: \(blindPull.written) rows; passages in lead.sqlite: "
                    + "\(try lead.passageCount()).")

        section("6. Unblind, pull, and agreement as usual")
        try runHub { try await Hub.unblind(["coder_a", "coder_b"], project: lead, address: leadAddress) }
        let pulled = try runHub { try await Hub.pull(lead, address: leadAddress) }
        Console.out("$ focuscode hub unblind --coders coder_a,coder_b && focuscode hub pull")
        Console.out("Pulled \(pulled.written) rows; passages in lead.sqlite: \(try lead.passageCount()).")
        try showAgreement(lead)

        section("Explore it yourself")
        Console.out("""
            The projects are kept in \(folder.path): lead.sqlite (the supervisor's), coder_a.sqlite, coder_b.sqlite.
            The server was throw-away and is gone; with your own PostgreSQL:
              focuscode hub init postgresql://lead@db.example.ac.uk/study --project lead.sqlite
              focuscode hub coder add alice --project lead.sqlite
              focuscode hub clone 'postgresql://…alice…' alice.sqlite
              focuscode hub push --project alice.sqlite
              focuscode hub status --project lead.sqlite
            See Docs/teamwork.md.
            """)
    }
}

import ArgumentParser
import FocusCodeKit
import FocusCodeWeb
import Foundation

extension FocusCode {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the project in a local web workbench: read transcripts and code passages in a browser.",
            discussion: """
                Serves the project at http://127.0.0.1:PORT/ and prints the address with a token made for this run; \
                open it in a browser on the same machine. Every request needs the token (the first one in the \
                address, then a cookie); changes also need the page's form token and must come from the page \
                itself. Nothing is loaded from the internet. Every change is one transaction through the same \
                library calls as 'focuscode code', so the audit log and the codebook's rules are the same.

                In the browser: groups and documents on the left, the transcript in the middle, the codebook on \
                the right. Select words and press a code's key (1–9) or click it; with no selection a code \
                applies to the whole turn. j/k move between turns, 0 marks a turn reviewed with no code, x \
                removes your last code on it, c finds a code by name, / searches. --blind shows only your own \
                coding (and turns the agreement view off).

                --host binds another address (e.g. 0.0.0.0, reachable from the network: anyone there who learns \
                the address with its token can change the project); a warning is printed. Stop with Ctrl-C.

                Examples:
                  focuscode serve --coder alice
                  focuscode serve --port 8080 --coder alice --blind
                  focuscode serve --port 0 --coder alice          # any free port
                """)
        @OptionGroup var project: ProjectOptions
        @OptionGroup var coderOptions: CoderOptions
        @Option(name: .long, help: "The address to listen on (default 127.0.0.1, this machine only).") var host: String = "127.0.0.1"
        @Option(name: .long, help: "The port; 0 picks a free one.") var port: Int = 8421
        @Flag(name: .long, help: "Show only this coder's codings.") var blind = false

        func validate() throws {
            if port < 0 || port > 65535 { throw ValidationError("--port must be between 0 and 65535.") }
        }

        func run() throws {
            let opened = try project.open()
            let workbench = try Workbench(project: opened, coder: coderOptions.name(in: project), blind: blind)
            if !["127.0.0.1", "localhost", "::1"].contains(host) {
                Console.note("warning: listening on \(host): anyone who can reach this machine and learns the address below can read and change the project.")
            }
            let token = workbench.secrets.session
            let failure = ErrorBox()
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    try await workbench.run(host: host, port: port) { host, port in
                        let shown = host.contains(":") ? "[\(host)]" : host
                        Console.out("FocusCode workbench for \((opened.path as NSString).lastPathComponent), coder \(workbench.coder)\(workbench.blind ? " (blind)" : "")")
                        Console.out("http://\(shown):\(port)/?token=\(token)")
                        Console.out("Stop with Ctrl-C.")
                    }
                } catch {
                    failure.set(error)
                }
                done.signal()
            }
            done.wait()
            if let error = failure.error {
                throw ProjectError.cannotCreate(path: "\(host):\(port)", reason: "could not listen there (\(error)); choose another --port")
            }
        }
    }
}

/// The server task's error, handed back to the synchronous command.
private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return stored }
    func set(_ e: any Error) { lock.lock(); stored = e; lock.unlock() }
}

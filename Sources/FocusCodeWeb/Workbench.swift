import FocusCodeKit
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Who is signed in to this run and what they may see.
struct WorkbenchView: Sendable {
    var coder: String
    var blind: Bool
    var csrf: String
    var query: String = ""
}

/// The web workbench over one project: routes that each make one library call; the library knows no HTTP.
public final class Workbench: Sendable {
    public let project: Project
    public let coder: String
    public let blind: Bool
    public let secrets: WorkbenchSecrets

    public init(project: Project, coder: String, blind: Bool, secrets: WorkbenchSecrets = WorkbenchSecrets()) throws {
        try Project.validateCoderName(coder)
        self.project = project
        self.coder = coder
        self.blind = blind
        self.secrets = secrets
    }

    var view: WorkbenchView { WorkbenchView(coder: coder, blind: blind, csrf: secrets.csrf) }

    /// The router with the gate in front; `hosts` returns the `host:port` values a request may name.
    public func router(allowedHosts hosts: @escaping @Sendable () -> Set<String>) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: Gate<BasicRequestContext>(secrets: secrets, allowedHosts: hosts))
        router.get("/") { _, _ in try self.home() }
        router.get("/g/{group}") { _, context in
            try self.transcript(group: context.parameters.require("group"))
        }
        router.get("/search") { request, _ in
            try self.search(request.uri.queryParameters["q"].map(String.init) ?? "")
        }
        router.get("/agreement") { _, _ in try self.agreement() }
        router.get("/report") { _, _ in try self.report() }
        router.get("/help") { _, _ in try self.help() }
        router.get("/assets/{file}") { _, context in try Self.asset(context.parameters.require("file")) }
        router.post("/api/code") { request, context in try await self.change(request, context) { try self.code($0) } }
        router.post("/api/uncode") { request, context in try await self.change(request, context) { try self.uncode($0) } }
        router.post("/api/none") { request, context in try await self.change(request, context) { try self.none($0) } }
        router.post("/api/memo") { request, context in try await self.memoChange(request, context) }
        return router
    }

    /// Runs the server until interrupted; `onBound` gets the address the server listens on (port 0 picks one).
    public func run(host: String, port: Int, onBound: @escaping @Sendable (String, Int) -> Void) async throws {
        let bound = BoundPort()
        let router = self.router { bound.allowedHosts(host: host) }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? port
                bound.set(actual)
                onBound(host, actual)
            },
            logger: Logger(label: "focuscode.serve", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await app.runService()
    }

    // MARK: Pages

    private func frame(title: String, group: String?, main: String, query: String = "") throws -> Response {
        let tree = try project.codebook()
        var v = view
        v.query = query
        let nav = Pages.groupsNav(try project.groups(), documents: try project.documents(), current: group)
        let codeMemos = Dictionary(grouping: try visibleMemos().filter { $0.kind == "code" }, by: { $0.target ?? "" })
        let aside = Pages.codebookAside(tree, palette: Palette(tree), keys: Self.keys(tree), memos: codeMemos, view: v)
        return Pages.html(Pages.frame(title: title, view: v, nav: nav, main: main, aside: aside, codebookVersion: Self.version(tree)))
    }

    func home() throws -> Response {
        let groups = try project.groups()
        if let first = groups.first {
            return Response(status: .seeOther, headers: [.location: "/g/\(Self.pathComponent(first.name))"])
        }
        return try frame(title: "No transcripts", group: nil,
                         main: "<h1>No transcripts yet</h1><p>Import one with <code>focuscode import FILE --group NAME</code>, then reload.</p>")
    }

    func transcript(group: String) throws -> Response {
        guard try project.groups().contains(where: { $0.name == group }) else { throw ProjectError.unknownGroup(group) }
        let tree = try project.codebook()
        let palette = Palette(tree)
        let turns = try project.excerpts(ExcerptFilter(group: group))
        let byExcerpt = Dictionary(grouping: try visibleCodings(CodingFilter(group: group)), by: \.excerpt)
        let memos = Dictionary(grouping: try visibleMemos().filter { $0.kind == "excerpt" }, by: { $0.target ?? "" })
        var main = "<h1>\(Pages.esc(group)) <small>\(turns.count) turns</small></h1><div class=\"transcript\">"
        main.reserveCapacity(turns.reduce(0) { $0 + $1.text.utf8.count } * 2)
        for e in turns {
            main += Pages.turn(e, codings: byExcerpt[e.ref] ?? [], memos: memos[e.ref] ?? [], view: view, tree: tree, palette: palette)
        }
        main += "</div>"
        return try frame(title: group, group: group, main: main)
    }

    func search(_ query: String) throws -> Response {
        let q = query.trimmingCharacters(in: .whitespaces)
        var main = "<h1>Search</h1>"
        if !q.isEmpty {
            let hits = try project.search(q, limit: 50)
            main += "<p>\(hits.count) turn\(hits.count == 1 ? "" : "s") for <q>\(Pages.esc(q))</q></p><ol class=\"hits\">"
            for hit in hits {
                // The markers are control characters, which escaping replaces: split on them first.
                let snippet = hit.snippet.components(separatedBy: SearchHit.highlightStart).enumerated().map { i, part in
                    let pieces = part.components(separatedBy: SearchHit.highlightEnd)
                    guard i > 0, pieces.count > 1 else { return Pages.esc(part.replacingOccurrences(of: SearchHit.highlightEnd, with: "")) }
                    return "<mark class=\"hit\">\(Pages.esc(pieces[0]))</mark>" + Pages.esc(pieces.dropFirst().joined())
                }.joined()
                let e = hit.excerpt
                main += "<li><a href=\"/g/\(Self.pathComponent(e.group))#\(Pages.esc(e.ref))\">\(Pages.esc(e.ref))</a> <span class=\"speaker\">\(Pages.esc(e.speaker ?? "—"))</span> \(snippet)</li>"
            }
            main += "</ol>"
        }
        return try frame(title: "Search", group: nil, main: main, query: q)
    }

    func agreement() throws -> Response {
        if blind { throw WebError.forbidden("Blind mode shows only your own coding; agreement compares coders, so it is off until the run is not blind.") }
        let data = try project.agreementData(AgreementScope())
        var main = "<h1>Agreement</h1>"
        if data.dataset.coders.count < 2 {
            main += "<p>Agreement needs two coders who reviewed the same turns; this project has \(data.dataset.coders.count).</p>"
            return try frame(title: "Agreement", group: nil, main: main)
        }
        let report = try data.report(options: AgreementOptions())
        main += "<p>Coders: \(Pages.esc(data.dataset.coders.joined(separator: ", "))) · \(data.dataset.units.count) turns.</p>"
        main += Pages.table(AgreementTables.summary(report))
        let disagreements = try project.agreementDisagreements(data, snippetLength: 240)
        main += "<h2>Where the coders differ <small>\(disagreements.count)</small></h2><div class=\"disagreements\">"
        for d in disagreements.prefix(300) {
            let link = d.group.map { "/g/\(Self.pathComponent($0))#\(Pages.esc(d.unit))" } ?? "#"
            main += "<section class=\"dis\"><h3><a href=\"\(link)\">\(Pages.esc(d.unit))</a> \(Pages.esc(d.code))</h3>"
            main += "<p class=\"snippet\">\(Pages.esc(d.speaker ?? "")) — \(Pages.esc(d.snippet ?? ""))</p>"
            main += "<div class=\"sides\"><div><b>Applied</b> \(Pages.esc(d.appliedBy.joined(separator: ", ")))</div>"
            main += "<div><b>Not applied</b> \(Pages.esc(d.notAppliedBy.joined(separator: ", ")))</div>"
            if !d.notReviewedBy.isEmpty { main += "<div><b>Not reviewed</b> \(Pages.esc(d.notReviewedBy.joined(separator: ", ")))</div>" }
            main += "</div></section>"
        }
        main += "</div>"
        return try frame(title: "Agreement", group: nil, main: main)
    }

    /// The library's HTML theme report, as `report html` writes it (its styles are inline, it has no script).
    func report() throws -> Response {
        let coders = try project.coders()
        let selection: CodingSelection = blind || coders.contains(coder) ? .coder(coder) : .union
        var model = try project.htmlReport(ReportOptions(selection: selection), subtitle: "Workbench")
        model.title = "Theme report"
        return Pages.html(HTMLReportRenderer().render(model),
                          csp: "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    }

    func help() throws -> Response {
        try frame(title: "Keys", group: nil, main: """
            <h1>Keys</h1><dl class="keys">
            <dt><kbd>j</kbd> / <kbd>k</kbd></dt><dd>next / previous turn</dd>
            <dt><kbd>1</kbd>–<kbd>9</kbd></dt><dd>apply that code to the selected words (or, with no selection, the whole turn)</dd>
            <dt><kbd>c</kbd></dt><dd>find a code by name; <kbd>Enter</kbd> applies the first match</dd>
            <dt><kbd>0</kbd></dt><dd>mark the turn reviewed: no code applies</dd>
            <dt><kbd>x</kbd></dt><dd>remove your last passage on the turn</dd>
            <dt><kbd>m</kbd></dt><dd>write a memo on the turn (<kbd>Ctrl</kbd>+<kbd>Enter</kbd> saves, <kbd>Esc</kbd> goes back)</dd>
            <dt><kbd>/</kbd></dt><dd>search</dd>
            <dt><kbd>Shift</kbd>+arrows</dt><dd>select words (turn on caret browsing with <kbd>F7</kbd> to select with the keyboard)</dd>
            </dl>
            """)
    }

    static func asset(_ name: String) throws -> Response {
        let types = ["app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"]
        guard let type = types[name], let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Assets")
            ?? Bundle.module.url(forResource: name, withExtension: nil),
            let data = try? Data(contentsOf: url) else { throw WebError.notFound("No asset \(name).") }
        return Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Changes

    /// A change request from the page.
    struct ChangeRequest: Decodable {
        var excerpt: String
        var code: String?
        /// The selection in UTF-16 code units (the browser's), converted and checked here.
        var start: Int?
        var end: Int?
        var quote: String?
        /// One passage by its stable ID (removing it leaves the code's other passages on the turn).
        var passage: String?
        /// The codebook version the page was drawn with; a changed codebook refuses the change.
        var codebook: String?
    }

    private func change(_ request: Request, _ context: BasicRequestContext,
                        _ body: (ChangeRequest) throws -> String) async throws -> Response {
        do {
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let change = try? JSONDecoder().decode(ChangeRequest.self, from: Data(buffer: buffer)) else {
                throw WebError.badRequest("The request is not the JSON the page sends; reload the page.")
            }
            if let version = change.codebook, version != Self.version(try project.codebook()) {
                throw WebError.conflict("The codebook changed since this page was drawn; reload the page to code with the current one.")
            }
            let message = try body(change)
            return Pages.json(["message": message, "html": try turnHTML(change.excerpt)])
        } catch {
            return Pages.errorResponse(WebError.from(error))
        }
    }

    func code(_ c: ChangeRequest) throws -> String {
        guard let code = c.code else { throw WebError.badRequest("No code named; choose a code.") }
        var span: Span?
        if let start = c.start, let end = c.end {
            let text = try project.excerpt(c.excerpt).excerpt.text
            span = try TextOffsets.span(utf16Start: start, utf16End: end, quote: c.quote, in: text, excerpt: c.excerpt)
        }
        let outcome = try project.applyCode(code, to: c.excerpt, coder: coder, span: span)
        let path = try project.codebook().resolve(code).path
        switch outcome {
        case .applied: return "Coded \(c.excerpt) \(span.map { $0.description + " " } ?? "")as \(path)."
        case .updated: return "\(path) on \(c.excerpt) now covers \(span?.description ?? "the whole turn")."
        case .unchanged: return "\(c.excerpt) already has \(path) there."
        }
    }

    func uncode(_ c: ChangeRequest) throws -> String {
        guard let code = c.code else { throw WebError.badRequest("No code named; choose the code to remove.") }
        let path = try project.codebook().resolve(code).path
        if let passage = c.passage, !passage.isEmpty {
            guard try project.codings(CodingFilter(coder: coder, excerpt: c.excerpt)).contains(where: { $0.passage == passage }) else {
                throw WebError.conflict("That passage of \(c.excerpt) is no longer yours to remove (it changed in another tab?); reload the page.")
            }
            try project.removePassage(passage, coder: coder)
            return "Removed that passage of \(path) from \(c.excerpt)."
        }
        try project.removeCode(code, from: c.excerpt, coder: coder)
        return "Removed \(path) from \(c.excerpt)."
    }

    func none(_ c: ChangeRequest) throws -> String {
        let changed = try project.markReviewedNone(c.excerpt, coder: coder)
        return changed ? "\(c.excerpt) reviewed: no code applies." : "\(c.excerpt) was already reviewed with no code."
    }

    func turnHTML(_ ref: String) throws -> String {
        let tree = try project.codebook()
        let e = try project.excerpt(ref).excerpt
        return Pages.turn(e, codings: try visibleCodings(CodingFilter(excerpt: ref)), memos: try visibleMemos(on: .excerpt(ref)),
                          view: view, tree: tree, palette: Palette(tree))
    }

    /// The memos this run may show: in blind mode the signed-in coder's only.
    func visibleMemos(on target: MemoTarget? = nil) throws -> [MemoRecord] {
        try project.memos(on: target, author: blind ? coder : nil)
    }

    /// A memo written or removed from the page: `{excerpt | code, text}` adds, `{memo}` removes the coder's own.
    struct MemoRequest: Decodable {
        var excerpt: String?
        var code: String?
        var text: String?
        var memo: Int64?
    }

    private func memoChange(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        do {
            let buffer = try await request.body.collect(upTo: 512 * 1024)
            guard let m = try? JSONDecoder().decode(MemoRequest.self, from: Data(buffer: buffer)) else {
                throw WebError.badRequest("The request is not the JSON the page sends; reload the page.")
            }
            // The turn or code whose memos the page redraws.
            let excerpt: String?, code: String?, message: String
            if let id = m.memo {
                guard let memo = try project.memos().first(where: { $0.id == id }) else {
                    throw WebError.notFound("Memo \(id) is gone (removed in another tab?); reload the page.")
                }
                guard memo.author?.lowercased() == coder.lowercased() else { throw WebError.forbidden("Memo \(id) is not yours; only its author removes it.") }
                try project.removeMemo(id, author: coder)
                (excerpt, code, message) = (memo.kind == "excerpt" ? memo.target : nil, memo.kind == "code" ? memo.target : nil, "Memo removed.")
            } else {
                guard m.excerpt != nil || m.code != nil else { throw WebError.badRequest("Say which turn or code the memo is on.") }
                let memo = try project.addMemo(m.text ?? "", on: m.excerpt.map(MemoTarget.excerpt) ?? .code(m.code ?? ""), author: coder)
                (excerpt, code, message) = (m.excerpt, m.excerpt == nil ? m.code : nil, "Memo saved on \(memo.target ?? memo.kind).")
            }
            if let excerpt {
                return Pages.json(["message": message, "excerpt": excerpt, "html": try turnHTML(excerpt)])
            }
            guard let code else { return Pages.json(["message": message]) }
            let resolved = try project.codebook().resolve(code)
            let html = Pages.memoList(try visibleMemos(on: .code(resolved.uid)), view: view, id: "memos-code-\(resolved.uid)",
                                      label: "Memo on the code \(resolved.path)")
            return Pages.json(["message": message, "replace": "memos-code-\(resolved.uid)", "html": html])
        } catch {
            return Pages.errorResponse(WebError.from(error))
        }
    }

    /// The codings this run may show: in blind mode the signed-in coder's only.
    func visibleCodings(_ filter: CodingFilter) throws -> [CodingRecord] {
        var f = filter
        if blind { f.coder = coder }
        if blind, try !project.coders().contains(coder) { return [] }
        return try project.codings(f)
    }

    // MARK: Helpers

    /// Keys 1–9 for the first nine active codes in codebook order.
    static func keys(_ tree: CodeTree) -> [Int64: Int] {
        var keys: [Int64: Int] = [:]
        func walk(_ parent: Int64?) {
            for code in tree.children(of: parent) where !code.isRetired {
                if keys.count < 9 { keys[code.rowId] = keys.count + 1 }
                walk(code.rowId)
            }
        }
        walk(nil)
        return keys
    }

    /// A short fingerprint of the codebook (uids, paths, retired flags), to tell a stale page.
    static func version(_ tree: CodeTree) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for code in tree.codes {
            for byte in "\(code.uid)\u{1}\(code.path)\u{1}\(code.isRetired)\u{2}".utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }

    static func pathComponent(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? s
    }
}

/// The port the server bound, once known, for the Host check.
final class BoundPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ p: Int) { lock.lock(); port = p; lock.unlock() }
    func allowedHosts(host: String) -> Set<String> {
        lock.lock(); defer { lock.unlock() }
        guard let port else { return [] }
        var names: Set<String> = ["\(host.lowercased()):\(port)"]
        if host == "127.0.0.1" || host == "localhost" || host == "::1" {
            names.formUnion(["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"])
        }
        return names
    }
}

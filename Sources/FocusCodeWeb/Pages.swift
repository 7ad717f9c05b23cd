import FocusCodeKit
import Foundation
import Hummingbird

/// Server-rendered HTML: plain string building, every value through `HTML.escape`.
enum Pages {
    static func esc(_ s: String) -> String { HTML.escape(s) }

    /// An HTML response.
    static func html(_ body: String, status: HTTPResponse.Status = .ok, csp: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if let csp { headers[.contentSecurityPolicy] = csp }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// A JSON response.
    static func json(_ object: [String: String], status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A refusal: JSON `{"error": …}` for the page's script, with the status.
    static func errorResponse(_ error: WebError) -> Response {
        json(["error": error.message], status: error.status)
    }

    /// The page frame: header with search and links, the three columns.
    static func frame(title: String, view: WorkbenchView, nav: String, main: String, aside: String, codebookVersion: String) -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf" content="\(esc(view.csrf))">
        <meta name="codebook" content="\(esc(codebookVersion))">
        <title>\(esc(title)) · FocusCode</title>
        <link rel="stylesheet" href="/assets/app.css">
        <script src="/assets/app.js" defer></script>
        </head><body>
        <header class="top">
        <a class="brand" href="/">FocusCode</a>
        <form class="search" action="/search" method="get" role="search">
        <label for="q" class="sr">Search the transcripts</label>
        <input id="q" name="q" type="search" placeholder="Search  (/)" value="\(esc(view.query))" autocomplete="off">
        </form>
        <nav class="links"><a href="/agreement">Agreement</a> <a href="/report">Theme report</a> <a href="/help">Keys (?)</a></nav>
        <span class="who">Coder <strong>\(esc(view.coder))</strong>\(view.blind ? " · <span class=\"blind\">blind</span>" : "")</span>
        </header>
        <div class="layout">
        <nav class="groups" aria-label="Groups and documents">\(nav)</nav>
        <main id="main" tabindex="-1">\(main)</main>
        <aside class="codebook" aria-label="Codebook">\(aside)</aside>
        </div>
        <div id="status" role="status" aria-live="polite"></div>
        </body></html>
        """
    }

    static func groupsNav(_ groups: [GroupSummary], documents: [DocumentSummary], current: String?) -> String {
        var out = "<h2>Groups</h2><ul>"
        for g in groups {
            let here = g.name == current ? " aria-current=\"page\"" : ""
            out += "<li><a href=\"/g/\(esc(g.name))\"\(here)>\(esc(g.name))</a> <small>\(g.turns) turns</small><ul class=\"docs\">"
            for d in documents where d.group == g.name {
                out += "<li><a href=\"/g/\(esc(g.name))\">\(esc(d.fileName))</a></li>"
            }
            out += "</ul></li>"
        }
        return out + "</ul>"
    }

    /// The codebook tree: every active code a button that codes the selection; the first nine have keys 1–9.
    static func codebookAside(_ tree: CodeTree, palette: Palette, keys: [Int64: Int], memos: [String: [MemoRecord]] = [:], view: WorkbenchView) -> String {
        let out = """
            <h2>Codebook</h2>
            <label for="codefilter" class="sr">Find a code</label>
            <input id="codefilter" type="search" placeholder="Find a code  (c)" autocomplete="off">
            <p class="hint">Select words, then press a code's key or click it. No selection codes the whole turn.</p>
            """
        func branch(_ parent: Int64?) -> String {
            let children = tree.children(of: parent).filter { !$0.isRetired }
            if children.isEmpty { return "" }
            var s = "<ul>"
            for code in children {
                let key = keys[code.rowId].map { "<kbd>\($0)</kbd> " } ?? ""
                s += "<li><button type=\"button\" class=\"code \(palette.cls(code))\" data-code=\"\(esc(code.uid))\" data-path=\"\(esc(code.path))\">\(key)\(esc(code.name))</button>"
                var detail = ""
                if let d = code.description { detail += "<p>\(esc(d))</p>" }
                if let i = code.inclusion { detail += "<p><b>Use when:</b> \(esc(i))</p>" }
                if let e = code.exclusion { detail += "<p><b>Not when:</b> \(esc(e))</p>" }
                if let x = code.example { detail += "<p><b>Example:</b> <q>\(esc(x))</q></p>" }
                let onCode = memos[code.path] ?? []
                let summary = detail.isEmpty ? "Memos" : "Definition"
                s += "<details class=\"about\" data-code=\"\(esc(code.uid))\"><summary>\(summary)\(onCode.isEmpty ? "" : " · \(onCode.count) memo\(onCode.count == 1 ? "" : "s")")</summary>\(detail)"
                s += memoList(onCode, view: view, id: "memos-code-\(code.uid)", label: "Memo on the code \(code.path)") + "</details>"
                s += branch(code.rowId) + "</li>"
            }
            return s + "</ul>"
        }
        return out + branch(nil)
    }

    /// One turn: who, when, stable ID, the text with coded passages highlighted, and the codes in the margin.
    static func turn(_ e: ExcerptView, codings: [CodingRecord], memos: [MemoRecord] = [], view: WorkbenchView, tree: CodeTree, palette: Palette) -> String {
        let own = codings.filter { $0.coder == view.coder }
        let reviewed = !own.isEmpty
        let coded = codings.filter { $0.code != nil }
        var classes = "turn"
        if e.isModerator { classes += " moderator" }
        if reviewed { classes += " reviewed" }
        let time = e.startMs.map { "<time>\(esc(formatTime($0)))</time>" } ?? ""
        let state = own.isEmpty ? "" : (own.contains { $0.code != nil } ? "<span class=\"state\">coded</span>" : "<span class=\"state\">reviewed · no code</span>")
        var out = "<article class=\"\(classes)\" id=\"\(esc(e.ref))\" data-ref=\"\(esc(e.ref))\" tabindex=\"0\" aria-label=\"\(esc(e.ref)) \(esc(e.speaker ?? "unknown speaker"))\">"
        out += "<div class=\"meta\"><span class=\"speaker\">\(esc(e.speaker ?? "—"))</span>\(time)<a class=\"ref\" href=\"#\(esc(e.ref))\">\(esc(e.ref))</a>\(state)</div>"
        out += "<p class=\"text\">\(highlighted(e.text, coded, tree: tree, palette: palette))</p>"
        if !coded.isEmpty {
            // One chip per code and span, naming every coder who applied it there (not in blind mode).
            var order: [String] = []
            var chips: [String: [CodingRecord]] = [:]
            for c in coded {
                let key = "\(c.codeId ?? "")|\(c.span?.description ?? "")"
                if chips[key] == nil { order.append(key) }
                chips[key, default: []].append(c)
            }
            out += "<ul class=\"margin\">"
            for key in order {
                let group = chips[key]!
                let c = group[0]
                let code = c.codeId.flatMap { id in tree.codes.first { $0.uid == id } }
                let cls = code.map(palette.cls) ?? "k-none"
                let label = code?.name ?? c.code ?? ""
                let where_ = c.span.map { "<small>chars \($0.start)–\($0.end)</small>" } ?? "<small>whole turn</small>"
                let who = view.blind ? "" : "<small class=\"coder\">\(esc(group.map(\.coder).joined(separator: ", ")))</small>"
                out += "<li class=\"chip \(cls)\" title=\"\(esc(c.code ?? ""))\"><span class=\"label\">\(esc(label))</span>\(where_)\(who)"
                if let mine = group.first(where: { $0.coder == view.coder }), let id = c.codeId {
                    // Removes this passage only; other passages of the code on the turn stay.
                    out += "<button type=\"button\" class=\"remove\" data-code=\"\(esc(id))\" data-passage=\"\(esc(mine.passage ?? ""))\" aria-label=\"Remove \(esc(c.code ?? "")) \(mine.span.map { "characters \($0.description)" } ?? "whole turn")\">×</button>"
                }
                out += "</li>"
            }
            out += "</ul>"
        }
        out += memoList(memos, view: view, id: "memos-\(e.ref)", label: "Memo on \(e.ref)")
        return out + "</article>"
    }

    /// Memos on a turn or code, the signed-in coder's with a remove button, and a form to write one
    /// (the `m` key opens it on the turn in focus).
    static func memoList(_ memos: [MemoRecord], view: WorkbenchView, id: String, label: String) -> String {
        var out = "<div class=\"memos\" id=\"\(esc(id))\">"
        if !memos.isEmpty {
            out += "<ul>"
            for m in memos {
                out += "<li class=\"memo\"><span class=\"memo-text\">\(esc(m.text))</span> <small>\(esc(m.author ?? "no author")) · \(esc(String(m.updatedAt.prefix(10))))</small>"
                if m.author?.lowercased() == view.coder.lowercased() {
                    out += "<button type=\"button\" class=\"memo-remove\" data-memo=\"\(m.id)\" aria-label=\"Remove memo \(m.id)\">×</button>"
                }
                out += "</li>"
            }
            out += "</ul>"
        }
        out += "<details class=\"memo-add\"><summary>\(memos.isEmpty ? "Memo" : "Another memo")</summary>"
        out += "<label class=\"sr\" for=\"\(esc(id))-text\">\(esc(label))</label>"
        out += "<textarea id=\"\(esc(id))-text\" rows=\"2\" maxlength=\"100000\" placeholder=\"Write a memo (Ctrl+Enter saves)\"></textarea>"
        out += "<button type=\"button\" class=\"memo-save\">Save memo</button></details></div>"
        return out
    }

    /// The text with each coded span wrapped in a `<mark>` of its code's colour; overlaps get every code in the title.
    static func highlighted(_ text: String, _ codings: [CodingRecord], tree: CodeTree, palette: Palette) -> String {
        let spans = codings.compactMap { c -> (Span, String, String)? in
            guard let s = c.span, let path = c.code else { return nil }
            let code = c.codeId.flatMap { id in tree.codes.first { $0.uid == id } }
            return (s, code.map(palette.cls) ?? "k-none", path)
        }
        if spans.isEmpty { return esc(text) }
        let scalars = Array(text.unicodeScalars)
        var cuts = Set([0, scalars.count])
        for (s, _, _) in spans {
            cuts.insert(min(max(0, s.start), scalars.count))
            cuts.insert(min(max(0, s.end), scalars.count))
        }
        let points = cuts.sorted()
        var out = ""
        for i in 0..<(points.count - 1) {
            let a = points[i], b = points[i + 1]
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[a..<b])
            let covering = spans.filter { $0.0.start <= a && $0.0.end >= b }
            if covering.isEmpty {
                out += esc(String(piece))
            } else {
                let multi = covering.count > 1 ? " multi" : ""
                let title = covering.map(\.2).joined(separator: "; ")
                out += "<mark class=\"\(covering[0].1)\(multi)\" title=\"\(esc(title))\">\(esc(String(piece)))</mark>"
            }
        }
        return out
    }

    /// A `Table` from the library's report models as an HTML table (formatting only).
    static func table(_ t: Table) -> String {
        var out = "<table>"
        if let caption = t.caption { out += "<caption>\(esc(caption))</caption>" }
        out += "<thead><tr>" + t.columns.map { "<th scope=\"col\">\(esc($0.title))</th>" }.joined() + "</tr></thead><tbody>"
        for (i, row) in t.rows.enumerated() {
            out += t.headingRows.contains(i) ? "<tr class=\"heading\">" : "<tr>"
            for cell in row {
                if case .text = cell { out += "<td>\(esc(cell.plain))</td>" } else { out += "<td class=\"num\">\(esc(cell.plain))</td>" }
            }
            out += "</tr>"
        }
        out += "</tbody></table>"
        for note in t.notes { out += "<p class=\"note\">\(esc(note))</p>" }
        return out
    }
}

/// Colour-blind-safe colours (Okabe–Ito): one per theme, its subthemes share it.
struct Palette {
    private var themeIndex: [Int64: Int] = [:]
    init(_ tree: CodeTree) {
        for (i, theme) in tree.children(of: nil).enumerated() { themeIndex[theme.rowId] = i % 8 }
        for code in tree.codes where themeIndex[code.rowId] == nil {
            var top = code
            while let parent = tree.parent(of: top) { top = parent }
            themeIndex[code.rowId] = themeIndex[top.rowId] ?? 0
        }
    }
    func cls(_ code: Code) -> String { "k\(themeIndex[code.rowId] ?? 0)" }
}

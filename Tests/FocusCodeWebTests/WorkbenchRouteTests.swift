import FocusCodeKit
@testable import FocusCodeWeb
import FocusCodeTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// The route layer through a real server on a free port and real HTTP requests.
final class WorkbenchRouteTests: XCTestCase {
    private var folder: URL!
    private var project: Project!
    private var workbench: Workbench!
    private var server: Task<Void, any Error>!
    private var base = ""

    override func setUp() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fc-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        project = try FixtureData.importTranscripts(into: folder.appendingPathComponent("p.sqlite").path)
        try FixtureData.insertCodebookAndCodings(into: project, consensus: false)
        try await start(blind: false)
    }

    private func start(blind: Bool) async throws {
        server?.cancel()
        workbench = try Workbench(project: project, coder: "alice", blind: blind)
        let bound = AsyncStream<Int>.makeStream()
        let wb = workbench!
        server = Task { try await wb.run(host: "127.0.0.1", port: 0) { _, port in bound.continuation.yield(port) } }
        var it = bound.stream.makeAsyncIterator()
        let port = await it.next()!
        base = "http://127.0.0.1:\(port)"
    }

    override func tearDown() async throws {
        server?.cancel()
        _ = await server?.result
        try? FileManager.default.removeItem(at: folder)
    }

    private struct Reply { var status: Int; var headers: [String: String]; var body: String }

    private final class NoRedirect: NSObject, URLSessionTaskDelegate {
        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            completionHandler(nil)
        }
    }

    private func send(_ method: String, _ path: String, cookie: Bool = true, csrf: Bool = true, headers: [String: String] = [:],
                      json: [String: Any]? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpShouldHandleCookies = false
        if cookie { request.setValue("focuscode_session=\(workbench.secrets.session)", forHTTPHeaderField: "Cookie") }
        if csrf && method == "POST" { request.setValue(workbench.secrets.csrf, forHTTPHeaderField: "X-CSRF-Token") }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        let session = URLSession(configuration: configuration, delegate: NoRedirect(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let http = response as! HTTPURLResponse
                var headers: [String: String] = [:]
                for (k, v) in http.allHeaderFields { headers[String(describing: k).lowercased()] = String(describing: v) }
                continuation.resume(returning: Reply(status: http.statusCode, headers: headers,
                                                     body: String(decoding: data ?? Data(), as: UTF8.self)))
            }.resume()
        }
    }

    func testNoTokenIsUnauthorisedAndAWrongTokenForbidden() async throws {
        let none = try await send("GET", "/g/FG1", cookie: false)
        XCTAssertEqual(none.status, 401)
        XCTAssertFalse(none.body.contains("FG1-0001"))
        let wrong = try await send("GET", "/g/FG1?token=00", cookie: false)
        XCTAssertEqual(wrong.status, 403)
        let asset = try await send("GET", "/assets/app.js", cookie: false)
        XCTAssertEqual(asset.status, 401)
    }

    func testTheTokenInTheAddressBecomesAStrictHttpOnlyCookie() async throws {
        let reply = try await send("GET", "/g/FG1?token=\(workbench.secrets.session)", cookie: false)
        XCTAssertEqual(reply.status, 303)
        XCTAssertEqual(reply.headers["location"], "/g/FG1")
        let cookie = try XCTUnwrap(reply.headers["set-cookie"])
        XCTAssertTrue(cookie.contains("focuscode_session=\(workbench.secrets.session)"))
        XCTAssertTrue(cookie.contains("HttpOnly"))
        XCTAssertTrue(cookie.contains("SameSite=Strict"))
    }

    func testThePageCarriesAStrictPolicyAndTheTranscript() async throws {
        let page = try await send("GET", "/g/FG1")
        XCTAssertEqual(page.status, 200)
        XCTAssertEqual(page.headers["content-security-policy"]?.hasPrefix("default-src 'self'; script-src 'self'"), true)
        XCTAssertTrue(page.body.contains("id=\"FG1-0007\""))
        XCTAssertFalse(page.body.contains("<script>"), "no inline script")
        XCTAssertFalse(page.body.contains("http://") || page.body.contains("https://"), "no external assets")
    }

    func testAWrongHostHeaderIsRefused() async throws {
        let reply = try await send("GET", "/g/FG1", headers: ["Host": "evil.example:80"])
        XCTAssertEqual(reply.status, 421)
    }

    func testCodingAPassageByPostReachesTheProject() async throws {
        let text = try project.excerpt("FG1-0007").excerpt.text
        let words = Array(text.utf16)
        let quote = String(decoding: words[0..<10], as: UTF16.self)
        let reply = try await send("POST", "/api/code", headers: ["Origin": base, "Sec-Fetch-Site": "same-origin"],
                                   json: ["excerpt": "FG1-0007", "code": "Impact of Covid-19", "start": 0, "end": 10, "quote": quote])
        XCTAssertEqual(reply.status, 200, reply.body)
        let mine = try project.codings(CodingFilter(coder: "alice", excerpt: "FG1-0007"))
        XCTAssertEqual(mine.map(\.code), ["Impact of Covid-19"])
        XCTAssertEqual(mine.first?.span, Span(start: 0, end: 10))
        XCTAssertTrue(reply.body.contains("<mark"), "the answer carries the redrawn turn")
    }

    func testCrossSitePostIsRefusedAndWritesNothing() async throws {
        let body: [String: Any] = ["excerpt": "FG1-0007", "code": "Impact of Covid-19"]
        let site = try await send("POST", "/api/code", headers: ["Sec-Fetch-Site": "cross-site"], json: body)
        XCTAssertEqual(site.status, 403)
        let origin = try await send("POST", "/api/code", headers: ["Origin": "http://evil.example"], json: body)
        XCTAssertEqual(origin.status, 403)
        let noCSRF = try await send("POST", "/api/code", csrf: false, json: body)
        XCTAssertEqual(noCSRF.status, 403)
        let noCookie = try await send("POST", "/api/code", cookie: false, json: body)
        XCTAssertEqual(noCookie.status, 401)
        XCTAssertEqual(try project.codings().filter { $0.coder == "alice" }, [], "nothing written")
    }

    func testBadChangesGetAClearStatus() async throws {
        let unknownExcerpt = try await send("POST", "/api/code", json: ["excerpt": "FG1-9999", "code": "Impact of Covid-19"])
        XCTAssertEqual(unknownExcerpt.status, 404)
        XCTAssertTrue(unknownExcerpt.body.contains("FG1-9999"))
        let unknownCode = try await send("POST", "/api/code", json: ["excerpt": "FG1-0007", "code": "No such code"])
        XCTAssertEqual(unknownCode.status, 404)
        let pastEnd = try await send("POST", "/api/code", json: ["excerpt": "FG1-0007", "code": "Impact of Covid-19", "start": 0, "end": 100_000])
        XCTAssertEqual(pastEnd.status, 422)
        let stale = try await send("POST", "/api/code", json: ["excerpt": "FG1-0007", "code": "Impact of Covid-19", "codebook": "0"])
        XCTAssertEqual(stale.status, 409)
        let wrongQuote = try await send("POST", "/api/code", json: ["excerpt": "FG1-0007", "code": "Impact of Covid-19", "start": 0, "end": 3, "quote": "zzz"])
        XCTAssertEqual(wrongQuote.status, 409)
        XCTAssertEqual(try project.codings().filter { $0.coder == "alice" }, [], "nothing written")
    }

    func testRemovingOnePassageLeavesTheCodesOtherPassages() async throws {
        try project.applyCode("Impact of Covid-19", to: "FG1-0007", coder: "alice", span: Span(start: 0, end: 5))
        try project.applyCode("Impact of Covid-19", to: "FG1-0007", coder: "alice", span: Span(start: 10, end: 20))
        let mine = try project.codings(CodingFilter(coder: "alice", excerpt: "FG1-0007"))
        let first = try XCTUnwrap(mine.first { $0.span == Span(start: 0, end: 5) }?.passage)
        let page = try await send("GET", "/g/FG1")
        XCTAssertTrue(page.body.contains("data-passage=\"\(first)\""), "each chip names its passage")
        let reply = try await send("POST", "/api/uncode", json: ["excerpt": "FG1-0007", "code": "Impact of Covid-19", "passage": first])
        XCTAssertEqual(reply.status, 200, reply.body)
        XCTAssertEqual(try project.codings(CodingFilter(coder: "alice", excerpt: "FG1-0007")).map(\.span), [Span(start: 10, end: 20)])
        // The same passage again (a second tab): a conflict, nothing else removed.
        let again = try await send("POST", "/api/uncode", json: ["excerpt": "FG1-0007", "code": "Impact of Covid-19", "passage": first])
        XCTAssertEqual(again.status, 409, again.body)
        XCTAssertEqual(try project.codings(CodingFilter(coder: "alice", excerpt: "FG1-0007")).count, 1)
    }

    func testMemosOnTurnsAndCodesAreWrittenShownAndRemoved() async throws {
        let onTurn = try await send("POST", "/api/memo", json: ["excerpt": "FG1-0007", "text": "Ask P2 <b>what</b> changed"])
        XCTAssertEqual(onTurn.status, 200, onTurn.body)
        XCTAssertTrue(onTurn.body.contains("Ask P2 &lt;b&gt;what&lt;\\/b&gt; changed") || onTurn.body.contains("Ask P2 &lt;b&gt;what&lt;/b&gt; changed"),
                      "the redrawn turn shows the memo, escaped: \(onTurn.body)")
        let code = try project.codebook().resolve("Impact of Covid-19")
        let onCode = try await send("POST", "/api/memo", json: ["code": code.uid, "text": "Split remote work out?"])
        XCTAssertEqual(onCode.status, 200, onCode.body)
        XCTAssertTrue(onCode.body.contains("memos-code-\(code.uid)"))
        let memos = try project.memos()
        XCTAssertEqual(memos.map(\.kind), ["excerpt", "code"])
        XCTAssertEqual(memos.map(\.target), ["FG1-0007", "Impact of Covid-19"])
        XCTAssertEqual(memos.map(\.author), ["alice", "alice"])
        let page = try await send("GET", "/g/FG1")
        XCTAssertTrue(page.body.contains("Split remote work out?"), "code memos sit under the code")
        XCTAssertTrue(page.body.contains("1 memo"))

        // Bad memos: empty, on nothing, on an unknown turn, someone else's.
        let empty = try await send("POST", "/api/memo", json: ["excerpt": "FG1-0007", "text": "  "])
        XCTAssertEqual(empty.status, 400, empty.body)
        let nowhere = try await send("POST", "/api/memo", json: ["text": "x"])
        XCTAssertEqual(nowhere.status, 400)
        let unknown = try await send("POST", "/api/memo", json: ["excerpt": "FG1-9999", "text": "x"])
        XCTAssertEqual(unknown.status, 404)
        let bobs = try project.addMemo("Note by bob", on: .excerpt("FG1-0008"), author: "bob")
        let notMine = try await send("POST", "/api/memo", json: ["memo": bobs.id])
        XCTAssertEqual(notMine.status, 403)
        XCTAssertEqual(try project.memos().count, 3, "nothing written or removed by the refusals")

        let removed = try await send("POST", "/api/memo", json: ["memo": memos[0].id])
        XCTAssertEqual(removed.status, 200, removed.body)
        XCTAssertEqual(try project.memos().map(\.id), [memos[1].id, bobs.id])
        let gone = try await send("POST", "/api/memo", json: ["memo": memos[0].id])
        XCTAssertEqual(gone.status, 404)

        // Blind: another coder's memo is not shown.
        try await start(blind: true)
        let blind = try await send("GET", "/g/FG1")
        XCTAssertFalse(blind.body.contains("Note by bob"))
        XCTAssertTrue(blind.body.contains("Split remote work out?"))
    }

    func testBlindModeShowsOnlyTheSignedInCoder() async throws {
        let open = try await send("GET", "/g/FG1")
        XCTAssertTrue(open.body.contains("coder_b"))
        try await start(blind: true)
        let blind = try await send("GET", "/g/FG1")
        XCTAssertEqual(blind.status, 200)
        XCTAssertFalse(blind.body.contains("coder_a"))
        XCTAssertFalse(blind.body.contains("coder_b"))
        let agreement = try await send("GET", "/agreement")
        XCTAssertEqual(agreement.status, 403)
    }

    func testSearchAgreementAndReportPages() async throws {
        let search = try await send("GET", "/search?q=training")
        XCTAssertEqual(search.status, 200)
        XCTAssertTrue(search.body.contains("<mark class=\"hit\">"), "hits are highlighted")
        XCTAssertTrue(search.body.contains("/g/FG"), "hits link to their turn")
        let agreement = try await send("GET", "/agreement")
        XCTAssertEqual(agreement.status, 200)
        XCTAssertTrue(agreement.body.contains("coder_a, coder_b"))
        XCTAssertTrue(agreement.body.contains("<section class=\"dis\">"), "the disagreeing turns are listed")
        let report = try await send("GET", "/report")
        XCTAssertEqual(report.status, 200)
        XCTAssertEqual(report.headers["content-security-policy"]?.hasPrefix("default-src 'none'"), true)
        XCTAssertFalse(report.body.contains("<script"))
    }

    func testUTF16SelectionsBecomeCodePoints() throws {
        let text = "a😀e\u{301}b"  // 😀 is two UTF-16 units; e + combining acute are two code points
        XCTAssertEqual(TextOffsets.codePoint(fromUTF16: 3, in: text), 2)
        XCTAssertNil(TextOffsets.codePoint(fromUTF16: 2, in: text), "inside the surrogate pair")
        XCTAssertEqual(TextOffsets.codePoint(fromUTF16: 6, in: text), 5)
        XCTAssertNil(TextOffsets.codePoint(fromUTF16: 7, in: text))
        XCTAssertEqual(try TextOffsets.span(utf16Start: 3, utf16End: 6, quote: "e\u{301}b", in: text, excerpt: "X"), Span(start: 2, end: 5))
    }
}

import Foundation
import HTTPTypes
import Hummingbird

/// The per-run secrets: the session token (in the printed URL, then a cookie) and the CSRF token (in the page).
public struct WorkbenchSecrets: Sendable {
    public var session: String
    public var csrf: String
    public init(session: String = WorkbenchSecrets.random(), csrf: String = WorkbenchSecrets.random()) {
        self.session = session
        self.csrf = csrf
    }

    /// 32 random bytes as hex.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Compares without stopping at the first difference, so timing says nothing about the token.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<x.count { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// Every request: the right Host (no DNS rebinding), the session token; every POST: the CSRF token and a
/// same-origin Origin / Sec-Fetch-Site. Adds the security headers to every response.
struct Gate<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "focuscode_session" }
    static var csrfHeader: HTTPField.Name { HTTPField.Name("X-CSRF-Token")! }
    static var secFetchSite: HTTPField.Name { HTTPField.Name("Sec-Fetch-Site")! }

    let secrets: WorkbenchSecrets
    /// `host:port` values a request's Host header may name.
    let allowedHosts: @Sendable () -> Set<String>

    static var pageCSP: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await check(request, context: context, next: next)
        } catch let error as WebError {
            response = Pages.errorResponse(error)
        }
        if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = Self.pageCSP }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }

    private func check(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let host = request.head.authority ?? ""
        guard allowedHosts().contains(host.lowercased()) else {
            throw WebError(status: .misdirectedRequest, message: "This workbench answers only at the address focuscode serve printed.")
        }
        let fromQuery = request.uri.queryParameters["token"].map(String.init)
        let fromCookie = request.cookies[Self.cookieName]?.value
        if request.method == .get || request.method == .head, let fromQuery {
            guard WorkbenchSecrets.same(fromQuery, secrets.session) else {
                throw WebError(status: .forbidden, message: "The token in this address is not this run's; use the address focuscode serve printed last.")
            }
            // Trade the token in the address for a cookie, and drop it from the address bar and history.
            var response = Response(status: .seeOther, headers: [.location: request.uri.path])
            response.setCookie(Cookie(name: Self.cookieName, value: secrets.session, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        guard let fromCookie else {
            throw WebError(status: .unauthorized, message: "Open the address with ?token=… that focuscode serve printed.")
        }
        guard WorkbenchSecrets.same(fromCookie, secrets.session) else {
            throw WebError(status: .forbidden, message: "This browser holds the token of an earlier run; open the address focuscode serve printed last.")
        }
        if request.method != .get && request.method != .head {
            if let site = request.headers[Self.secFetchSite], site != "same-origin", site != "none" {
                throw WebError.forbidden("A change from another site (\(site)) was refused.")
            }
            if let origin = request.headers[.origin] {
                let bare = origin.lowercased().replacingOccurrences(of: "http://", with: "")
                guard origin.lowercased().hasPrefix("http://"), allowedHosts().contains(bare) else {
                    throw WebError.forbidden("A change from another origin (\(origin)) was refused.")
                }
            }
            guard let csrf = request.headers[Self.csrfHeader], WorkbenchSecrets.same(csrf, secrets.csrf) else {
                throw WebError.forbidden("The page's form token is missing or old; reload the page.")
            }
        }
        return try await next(request, context)
    }
}

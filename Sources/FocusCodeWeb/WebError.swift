import FocusCodeKit
import Foundation
import Hummingbird

/// A refusal with the HTTP status it gets and a message for the page.
struct WebError: Error {
    var status: HTTPResponse.Status
    var message: String

    static func badRequest(_ m: String) -> WebError { WebError(status: .badRequest, message: m) }
    static func unprocessable(_ m: String) -> WebError { WebError(status: .unprocessableContent, message: m) }
    static func conflict(_ m: String) -> WebError { WebError(status: .conflict, message: m) }
    static func forbidden(_ m: String) -> WebError { WebError(status: .forbidden, message: m) }
    static func notFound(_ m: String) -> WebError { WebError(status: .notFound, message: m) }

    /// The status and message for any error a library call threw.
    static func from(_ error: any Error) -> WebError {
        if let web = error as? WebError { return web }
        let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
        switch error {
        case ProjectError.unknownExcerpt, ProjectError.unknownGroup, ProjectError.unknownMemo, CodebookError.unknownCode:
            return WebError(status: .notFound, message: message)
        case CodingError.badSpan:
            return WebError(status: .unprocessableContent, message: message)
        case CodingError.hasCodes, CodebookError.retired, CodebookError.ambiguousCode, CodingError.notApplied, CodingError.passageNotCoded:
            return WebError(status: .conflict, message: message)
        case ProjectError.busy:
            return WebError(status: .serviceUnavailable, message: message)
        default:
            switch (error as? any CategorisedError)?.category {
            case .usage?: return WebError(status: .badRequest, message: message)
            case .badData?: return WebError(status: .unprocessableContent, message: message)
            default: return WebError(status: .internalServerError, message: message)
            }
        }
    }
}

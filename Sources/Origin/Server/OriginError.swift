import Foundation
import Hummingbird

/// Everything the origin answers with a 4xx/5xx. API paths get a JSON body (`{"error": "..."}`), the
/// rest a one-line text body: a person or a script reads what went wrong without parsing a page.
public enum OriginError: Error, CustomStringConvertible, Sendable {
    case badRequest(String)
    case notFound(String)
    /// A live segment or manifest that may exist in a moment: 404 that a CDN may cache for one second.
    case notYetAvailable(String)
    case unauthorized
    /// Access control refused the request (issue 12): the one line says why (expired, region, ...).
    case forbidden(String)
    /// A sender over its rate (failed admin authentications, playback events): 429 with `Retry-After`.
    case tooManyRequests(String, retryAfter: Int)
    case payloadTooLarge(limit: Int)
    case rangeNotSatisfiable(size: Int)
    case conflict(String)
    case unavailable(String)
    /// The method is not one the resource answers (405); `allow` lists those it does.
    case methodNotAllowed(allow: String)
    /// The client closed the connection before its request body was whole (logged as nginx's 499).
    case clientClosedRequest(String)
    /// The data directory's disk is full (507): the request did not change anything.
    case insufficientStorage(String)
    case internalError(String)
    /// Any other status (Hummingbird's own refusals), described by its reason phrase.
    case status(HTTPResponse.Status, String)

    public var description: String {
        switch self {
        case .badRequest(let reason): return "bad request: \(reason)"
        case .notFound(let what): return "not found: \(what)"
        case .notYetAvailable(let what): return "not available yet: \(what)"
        case .unauthorized: return "missing or wrong API key: send 'Authorization: Bearer <key>'"
        case .forbidden(let reason): return "forbidden: \(reason)"
        case .tooManyRequests(let reason, let seconds): return "\(reason): retry in \(seconds) s"
        case .payloadTooLarge(let limit): return "request body is larger than the limit of \(limit) bytes"
        case .rangeNotSatisfiable(let size): return "requested range is outside the \(size)-byte file"
        case .conflict(let reason): return "conflict: \(reason)"
        case .unavailable(let reason): return "service unavailable: \(reason)"
        case .methodNotAllowed(let allow): return "method not allowed here: use \(allow)"
        case .clientClosedRequest(let reason): return "client closed the request: \(reason)"
        case .insufficientStorage(let reason): return "insufficient storage: \(reason)"
        case .internalError(let reason): return "internal error: \(reason)"
        case .status(let status, let path): return "\(status.reasonPhrase.lowercased()): \(path)"
        }
    }

    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest: return .badRequest
        case .notFound, .notYetAvailable: return .notFound
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        case .tooManyRequests: return .tooManyRequests
        case .payloadTooLarge: return .contentTooLarge
        case .rangeNotSatisfiable: return .rangeNotSatisfiable
        case .conflict: return .conflict
        case .unavailable: return .serviceUnavailable
        case .methodNotAllowed: return .methodNotAllowed
        case .clientClosedRequest: return HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request")
        case .insufficientStorage: return HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
        case .internalError: return .internalServerError
        case .status(let status, _): return status
        }
    }

    var cachePolicy: CachePolicy {
        if case .notYetAvailable = self { return .notYetAvailable }
        return .noStore
    }
}

extension OriginError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.cacheControl: cachePolicy.headerValue]
        switch self {
        case .unauthorized: headers[.wwwAuthenticate] = "Bearer realm=\"mediaserve\""
        case .rangeNotSatisfiable(let size): headers[.contentRange] = "bytes */\(size)"
        case .tooManyRequests(_, let seconds): headers[.retryAfter] = String(seconds)
        case .methodNotAllowed(let allow): headers[.allow] = allow
        default: break
        }
        let body: ByteBuffer
        if request.uri.path.hasPrefix("/api/") {
            headers[.contentType] = "application/json; charset=utf-8"
            let data = (try? JSONEncoder().encode(["error": description])) ?? Data("{}".utf8)
            body = ByteBuffer(bytes: data)
        } else {
            headers[.contentType] = "text/plain; charset=utf-8"
            body = ByteBuffer(string: description + "\n")
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}

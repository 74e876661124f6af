import Foundation
import Hummingbird

/// Everything the origin answers with a 4xx/5xx. API paths get a JSON body (`{"error": "..."}`), the
/// rest a one-line text body, as DESIGN.md's conventions ask.
public enum OriginError: Error, CustomStringConvertible, Sendable {
    case badRequest(String)
    case notFound(String)
    /// A live segment or manifest that may exist in a moment: 404 that a CDN may cache for one second.
    case notYetAvailable(String)
    case unauthorized
    case payloadTooLarge(limit: Int)
    /// A sender over its rate (playback events): 429.
    case tooManyRequests(String)
    case rangeNotSatisfiable(size: Int)
    case conflict(String)
    case unavailable(String)
    case internalError(String)
    /// Any other status (Hummingbird's own refusals), described by its reason phrase.
    case status(HTTPResponse.Status, String)

    public var description: String {
        switch self {
        case .badRequest(let reason): return "bad request: \(reason)"
        case .notFound(let what): return "not found: \(what)"
        case .notYetAvailable(let what): return "not available yet: \(what)"
        case .unauthorized: return "missing or wrong API key: send 'Authorization: Bearer <key>'"
        case .payloadTooLarge(let limit): return "request body is larger than the limit of \(limit) bytes"
        case .tooManyRequests(let reason): return "too many requests: \(reason)"
        case .rangeNotSatisfiable(let size): return "requested range is outside the \(size)-byte file"
        case .conflict(let reason): return "conflict: \(reason)"
        case .unavailable(let reason): return "service unavailable: \(reason)"
        case .internalError(let reason): return "internal error: \(reason)"
        case .status(let status, let path): return "\(status.reasonPhrase.lowercased()): \(path)"
        }
    }

    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest: return .badRequest
        case .notFound, .notYetAvailable: return .notFound
        case .unauthorized: return .unauthorized
        case .payloadTooLarge: return .contentTooLarge
        case .tooManyRequests: return .tooManyRequests
        case .rangeNotSatisfiable: return .rangeNotSatisfiable
        case .conflict: return .conflict
        case .unavailable: return .serviceUnavailable
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
        case .tooManyRequests: headers[.retryAfter] = "10"
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

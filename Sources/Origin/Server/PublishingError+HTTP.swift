import Hummingbird
import Publishing

/// The publishing path speaks in domain terms; here they become statuses and the usual error bodies.
extension PublishingError: HTTPResponseError {
    /// The origin's view of a publishing refusal.
    var originError: OriginError {
        switch self {
        case .assetExists, .sourceChanged: return .conflict(description)
        case .notFound(let what): return .notFound(what)
        case .refused(let reason): return .badRequest(reason)
        case .badJob: return .internalError(description)
        }
    }

    public var status: HTTPResponse.Status { originError.status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try originError.response(from: request, context: context)
    }
}

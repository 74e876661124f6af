import Hummingbird

/// The media trees (`/vod/`, `/live/`) are read-only: any other method than GET, HEAD or OPTIONS gets
/// 405 with `Allow` (RFC 9110 section 15.5.6) instead of the router's 404, so a client learns that the
/// resource exists but cannot be changed this way. OPTIONS (not a CORS preflight, which the CORS
/// middleware answered) gets 204 with the same `Allow`.
public struct MediaMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    static var allowed: String { "GET, HEAD, OPTIONS" }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/vod/") || path.hasPrefix("/live/") else { return try await next(request, context) }
        switch request.method {
        case .get, .head:
            return try await next(request, context)
        case .options:
            return Response(status: .noContent, headers: [.allow: Self.allowed, .cacheControl: CachePolicy.noStore.headerValue])
        default:
            throw OriginError.methodNotAllowed(allow: Self.allowed)
        }
    }
}

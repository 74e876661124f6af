import HTTPTypes
import Hummingbird

/// CORS for players on other origins. Hummingbird's own middleware sends `Access-Control-Expose-Headers`
/// only on preflights; browsers read it from the actual response, so players could not see Content-Range
/// or ETag. This one adds the allow-origin and expose headers to every response of a CORS request and
/// answers preflights (OPTIONS with `Access-Control-Request-Method`) directly with 204. An empty
/// allow-origin (config `http.cors_allow_origin: ""`) turns CORS off.
public struct CORSHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    private let allowOrigin: String
    private let allowMethods = "GET, HEAD, POST, PATCH, DELETE, OPTIONS"
    /// The CMCD headers (CTA-5004) are not CORS-safelisted: without them here, a player on another
    /// origin that sends CMCD as headers would have every media request refused by its browser.
    private let allowHeaders = "Authorization, Content-Type, Range, If-None-Match, If-Modified-Since, If-Range, X-Request-Id, "
        + "CMCD-Object, CMCD-Request, CMCD-Session, CMCD-Status"
    private let exposeHeaders = "Content-Length, Content-Range, Content-Encoding, ETag, Last-Modified, Accept-Ranges, X-Request-Id"
    private let varyOrigin: Bool

    public init(allowOrigin: String) {
        self.allowOrigin = allowOrigin
        varyOrigin = allowOrigin != "*"
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard applies(to: request.headers) else { return try await next(request, context) }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [
                .accessControlAllowOrigin: allowOrigin,
                .accessControlAllowMethods: allowMethods,
                .accessControlAllowHeaders: allowHeaders,
                .accessControlMaxAge: "86400",
                .cacheControl: "public, max-age=86400",
            ]
            if varyOrigin { headers[.vary] = "Origin" }
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        addHeaders(to: &response.headers)
        return response
    }

    /// Whether a (non-preflight) request gets CORS headers: CORS is on and the request names an origin.
    func applies(to headers: HTTPFields) -> Bool { isEnabled && headers[.origin] != nil }

    /// CORS is on (a non-empty allow-origin).
    var isEnabled: Bool { !allowOrigin.isEmpty }

    /// The allow-origin, expose and Vary headers of an answered CORS request (the fast path adds them too).
    func addHeaders(to headers: inout HTTPFields) {
        headers[.accessControlAllowOrigin] = allowOrigin
        headers[.accessControlExposeHeaders] = exposeHeaders
        if varyOrigin {
            let vary = headers[.vary]
            headers[.vary] = vary.map { $0 + ", Origin" } ?? "Origin"
        }
    }
}

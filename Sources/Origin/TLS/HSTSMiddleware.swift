import HTTPTypes
import Hummingbird

/// `Strict-Transport-Security` on every response of the HTTPS server: browsers then never try plain
/// HTTP for this host (and its subdomains) for a year.
struct HSTSMiddleware<Context: RequestContext>: RouterMiddleware {
    static var value: String { "max-age=31536000; includeSubDomains" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.strictTransportSecurity] = Self.value
        return response
    }
}

extension HTTPField.Name {
    static let strictTransportSecurity = HTTPField.Name("Strict-Transport-Security")!
}

/// `http.redirect_port`: plain HTTP that answers every request with 301 to the same path over HTTPS.
enum HTTPSRedirect {
    static func router(httpsPort: Int) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RedirectMiddleware(httpsPort: httpsPort))
        return router
    }

    struct RedirectMiddleware: RouterMiddleware {
        typealias Context = BasicRequestContext
        let httpsPort: Int

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            let authority = request.head.authority ?? "localhost"
            var host = authority
            if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { host = String(authority[...close]) }
            else if let colon = authority.lastIndex(of: ":") { host = String(authority[..<colon]) }
            let port = httpsPort == 443 ? "" : ":\(httpsPort)"
            return Response(status: .movedPermanently,
                            headers: [.location: "https://\(host)\(port)\(request.head.path ?? "/")", .cacheControl: "no-store"])
        }
    }
}

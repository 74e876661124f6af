import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard is a page a person opens in a browser, which cannot add a bearer header: it takes the
/// admin key as the password of HTTP Basic authentication (any user name), or as a bearer key. A
/// refusal asks the browser for it (`WWW-Authenticate: Basic`).
struct DashboardAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: [UInt8]?

    init(apiKey: String?) {
        expected = apiKey.flatMap { $0.isEmpty ? nil : Array(SHA256.hash(data: Array($0.utf8))) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let expected, let given = Self.presentedKey(request.headers[.authorization]),
           BearerAuthMiddleware.constantTimeEqual(Array(SHA256.hash(data: Array(given.utf8))), expected) {
            return try await next(request, context)
        }
        return Response(status: .unauthorized,
                        headers: [.wwwAuthenticate: "Basic realm=\"mediaserve dashboard\", charset=\"UTF-8\"",
                                  .contentType: "text/plain; charset=utf-8", .cacheControl: CachePolicy.noStore.headerValue],
                        body: .init(byteBuffer: .init(string: "the dashboard needs the admin key (api.key) as the password\n")))
    }

    static func presentedKey(_ header: String?) -> String? {
        guard let header else { return nil }
        if header.hasPrefix("Bearer ") { return String(header.dropFirst(7)) }
        guard header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return String(text[text.index(after: colon)...])
    }
}

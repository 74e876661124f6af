import Crypto
import Hummingbird

/// Requires `Authorization: Bearer <key>` on the admin API. Keys are compared as SHA-256 digests with a
/// loop that always touches every byte, so timing reveals neither the key's length nor a matching prefix.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expected: [UInt8]?

    init(apiKey: String?) {
        expected = apiKey.flatMap { $0.isEmpty ? nil : Array(SHA256.hash(data: Array($0.utf8))) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected, let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw OriginError.unauthorized
        }
        let given = Array(SHA256.hash(data: Array(header.dropFirst(7).utf8)))
        guard Self.constantTimeEqual(given, expected) else { throw OriginError.unauthorized }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

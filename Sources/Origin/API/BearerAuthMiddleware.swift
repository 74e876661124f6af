import Crypto
import Hummingbird

/// Requires `Authorization: Bearer <key>` on the admin API. Keys are compared as SHA-256 digests with a
/// loop that always touches every byte, so timing reveals neither the key's length nor a matching prefix.
/// Wrong keys are counted per client address: past the limiter's allowance the address gets 429
/// (issue 12). Neither the expected nor the given key is ever logged.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = OriginRequestContext
    private let expected: [UInt8]?
    let limiter: FailedAuthLimiter?
    let metrics: OriginMetrics?

    init(apiKey: String?, limiter: FailedAuthLimiter? = nil, metrics: OriginMetrics? = nil) {
        expected = apiKey.flatMap { $0.isEmpty ? nil : Array(SHA256.hash(data: Array($0.utf8))) }
        self.limiter = limiter
        self.metrics = metrics
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = context.remoteIP ?? "unknown"
        if let limiter, let wait = limiter.retryAfter(address) {
            metrics?.recordAdminAuthFailure(limited: true)
            context.logger.notice("admin API: \(address) slowed down after repeated wrong keys")
            throw OriginError.tooManyRequests("too many failed authentications from your address", retryAfter: wait)
        }
        guard let expected, let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              Self.constantTimeEqual(Array(SHA256.hash(data: Array(header.dropFirst(7).utf8))), expected) else {
            if request.headers[.authorization] != nil {
                limiter?.recordFailure(address)
                metrics?.recordAdminAuthFailure(limited: false)
            }
            throw OriginError.unauthorized
        }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

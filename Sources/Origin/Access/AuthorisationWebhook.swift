import Access
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// The external authorisation hook: POSTs a `WebhookQuery` as JSON and allows on 2xx. Decisions are
/// remembered for `cacheSeconds` per (action, item, token, address); a hook that is down or slower
/// than `timeout` fails closed (the request is refused, and that is not cached).
public final class AuthorisationWebhook: Sendable {
    let url: String
    let cacheSeconds: Double
    let timeout: TimeAmount
    let logger: Logger
    private let cache = Mutex<[String: (verdict: WebhookVerdict, until: Double)]>([:])

    public init(url: String, cacheSeconds: Double, timeoutMilliseconds: Int = 2000, logger: Logger) {
        self.url = url
        self.cacheSeconds = cacheSeconds
        timeout = .milliseconds(Int64(timeoutMilliseconds))
        self.logger = logger
    }

    public func verdict(for query: WebhookQuery) async -> WebhookVerdict {
        let now = Date().timeIntervalSince1970
        if let hit = cache.withLock({ $0[query.cacheKey] }), hit.until > now { return hit.verdict }
        let verdict = await ask(query)
        if case .unavailable = verdict { return verdict }
        cache.withLock { entries in
            if entries.count > 100_000 { entries.removeAll(keepingCapacity: true) }
            entries[query.cacheKey] = (verdict, now + cacheSeconds)
        }
        return verdict
    }

    private func ask(_ query: WebhookQuery) async -> WebhookVerdict {
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(query)))
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            _ = try? await response.body.collect(upTo: 64 << 10)
            let status = Int(response.status.code)
            return (200..<300).contains(status) ? .allowed : .denied(status: status)
        } catch {
            logger.warning("authorisation webhook failed (refusing): \(error)")
            return .unavailable("\(error)")
        }
    }
}

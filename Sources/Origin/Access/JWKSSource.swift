import Access
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// The JWKS the JWT policy verifies against, from `access.jwt.jwks_file` or `access.jwt.jwks_url`.
/// Kept in memory and refreshed every `refreshSeconds`; a token signed with a `kid` the document does
/// not hold triggers one re-fetch, at most once per `minimumRefetchSeconds` (an identity provider that
/// rotated its keys is picked up at once; a flood of made-up kids costs one fetch per interval).
public actor JWKSSource {
    public enum Location: Sendable {
        case file(String)
        case url(String)
    }

    let location: Location
    let refreshSeconds: Double
    let minimumRefetchSeconds: Double
    let logger: Logger
    private var verifier: JWTVerifier?
    private var loadedAt: Double = 0
    private var lastAttempt: Double = -Double.infinity

    public init(location: Location, refreshSeconds: Double = 3600, minimumRefetchSeconds: Double = 30, logger: Logger) {
        self.location = location
        self.refreshSeconds = refreshSeconds
        self.minimumRefetchSeconds = minimumRefetchSeconds
        self.logger = logger
    }

    /// Loads the document now; throws a one-line reason (start-up refuses a bad JWKS file).
    public func load() async throws {
        lastAttempt = Date().timeIntervalSince1970
        let text: String
        switch location {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw JWTVerifierError(reason: "access.jwt.jwks_file \(path) cannot be read")
            }
            text = String(decoding: data, as: UTF8.self)
        case .url(let url):
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            guard (200..<300).contains(Int(response.status.code)) else {
                throw JWTVerifierError(reason: "access.jwt.jwks_url \(url) answered \(response.status.code)")
            }
            text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        }
        verifier = try await JWTVerifier(jwksJSON: text)
        loadedAt = Date().timeIntervalSince1970
    }

    public func verify(_ token: String) async -> JWTOutcome {
        let now = Date().timeIntervalSince1970
        if verifier == nil || now - loadedAt > refreshSeconds { await reload(now: now) }
        guard let verifier else { return .invalid("the JWKS could not be loaded") }
        let outcome = await verifier.verify(token)
        if case .unknownKey = outcome, now - lastAttempt >= minimumRefetchSeconds {
            await reload(now: now)
            if let fresh = self.verifier { return await fresh.verify(token) }
        }
        return outcome
    }

    private func reload(now: Double) async {
        guard now - lastAttempt >= minimumRefetchSeconds || verifier == nil && now - lastAttempt >= 1 else { return }
        do {
            try await load()
        } catch {
            logger.warning("JWKS refresh failed (keeping the previous keys): \(error)")
        }
    }
}

import Access
import Foundation
import Hummingbird
import JWTKit
import Logging
import Synchronization
import Testing
import TestSupport
@testable import Origin

/// `access.jwt.jwks_url` against a real HTTP server in the test (the identity provider): the document is
/// fetched and kept, a token signed with a key the provider added later is accepted after one re-fetch,
/// and a flood of made-up key ids costs at most one fetch per `minimumRefetchSeconds`.
@Suite(.serialized) struct JWKSURLTests {
    /// The provider: serves `document` at /jwks.json and counts the fetches.
    final class Provider: Sendable {
        let document = Mutex<String>("")
        let fetches = Atomic<Int>(0)
    }

    static func withProvider<T: Sendable>(_ provider: Provider, _ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get("jwks.json") { _, _ -> Response in
            provider.fetches.wrappingAdd(1, ordering: .sequentiallyConsistent)
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: provider.document.withLock { $0 })))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else { throw OriginError.internalError("the JWKS server did not start") }
            return try await body("http://127.0.0.1:\(port)/jwks.json")
        }
    }

    static func jwk(_ key: ES256PrivateKey, kid: String) -> String {
        let point = key.publicKey.parameters!
        return #"{"kty":"EC","crv":"P-256","kid":"\#(kid)","alg":"ES256","x":"\#(point.x)","y":"\#(point.y)"}"#
    }

    static func token(_ key: ES256PrivateKey, kid: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        return try await keys.sign(AccessServeTests.Claims(claims: [
            "sub": "viewer", "subscription_tier": "free", "exp": String(Int(Date().timeIntervalSince1970) + 600)]), kid: JWKIdentifier(string: kid))
    }

    static func isVerified(_ outcome: JWTOutcome) -> Bool {
        if case .verified = outcome { return true }
        return false
    }

    @Test func rotatedKeysArePickedUpAndMadeUpKidsAreRateLimited() async throws {
        let first = ES256PrivateKey(), second = ES256PrivateKey()
        let provider = Provider()
        provider.document.withLock { $0 = #"{"keys":[\#(Self.jwk(first, kid: "k1"))]}"# }
        try await Self.withProvider(provider) { url in
            let source = JWKSSource(location: .url(url), refreshSeconds: 3600, minimumRefetchSeconds: 0.5, logger: Logger(label: "jwks-test"))
            try await source.load()
            #expect(Self.isVerified(await source.verify(try await Self.token(first, kid: "k1"))))
            #expect(provider.fetches.load(ordering: .sequentiallyConsistent) == 1, "kept, not fetched per token")

            // The provider rotates: k2 appears. A token signed with it is accepted once the re-fetch is allowed.
            provider.document.withLock { $0 = #"{"keys":[\#(Self.jwk(first, kid: "k1")),\#(Self.jwk(second, kid: "k2"))]}"# }
            let rotated = try await Self.token(second, kid: "k2")
            #expect(await eventually(timeout: .seconds(10), poll: .milliseconds(100)) { Self.isVerified(await source.verify(rotated)) })
            let afterRotation = provider.fetches.load(ordering: .sequentiallyConsistent)
            #expect(afterRotation >= 2)

            // Made-up kids, all at once: refused, and at most one more fetch within the interval.
            let started = ContinuousClock.now
            for index in 0..<20 {
                let outcome = await source.verify(try await Self.token(ES256PrivateKey(), kid: "made-up-\(index)"))
                #expect(outcome == .unknownKey("made-up-\(index)"))
            }
            let elapsed = started.duration(to: .now)
            let extra = provider.fetches.load(ordering: .sequentiallyConsistent) - afterRotation
            // One fetch per started 0.5 s interval at most.
            let allowed = 1 + Int(Double(elapsed.components.seconds) * 2 + Double(elapsed.components.attoseconds) / 5e17)
            #expect(extra <= allowed, "\(extra) fetches for 20 made-up kids in \(elapsed)")
            #expect(Self.isVerified(await source.verify(rotated)), "the known keys still verify")
        }
    }
}

import Access
import MediaCore
import Testing

@Suite struct JWTTierTests {
    let now = 1_800_000_000

    func settings(claim: String = "subscription_tier") -> AccessSettings {
        AccessSettings(defaultPolicy: .jwt,
                       jwt: JWTRules(issuer: "https://idp.example", audience: "mediaserve", leewaySeconds: 60, tierClaim: claim),
                       tiers: ["free": TierLimits(maxHeight: 1080), "premium": TierLimits(maxHeight: 2160)])
    }

    func claims(tier: String?, claim: String = "subscription_tier", exp: Int? = nil, nbf: Int? = nil,
                iss: String = "https://idp.example", aud: String = "mediaserve") -> [String: TokenClaimsValue] {
        var out: [String: TokenClaimsValue] = ["iss": .string(iss), "aud": .string(aud), "sub": .string("viewer-1"),
                                               "exp": .number(exp ?? now + 600)]
        if let tier { out[claim] = .string(tier) }
        if let nbf { out["nbf"] = .number(nbf) }
        return out
    }

    func decide(_ token: String, verifier: JWTVerifier, settings: AccessSettings, inQuery: Bool = false) async -> AccessDecision {
        let path = MediaPath(path: "/vod/film/master.m3u8")!
        let request = inQuery ? ViewerRequest(path: path, parameters: AccessParameters(token: token), now: now)
                              : ViewerRequest(path: path, bearerToken: token, now: now)
        return AccessEvaluator(settings: settings).decide(request, item: .unset, jwt: await verifier.verify(token))
    }

    @Test func rs256ES256AndEdDSATokensMapTheirTierToAHeight() async throws {
        let keys = try await TestKeys.make()
        let verifier = try await JWTVerifier(jwksJSON: keys.jwksJSON)
        for kid in ["rsa1", "ec1", "ed1"] {
            let free = try await keys.token(kid: kid, claims(tier: "free"))
            guard case .allow(let grant) = await decide(free, verifier: verifier, settings: settings()) else {
                Issue.record("\(kid) free token refused"); continue
            }
            #expect(grant.maxHeight == 1080)
            #expect(grant.vary == ["Authorization"] && grant.propagatedQuery == nil && grant.viewerSpecific)
            let premium = try await keys.token(kid: kid, claims(tier: "premium"))
            guard case .allow(let top) = await decide(premium, verifier: verifier, settings: settings(), inQuery: true) else {
                Issue.record("\(kid) premium token refused"); continue
            }
            #expect(top.maxHeight == 2160)
            #expect(top.propagatedQuery == "token=" + premium)
        }
    }

    @Test func cognitosCustomClaimWorks() async throws {
        let keys = try await TestKeys.make()
        let verifier = try await JWTVerifier(jwksJSON: keys.jwksJSON)
        let token = try await keys.token(kid: "ec1", claims(tier: "premium", claim: "custom:subscription_tier"))
        let decision = await decide(token, verifier: verifier, settings: settings(claim: "custom:subscription_tier"))
        guard case .allow(let grant) = decision else { Issue.record("refused: \(decision)"); return }
        #expect(grant.maxHeight == 2160)
    }

    @Test func badTokensAreRefusedWithTheirReason() async throws {
        let keys = try await TestKeys.make()
        let verifier = try await JWTVerifier(jwksJSON: keys.jwksJSON)
        func reason(_ claims: [String: TokenClaimsValue]) async throws -> AccessRefusal.Reason? {
            let token = try await keys.token(kid: "ed1", claims)
            if case .deny(let refusal) = await decide(token, verifier: verifier, settings: settings()) { return refusal.reason }
            return nil
        }
        #expect(try await reason(claims(tier: nil)) == .noTier)
        #expect(try await reason(claims(tier: "platinum")) == .unknownTier)
        #expect(try await reason(claims(tier: "free", exp: now - 61)) == .expired)
        #expect(try await reason(claims(tier: "free", exp: now - 30)) == nil)  // within the leeway
        #expect(try await reason(claims(tier: "free", nbf: now + 120)) == .invalidJWT)
        #expect(try await reason(claims(tier: "free", iss: "https://evil.example")) == .invalidJWT)
        #expect(try await reason(claims(tier: "free", aud: "someone-else")) == .invalidJWT)

        let good = try await keys.token(kid: "ec1", claims(tier: "free"))
        var parts = good.split(separator: ".").map(String.init)
        parts[1] = TestKeys.b64url(Data(#"{"subscription_tier":"premium","exp":1900000000}"#.utf8))
        guard case .deny(let forged) = await decide(parts.joined(separator: "."), verifier: verifier, settings: settings()) else {
            Issue.record("a forged payload was accepted"); return
        }
        #expect(forged.reason == .invalidJWT)

        let stranger = try await TestKeys.make()
        let unknown = try await stranger.token(kid: "other", claims(tier: "free"))
        #expect(await verifier.verify(unknown) == .unknownKey("other"))
        guard case .deny(let missing) = AccessEvaluator(settings: settings())
            .decide(ViewerRequest(path: MediaPath(path: "/vod/film/master.m3u8")!, now: now), item: .unset) else {
            Issue.record("no token accepted"); return
        }
        #expect(missing.reason == .missingToken)
    }
}

import Foundation

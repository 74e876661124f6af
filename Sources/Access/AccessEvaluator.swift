/// The access decision for one media request: a pure function of the request, the item's rules, the
/// settings and what the edges found out (a JWT's verified claims, the webhook's verdict). Order: the
/// CDN's proof, then country, then the item's policy, then the device rule.
public struct AccessEvaluator: Sendable {
    public let settings: AccessSettings

    public init(settings: AccessSettings) { self.settings = settings }

    /// The policy in force for an item.
    public func policy(of item: ItemAccess) -> AccessPolicy { item.policy ?? settings.defaultPolicy }

    /// Whether `decide` needs a JWT outcome or a webhook verdict for this item (the edge fetches them).
    public func needs(_ item: ItemAccess, _ request: ViewerRequest) -> AccessPolicy? {
        if cdnVouches(request) { return nil }
        let policy = policy(of: item)
        return policy == .jwt || policy == .webhook ? policy : nil
    }

    /// What `decide` answers every request for this item with, when nothing of the request can change it:
    /// a public item with no country rule (its own or the server's) and no device rule. Nil when the
    /// request's credentials, country or device would be read.
    public func decisionForEveryViewer(_ item: ItemAccess) -> AccessDecision? {
        guard policy(of: item) == .public, settings.geo.blockedCountries.isEmpty, item.blockedCountries.isEmpty,
              item.allowedCountries.isEmpty, settings.devices.mobileMaxHeight == nil else { return nil }
        return .allow(AccessGrant())
    }

    /// Whether `decide` reads nothing of a request for this item but its signed-URL parameters, its scope,
    /// its client address and the time in whole seconds: a signed item with no country rule, no device
    /// rule and no CDN secret configured (the CDN's proof is a header).
    public func readsOnlySignature(_ item: ItemAccess) -> Bool {
        policy(of: item) == .signed && settings.cdnSecret == nil && settings.geo.blockedCountries.isEmpty
            && item.blockedCountries.isEmpty && item.allowedCountries.isEmpty && settings.devices.mobileMaxHeight == nil
    }

    public func decide(_ request: ViewerRequest, item: ItemAccess, jwt: JWTOutcome? = nil,
                       webhook: WebhookVerdict? = nil) -> AccessDecision {
        // Deployment (b): the CDN validated the viewer and proves it; the response is the same for every
        // viewer the CDN lets through, so it stays cacheable.
        if cdnVouches(request) { return .allow(AccessGrant()) }
        var grant = AccessGrant()
        let blocked = settings.geo.blockedCountries + item.blockedCountries
        if !blocked.isEmpty || !item.allowedCountries.isEmpty {
            grant.vary.append(settings.geo.countryHeader)
            let country = request.country?.uppercased()
            if let country, blocked.contains(country) { return .deny(.region) }
            if !item.allowedCountries.isEmpty, !(country.map(item.allowedCountries.contains) ?? false) { return .deny(.region) }
        }
        switch policy(of: item) {
        case .public:
            break
        case .signed:
            guard let signer = settings.signer else {
                return .deny(AccessRefusal(.missingToken, "this content needs a signed URL, and this server has no access.signing_key"))
            }
            switch signer.verify(request.parameters, scope: request.path.scope, now: request.now) {
            case .failure(let refusal): return .deny(refusal)
            case .success(let verified):
                if let network = verified.claims.network, !(request.clientIP.map(network.contains) ?? false) {
                    return .deny(AccessRefusal(.ipMismatch, "this signed URL is bound to another network than yours"))
                }
                grant.maxHeight = verified.claims.maxHeight
                grant.propagatedQuery = verified.query
            }
        case .jwt:
            guard let token = request.presentedToken else {
                return .deny(AccessRefusal(.missingToken, "this content needs a JWT: send 'Authorization: Bearer <token>' or ?token="))
            }
            switch jwt {
            case .verified(let claims)?:
                switch tierLimit(claims, now: request.now) {
                case .failure(let refusal): return .deny(refusal)
                case .success(let height): grant.maxHeight = height
                }
            case .unknownKey(let kid)?:
                return .deny(AccessRefusal(.invalidJWT, "the JWT is signed with key '\(kid)', which the JWKS does not hold"))
            case .invalid(let reason)?:
                return .deny(AccessRefusal(.invalidJWT, reason))
            case nil:
                return .deny(AccessRefusal(.invalidJWT, "JWT verification is not configured (access.jwt.jwks_file or jwks_url)"))
            }
            if token.fromQuery { grant.propagatedQuery = "token=" + token.value } else { grant.vary.append("Authorization") }
        case .webhook:
            switch webhook {
            case .allowed?: break
            case .denied(let status)?:
                return .deny(AccessRefusal(.webhookDenied, "the authorisation service refused this request (HTTP \(status))"))
            case .unavailable(let reason)?:
                return .deny(AccessRefusal(.webhookUnavailable, "the authorisation service could not be asked: \(reason)"))
            case nil:
                return .deny(AccessRefusal(.webhookUnavailable, "no authorisation service is configured (access.webhook_url)"))
            }
            if let token = request.presentedToken {
                if token.fromQuery { grant.propagatedQuery = "token=" + token.value } else { grant.vary.append("Authorization") }
            }
        }
        grant.viewerSpecific = policy(of: item) != .public
        grant.listedMaxHeight = grant.maxHeight
        if let mobileMax = settings.devices.mobileMaxHeight {
            grant.manifestVary = [settings.devices.mobileHeader, "User-Agent"]
            if DeviceRules.isMobile(header: request.mobileHeader, userAgent: request.userAgent) {
                grant.listedMaxHeight = min(grant.listedMaxHeight ?? mobileMax, mobileMax)
            }
        }
        return .allow(grant)
    }

    /// The verified claims' issuer, audience and times (with leeway), then the tier's height limit.
    public func tierLimit(_ claims: TokenClaims, now: Int) -> Result<Int?, AccessRefusal> {
        let rules = settings.jwt
        let leeway = Double(rules.leewaySeconds)
        if let issuer = rules.issuer, claims.string("iss") != issuer {
            return .failure(AccessRefusal(.invalidJWT, "the JWT's issuer is not \(issuer)"))
        }
        if let audience = rules.audience, !claims.audiences.contains(audience) {
            return .failure(AccessRefusal(.invalidJWT, "the JWT is not meant for audience \(audience)"))
        }
        guard let expiry = claims.seconds("exp") else { return .failure(AccessRefusal(.invalidJWT, "the JWT has no exp claim")) }
        if Double(now) > expiry + leeway { return .failure(.expired(at: Int(expiry))) }
        if let notBefore = claims.seconds("nbf"), Double(now) + leeway < notBefore {
            return .failure(AccessRefusal(.invalidJWT, "the JWT is not valid yet (nbf)"))
        }
        guard let tier = claims.string(rules.tierClaim), !tier.isEmpty else {
            return .failure(AccessRefusal(.noTier, "the JWT has no '\(rules.tierClaim)' claim"))
        }
        guard let limits = settings.tiers[tier] else {
            return .failure(AccessRefusal(.unknownTier, "subscription tier '\(tier)' is not configured (access.tiers)"))
        }
        return .success(limits.maxHeight)
    }

    private func cdnVouches(_ request: ViewerRequest) -> Bool {
        guard let expected = settings.cdnSecret?.value, let given = request.cdnSecret else { return false }
        return ConstantTime.equal(Array(given.utf8), Array(expected.utf8))
    }
}

enum ConstantTime {
    /// Compares every byte whatever the contents (lengths may differ: that is not secret here).
    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

/// The server-wide access configuration (the `access.*` keys), as plain values: built once from the
/// config by the executable and passed to the evaluator.
public struct AccessSettings: Sendable {
    /// Policy of items that have none of their own.
    public var defaultPolicy: AccessPolicy
    /// Nil when no signing key is configured: `signed` items then refuse every viewer.
    public var signer: URLSigner?
    public var jwt: JWTRules
    /// Tier name -> the tallest rendition it may play.
    public var tiers: [String: TierLimits]
    public var geo: GeoRules
    public var devices: DeviceRules
    /// `access.cdn_secret_header` as `(name, value)`: a request carrying it comes from the CDN, which has
    /// validated the viewer itself (deployment b); the origin then serves cacheable responses.
    public var cdnSecret: (name: String, value: String)?
    /// Header with the viewer's address when a CDN or proxy is in front (first address of the list);
    /// nil uses the connection's peer.
    public var clientIPHeader: String?

    public init(defaultPolicy: AccessPolicy = .public, signer: URLSigner? = nil, jwt: JWTRules = JWTRules(),
                tiers: [String: TierLimits] = [:], geo: GeoRules = GeoRules(), devices: DeviceRules = DeviceRules(),
                cdnSecret: (name: String, value: String)? = nil, clientIPHeader: String? = nil) {
        self.defaultPolicy = defaultPolicy
        self.signer = signer
        self.jwt = jwt
        self.tiers = tiers
        self.geo = geo
        self.devices = devices
        self.cdnSecret = cdnSecret
        self.clientIPHeader = clientIPHeader
    }
}

public struct TierLimits: Sendable, Equatable {
    public var maxHeight: Int?

    public init(maxHeight: Int?) { self.maxHeight = maxHeight }
}

/// What a JWT must satisfy besides its signature.
public struct JWTRules: Sendable, Equatable {
    public var issuer: String?
    public var audience: String?
    public var leewaySeconds: Int
    /// The claim holding the subscription tier (`custom:subscription_tier` for Cognito).
    public var tierClaim: String

    public init(issuer: String? = nil, audience: String? = nil, leewaySeconds: Int = 60, tierClaim: String = "subscription_tier") {
        self.issuer = issuer
        self.audience = audience
        self.leewaySeconds = leewaySeconds
        self.tierClaim = tierClaim
    }
}

/// Country rules from the header a CDN adds (`CloudFront-Viewer-Country`, `CF-IPCountry`, ...).
public struct GeoRules: Sendable, Equatable {
    public var countryHeader: String
    /// Refused everywhere, whatever the item's own rules.
    public var blockedCountries: [String]

    public init(countryHeader: String = "CloudFront-Viewer-Country", blockedCountries: [String] = []) {
        self.countryHeader = countryHeader
        self.blockedCountries = blockedCountries
    }
}

/// Phones get a shorter ladder: `mobile_max_height` caps the renditions a manifest lists for them.
public struct DeviceRules: Sendable, Equatable {
    public var mobileMaxHeight: Int?
    /// `true` in this header marks a phone (CloudFront); otherwise the User-Agent decides.
    public var mobileHeader: String

    public init(mobileMaxHeight: Int? = nil, mobileHeader: String = "CloudFront-Is-Mobile-Viewer") {
        self.mobileMaxHeight = mobileMaxHeight
        self.mobileHeader = mobileHeader
    }

    /// The CDN's verdict when it sent one, else the User-Agent's tell-tale words.
    public static func isMobile(header: String?, userAgent: String?) -> Bool {
        if let header { return header.lowercased() == "true" }
        guard let userAgent else { return false }
        return ["Mobile", "Android", "iPhone", "iPod", "Windows Phone"].contains { userAgent.contains($0) }
    }
}

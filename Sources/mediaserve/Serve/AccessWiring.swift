import Access
import Config
import Foundation
import Logging
import Origin

/// Turns the `access.*`, `http.tls.*` and `api.key` settings into what the origin runs with, refusing
/// to start (one line each) on a combination that would be unsafe or cannot work.
enum AccessWiring {
    enum StartError: Error, CustomStringConvertible {
        case developmentKeyExposed(host: String)
        case incomplete(String)

        var description: String {
            switch self {
            case .developmentKeyExposed(let host):
                return "refusing to serve on \(host) with the development API key: set api.key (or MEDIASERVE_API_KEY) to a secret of your own, or bind http.host to 127.0.0.1"
            case .incomplete(let reason): return reason
            }
        }
    }

    /// Loopback binds (127.0.0.0/8, ::1, localhost) may keep the development key; anything else may not.
    static func checkAdminKey(_ config: MediaServeConfig) throws {
        let host = config.http.host
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        if config.usesDevelopmentAPIKey, !loopback { throw StartError.developmentKeyExposed(host: host) }
    }

    static func settings(_ access: MediaServeConfig.Access) throws -> AccessSettings {
        let defaultPolicy = AccessPolicy(rawValue: access.defaultPolicy) ?? .public
        var blocked: [String] = []
        switch ItemAccess.countryCodes(access.geo.blockedCountries) {
        case .success(let codes): blocked = codes
        case .failure(let error): throw StartError.incomplete("access.geo.blocked_countries: \(error)")
        }
        var cdnSecret: (name: String, value: String)?
        switch (access.cdnSecretHeader, access.cdnSecret) {
        case (let name?, let value?): cdnSecret = (name, value)
        case (nil, nil): break
        default: throw StartError.incomplete("access.cdn_secret_header and access.cdn_secret go together: set both or neither")
        }
        return AccessSettings(
            defaultPolicy: defaultPolicy,
            signer: access.signingKey.map { URLSigner(key: $0, previousKeys: access.previousSigningKeys) },
            jwt: JWTRules(issuer: access.jwt.issuer, audience: access.jwt.audience, leewaySeconds: access.jwt.leewaySeconds,
                          tierClaim: access.jwt.tierClaim),
            tiers: access.tiers.mapValues { TierLimits(maxHeight: $0) },
            geo: GeoRules(countryHeader: access.geo.countryHeader, blockedCountries: blocked),
            devices: DeviceRules(mobileMaxHeight: access.devices.mobileMaxHeight > 0 ? access.devices.mobileMaxHeight : nil),
            cdnSecret: cdnSecret, clientIPHeader: access.clientIPHeader)
    }

    /// The origin's access gate; the JWKS is loaded now so a bad file or URL stops start-up.
    static func gate(_ config: MediaServeConfig, rules: any AccessRulesSource, index: any MediaIndex,
                     logger: Logger) async throws -> AccessGate {
        let access = config.access
        var jwks: JWKSSource?
        switch (access.jwt.jwksFile, access.jwt.jwksURL) {
        case (let file?, nil): jwks = JWKSSource(location: .file(file), logger: logger)
        case (nil, let url?): jwks = JWKSSource(location: .url(url), logger: logger)
        case (nil, nil): break
        default: throw StartError.incomplete("set one of access.jwt.jwks_file and access.jwt.jwks_url, not both")
        }
        if let jwks {
            do { try await jwks.load() } catch { throw StartError.incomplete("\(error)") }
        }
        let webhook = access.webhookURL.map {
            AuthorisationWebhook(url: $0, cacheSeconds: Double(access.webhookCacheSeconds),
                                 timeoutMilliseconds: access.webhookTimeoutMilliseconds, logger: logger)
        }
        return AccessGate(settings: try settings(access), rules: rules, index: index, jwks: jwks, webhook: webhook)
    }

    static func certificates(_ config: MediaServeConfig) throws -> CertificateStore? {
        switch (config.http.tlsCertFile, config.http.tlsKeyFile) {
        case (let cert?, let key?): return try CertificateStore(certificateFile: cert, keyFile: key)
        case (nil, nil): return nil
        default: throw StartError.incomplete("http.tls.cert_file and http.tls.key_file go together: set both for HTTPS, or neither")
        }
    }
}

import Access
import Foundation
import Hummingbird
import MediaCore

/// `PATCH /api/v1/assets/{id}` (access policy and countries, and `encrypted` for issue 13: one handler,
/// since a route has one handler) and `POST /api/v1/playback-urls` (a signed HLS and DASH URL for one
/// asset or stream).
struct AccessAdminRoutes: Sendable {
    let backend: any AdminBackend
    let access: AccessGate?
    /// Encrypted delivery; nil when the server has no `drm` set-up (then `encrypted` is refused).
    let protection: ProtectionService?
    /// Longest lifetime a minted URL may ask for (a week); default one hour.
    static let maxExpiresIn = 7 * 86_400
    static let defaultExpiresIn = 3600

    func register(on api: RouterGroup<OriginRequestContext>) {
        api.patch("assets/:id") { request, context in
            guard let id = AssetID(context.parameters.get("id") ?? "") else {
                throw OriginError.notFound("asset ids use a-z, 0-9, '-' and '_' (at most 64)")
            }
            guard try await backend.asset(id) != nil else { throw OriginError.notFound("asset '\(id)'") }
            let scope = AccessScope(tree: .vod, owner: id.name)
            let patch = try AccessPatch.parse(try await LiveStreamRoutes.body(request))
            if patch.encrypted != nil, protection == nil {
                throw OriginError.badRequest("encrypted assets need the drm settings (drm.master_key)")
            }
            let current = try await backend.accessRules(scope)
            var updated = current
            if patch.changesAccess {
                updated = patch.applied(to: current)
                try await backend.setAccessRules(scope, updated)
                access?.forget(scope)
                context.logger.info("asset \(id): access \(updated.policy?.rawValue ?? "default")")
            }
            if let encrypted = patch.encrypted, let protection {
                try protection.setEncrypted(tree: .vod, owner: id.name, encrypted)
                context.logger.info("asset \(id): encrypted \(encrypted)")
            }
            guard var summary = try await backend.asset(id) else { throw OriginError.notFound("asset '\(id)'") }
            summary.access = AccessSummary(updated)
            return try AdminAPIRoutes.json(summary)
        }
        api.post("playback-urls") { request, _ in
            try await playbackURLs(try await LiveStreamRoutes.body(request))
        }
    }

    private func playbackURLs(_ body: Data) async throws -> Response {
        guard let signer = access?.settings.signer else {
            throw OriginError.unavailable("no signing key is configured: set access.signing_key (or MEDIASERVE_ACCESS_SIGNING_KEY)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw OriginError.badRequest(#"the body must be a JSON object: {"asset": "film", "expiresIn": 3600}"#)
        }
        let scope: AccessScope
        if let raw = object["asset"] {
            guard let text = raw as? String, let id = AssetID(text) else { throw OriginError.badRequest("asset '\(raw)' is not an asset id") }
            guard try await backend.asset(id) != nil else { throw OriginError.notFound("asset '\(id)'") }
            scope = AccessScope(tree: .vod, owner: id.name)
        } else if let raw = object["stream"] {
            guard let text = raw as? String, let id = SafeName(text) else { throw OriginError.badRequest("stream '\(raw)' is not a stream id") }
            guard try await backend.liveStream(id) != nil else { throw OriginError.notFound("live stream '\(id)'") }
            scope = AccessScope(tree: .live, owner: id)
        } else {
            throw OriginError.badRequest(#"name what to sign: {"asset": "<id>"} or {"stream": "<id>"}"#)
        }
        let expiresIn = try Self.positive(object["expiresIn"], name: "expiresIn", max: Self.maxExpiresIn) ?? Self.defaultExpiresIn
        let maxHeight = try Self.positive(object["maxHeight"], name: "maxHeight", max: 8640)
        var network: IPNetwork?
        if let raw = object["ip"] {
            guard let text = raw as? String, let parsed = IPNetwork(text) else {
                throw OriginError.badRequest("ip '\(raw)' must be an address or CIDR such as 203.0.113.0/24")
            }
            network = parsed
        }
        let expires = Int(Date().timeIntervalSince1970) + expiresIn
        let query = signer.query(for: SignedURLClaims(scope: scope, expires: expires, network: network, maxHeight: maxHeight))
        return try AdminAPIRoutes.json(SignedPlayback(
            hls: scope.pathPrefix + "master.m3u8?" + query, dash: scope.pathPrefix + "manifest.mpd?" + query,
            expiresAt: ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(expires)))))
    }

    static func positive(_ raw: Any?, name: String, max: Int) throws -> Int? {
        guard let raw else { return nil }
        guard let value = raw as? Int, (1...max).contains(value) else {
            throw OriginError.badRequest("\(name) must be a whole number from 1 to \(max), not '\(raw)'")
        }
        return value
    }
}

/// What `POST /api/v1/playback-urls` answers.
struct SignedPlayback: Codable, Sendable {
    var hls: String
    var dash: String
    var expiresAt: String
}

/// An asset's or stream's access as the API shows it.
public struct AccessSummary: Codable, Sendable, Equatable {
    public var policy: String?
    public var blockedCountries: [String]
    public var allowedCountries: [String]

    public init(_ item: ItemAccess) {
        policy = item.policy?.rawValue
        blockedCountries = item.blockedCountries
        allowedCountries = item.allowedCountries
    }
}

/// Body of `PATCH /api/v1/assets/{id}`: any of `access`, `blockedCountries`, `allowedCountries`, `encrypted`.
struct AccessPatch: Sendable {
    var policy: AccessPolicy??
    var blocked: [String]?
    var allowed: [String]?
    var encrypted: Bool?

    var changesAccess: Bool { policy != nil || blocked != nil || allowed != nil }

    static func parse(_ body: Data) throws -> AccessPatch {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw OriginError.badRequest(#"the body must be a JSON object: {"access": "signed", "blockedCountries": ["KP"]}"#)
        }
        var patch = AccessPatch()
        for key in object.keys where !["access", "blockedCountries", "allowedCountries", "encrypted"].contains(key) {
            throw OriginError.badRequest("unknown field '\(key)': use access, blockedCountries, allowedCountries or encrypted")
        }
        if let raw = object["encrypted"] {
            guard let flag = raw as? Bool else { throw OriginError.badRequest("encrypted must be true or false, not '\(raw)'") }
            patch.encrypted = flag
        }
        if let raw = object["access"] {
            if raw is NSNull { patch.policy = .some(nil) } else {
                guard let text = raw as? String, let policy = AccessPolicy(rawValue: text) else {
                    throw OriginError.badRequest("access must be one of \(AccessPolicy.names) (or null for the default), not '\(raw)'")
                }
                patch.policy = .some(policy)
            }
        }
        patch.blocked = try countries(object["blockedCountries"], name: "blockedCountries")
        patch.allowed = try countries(object["allowedCountries"], name: "allowedCountries")
        return patch
    }

    func applied(to item: ItemAccess) -> ItemAccess {
        var out = item
        if let policy { out.policy = policy }
        if let blocked { out.blockedCountries = blocked }
        if let allowed { out.allowedCountries = allowed }
        return out
    }

    private static func countries(_ raw: Any?, name: String) throws -> [String]? {
        guard let raw else { return nil }
        guard let list = raw as? [String] else { throw OriginError.badRequest("\(name) must be a list of country codes such as [\"US\", \"DE\"]") }
        switch ItemAccess.countryCodes(list) {
        case .success(let codes): return codes
        case .failure(let error): throw OriginError.badRequest("\(name): \(error)")
        }
    }
}

import Access
import Foundation
import Hummingbird
import MediaCore

/// `POST /api/v1/playback-urls`: a signed HLS and DASH URL for one asset or stream. (An asset's access
/// rules are set by `PATCH /api/v1/assets/{id}`, `AssetPatchRoutes`.)
struct AccessAdminRoutes: Sendable {
    let backend: any AdminBackend
    let access: AccessGate?
    /// Longest lifetime a minted URL may ask for (a week); default one hour.
    static let maxExpiresIn = 7 * 86_400
    static let defaultExpiresIn = 3600

    func register(on api: RouterGroup<OriginRequestContext>) {
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

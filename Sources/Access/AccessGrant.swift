/// The decision for one request that is allowed: a small value the origin applies to the response.
/// Manifests are cached by `classKey` (never by the raw token), so caching survives per-viewer tokens.
public struct AccessGrant: Sendable, Equatable {
    /// The tallest rendition this viewer is entitled to: taller ones are left out of manifests and their
    /// playlists and segments are refused. Nil: no limit.
    public var maxHeight: Int?
    /// Cap of what manifests list (the entitlement, lowered further for phones). Segments are checked
    /// against `maxHeight` only: a phone may still fetch what it is entitled to.
    public var listedMaxHeight: Int?
    /// Appended to every URI a manifest under this grant writes (`exp=...&sig=...` or `token=...`), so
    /// players that resolve relative URIs (and drop the query) keep the token.
    public var propagatedQuery: String?
    /// The response depended on the viewer's own credentials: no shared cache may give it to another viewer.
    public var viewerSpecific: Bool
    /// Request headers the decision read, for `Vary`.
    public var vary: [String]
    /// Headers read only by the device rule: `Vary` of manifests.
    public var manifestVary: [String]

    public init(maxHeight: Int? = nil, listedMaxHeight: Int? = nil, propagatedQuery: String? = nil, viewerSpecific: Bool = false,
                vary: [String] = [], manifestVary: [String] = []) {
        self.maxHeight = maxHeight
        self.listedMaxHeight = listedMaxHeight
        self.propagatedQuery = propagatedQuery
        self.viewerSpecific = viewerSpecific
        self.vary = vary
        self.manifestVary = manifestVary
    }

    /// The decision's class: what manifest text depends on (not the token, which is appended after).
    public var classKey: String { "h\(listedMaxHeight.map(String.init) ?? "*")" }

    /// Nil when a rendition of this height may be served; audio (no height) always may.
    public func refusal(renditionHeight: Int?) -> AccessRefusal? {
        guard let maxHeight, let height = renditionHeight, height > maxHeight else { return nil }
        return AccessRefusal(.renditionAboveLimit, "this rendition (\(height)p) is above what your access allows (\(maxHeight)p)")
    }
}

public enum AccessDecision: Sendable, Equatable {
    case allow(AccessGrant)
    case deny(AccessRefusal)
}

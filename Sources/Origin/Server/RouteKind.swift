/// The kind of a request for metrics labels and log lines: a small fixed set, so label cardinality stays
/// bounded whatever paths clients send.
public enum RouteKind: String, Sendable, CaseIterable {
    case segment
    case manifest
    case liveSegment = "live_segment"
    case liveManifest = "live_manifest"
    case api
    case ops
    case preview
    case player
    case other

    /// Classifies a request path by its shape alone (no routing, no disk).
    public static func classify(path: String) -> RouteKind {
        let live = path.hasPrefix("/live/")
        if live || path.hasPrefix("/vod/") {
            if path.hasSuffix(".m3u8") || path.hasSuffix(".mpd") { return live ? .liveManifest : .manifest }
            if path.hasSuffix(".m4s") || path.hasSuffix(".mp4") { return live ? .liveSegment : .segment }
            return .other
        }
        if path.hasPrefix("/api/") { return .api }
        if path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/time" { return .ops }
        if path == "/" { return .preview }
        if path.hasPrefix("/player/") { return .player }
        return .other
    }
}

import MediaCore
import Packaging

/// Manifests from Packaging's HLS and DASH builders. The packager's refusals of a request (bad query,
/// empty window, every rendition filtered out) become 400 with its message.
public struct PackagingRenderer: ManifestRendering {
    /// Live: seconds of DVR a manifest describes (unless the listing carries the stream's own window) and
    /// segments a sliding HLS media playlist lists.
    public var dvrWindowSeconds: Double
    public var hlsLiveSegmentCount: Int

    public init(dvrWindowSeconds: Double = 7200, hlsLiveSegmentCount: Int = 10) {
        self.dvrWindowSeconds = dvrWindowSeconds
        self.hlsLiveSegmentCount = hlsLiveSegmentCount
    }

    public func render(_ manifest: ManifestName, tree: MediaTree, owner: SafeName, listing: MediaListing,
                       query: [String: String], now: Double) throws -> String {
        do {
            let request = ManifestRequest(
                renditions: listing.renditions, kind: Self.kind(tree: tree, listing: listing),
                query: try ManifestQuery.parse(query), dvrWindow: listing.dvrWindowSeconds ?? dvrWindowSeconds,
                hlsLiveSegmentCount: hlsLiveSegmentCount, now: now, availabilityStartTime: listing.availabilityStartTime,
                discontinuitiesBefore: listing.discontinuitiesBefore,
                urls: ManifestURLs(utcTimingURL: tree == .live ? "/time" : nil))
            let presentation = try Presentation(request)
            switch manifest {
            case .hlsMaster: return presentation.hlsMultivariantPlaylist()
            case .hlsMedia(let rendition): return try presentation.hlsMediaPlaylist(for: rendition)
            case .dash: return presentation.dashMPD()
            }
        } catch let error as PackagingError {
            throw OriginError.badRequest(error.description)
        }
    }

    /// Ended wins over event: a finished event stream is a complete presentation (ENDLIST, static MPD).
    static func kind(tree: MediaTree, listing: MediaListing) -> PresentationKind {
        if tree == .vod { return .vod }
        if listing.ended { return .liveEnded }
        return listing.event ? .liveEvent : .liveSlidingWindow
    }
}

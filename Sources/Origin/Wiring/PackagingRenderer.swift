import MediaCore
import Packaging
import Storage

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
            var request = ManifestRequest(
                renditions: listing.renditions, kind: Self.kind(tree: tree, listing: listing),
                query: try ManifestQuery.parse(query), dvrWindow: listing.dvrWindowSeconds ?? dvrWindowSeconds,
                hlsLiveSegmentCount: hlsLiveSegmentCount, hlsTargetDuration: listing.hlsTargetDuration, now: now, availabilityStartTime: listing.availabilityStartTime,
                discontinuitiesBefore: listing.discontinuitiesBefore,
                urls: Self.urls(manifest, tree: tree, listing: listing),
                lowLatency: listing.partTargetSeconds.map { LowLatencyHLS(partTarget: $0, parts: listing.parts,
                                                                          skip: Self.asksForDelta(query["_HLS_skip"])) })
            request.protection = listing.protection
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

    /// Where a manifest's URLs point. Live: the fixed layout and the clock. VOD master and MPD (served at
    /// `/vod/<asset>/`): into the current version's folder, `v<n>/<rendition>.m3u8` and
    /// `v<n>/<rendition>/seg-<k>.m4s`. A VOD media playlist is itself served from `v<n>/`, so its relative
    /// segment names need no version (and are then the same at the unversioned URL kept for version 1).
    static func urls(_ manifest: ManifestName, tree: MediaTree, listing: MediaListing) -> ManifestURLs {
        if tree == .live { return ManifestURLs(utcTimingURL: "/time") }
        if case .hlsMedia = manifest { return ManifestURLs() }
        let folder = "v\(listing.assetVersion)/"
        let prefixes = listing.renditions.map { ($0.rendition.id, folder + $0.rendition.id.rawValue + "/") }
        return ManifestURLs(segmentPrefixes: Dictionary(prefixes, uniquingKeysWith: { first, _ in first }), playlistPrefix: folder)
    }

    /// `_HLS_skip=YES` (skip segments) or `v2` (also date ranges, of which live streams have none).
    static func asksForDelta(_ value: String?) -> Bool {
        value == "YES" || value == "v2"
    }

    /// Ended wins over event: a finished event stream is a complete presentation (ENDLIST, static MPD).
    static func kind(tree: MediaTree, listing: MediaListing) -> PresentationKind {
        if tree == .vod { return .vod }
        if listing.ended { return .liveEnded }
        return listing.event ? .liveEvent : .liveSlidingWindow
    }
}

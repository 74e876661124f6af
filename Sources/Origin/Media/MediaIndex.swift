import MediaCore
import Packaging
import Storage

/// The published renditions of one VOD asset or live stream, as the origin needs them to build manifests
/// and pick content types.
public struct MediaListing: Sendable {
    public var renditions: [RenditionIndex]
    /// Live only: the segmenter's target duration in seconds (drives the manifest's Cache-Control).
    public var targetDurationSeconds: Double?
    /// Live only: wall-clock seconds since 1970 of presentation time zero (DASH availabilityStartTime).
    public var availabilityStartTime: Double?
    /// Live only: the stream stopped (HLS gets ENDLIST, the MPD becomes static).
    public var ended: Bool
    /// Live only: an event stream (manifests only grow: HLS `PLAYLIST-TYPE:EVENT`, no DVR window).
    public var event: Bool
    /// VOD: changes whenever the asset is replaced; rendered manifests are reused while it stays the same.
    public var version: String?
    /// VOD: the catalog's version number of the asset (1 when first published, +1 per replace). Manifests
    /// name it in segment URLs (`v<n>/`), so a replaced asset never reuses a URL a CDN has cached.
    public var assetVersion: Int
    /// Live only: the stream's own DVR window in seconds (DASH timeShiftBufferDepth, the HLS window for
    /// `start`); nil uses the renderer's configured default.
    public var dvrWindowSeconds: Double?
    /// Live only: discontinuities that already left the index (keeps HLS EXT-X-DISCONTINUITY-SEQUENCE
    /// from going back as the DVR ring deletes segments).
    public var discontinuitiesBefore: Int = 0
    /// Set by the media routes for an encrypted item: what its manifests signal for this request.
    public var protection: ManifestProtection?
    /// Live low latency: the configured longest part (LL-HLS PART-TARGET); nil when the stream cuts none.
    public var partTargetSeconds: Double?
    /// Live low latency: the parts on disk per rendition, oldest first.
    public var parts: [SafeName: [PartInfo]] = [:]
    /// Live: EXT-X-TARGETDURATION fixed for the stream's whole run (RFC 8216: it must not change).
    public var hlsTargetDuration: Int?

    /// Where `rendition`'s live edge is (newest segment and part).
    public func edge(of rendition: SafeName) -> LivePartEdge {
        LivePartEdge(rendition, renditions: renditions, parts: parts)
    }

    public init(renditions: [RenditionIndex], targetDurationSeconds: Double? = nil,
                availabilityStartTime: Double? = nil, ended: Bool = false, event: Bool = false, version: String? = nil,
                assetVersion: Int = 1) {
        self.version = version
        self.assetVersion = assetVersion
        self.event = event
        self.renditions = renditions
        self.targetDurationSeconds = targetDurationSeconds
        self.availabilityStartTime = availabilityStartTime
        self.ended = ended
    }
}

/// Where the origin reads the segment index from: the Catalog for VOD, the live DVR ring for live.
/// Origin depends on this narrow seam rather than on one backend so that a PostgreSQL catalog or a
/// remote live segmenter (origins on more than one machine) slot in without touching routes.
public protocol MediaIndex: Sendable {
    /// Nil when no such asset or stream is published.
    func listing(tree: MediaTree, owner: SafeName) async throws -> MediaListing?
    /// The listing as soon as `condition` holds for it, waiting at most until `deadline` for a live stream
    /// to grow (LL-HLS blocking playlist reload, a part asked for early); nil when there is no such
    /// stream or the deadline passes first.
    func listing(tree: MediaTree, owner: SafeName, when condition: @escaping @Sendable (MediaListing) -> Bool,
                 until deadline: ContinuousClock.Instant) async throws -> MediaListing?
}

extension MediaIndex {
    /// An index whose listings never grow while a request waits: the condition holds now or never.
    public func listing(tree: MediaTree, owner: SafeName, when condition: @escaping @Sendable (MediaListing) -> Bool,
                        until deadline: ContinuousClock.Instant) async throws -> MediaListing? {
        guard let listing = try await listing(tree: tree, owner: owner), condition(listing) else { return nil }
        return listing
    }
}

/// An index that can tell, without waiting, what it already holds in memory: the fast path
/// (`MediaFastPath`) answers on the event loop and may not await a catalog read.
public protocol CachedMediaIndex: MediaIndex {
    /// The listing when it is in memory and known to be current now; nil when finding out would take a
    /// catalog read or a wait (the request then goes the ordinary way, which fills the cache).
    func cachedListing(tree: MediaTree, owner: SafeName) -> MediaListing?
    /// `cachedListing`'s `version` and `assetVersion` alone: a kept manifest answer only needs to know
    /// that the listing it was made from is still the current one, and copying the whole listing (its
    /// renditions' segment arrays retained and released) was ~3 % of a cached manifest request (perf,
    /// docs/perf-notes.md session 10).
    func cachedVersions(tree: MediaTree, owner: SafeName) -> CachedListingVersions?
}

/// What identifies a listing's contents: see `CachedMediaIndex.cachedVersions`.
public struct CachedListingVersions: Equatable, Sendable {
    public var version: String?
    public var assetVersion: Int

    public init(version: String?, assetVersion: Int) {
        self.version = version
        self.assetVersion = assetVersion
    }
}

extension CachedMediaIndex {
    public func cachedVersions(tree: MediaTree, owner: SafeName) -> CachedListingVersions? {
        cachedListing(tree: tree, owner: owner).map { CachedListingVersions(version: $0.version, assetVersion: $0.assetVersion) }
    }
}

/// Turns a listing into manifest text; implemented over Packaging's HLS and DASH builders.
public protocol ManifestRendering: Sendable {
    /// Throws `OriginError.badRequest` for query parameters the packager refuses (bad window, filters).
    func render(_ manifest: ManifestName, tree: MediaTree, owner: SafeName, listing: MediaListing,
                query: [String: String], now: Double) throws -> String
}

/// VOD from one index, live from another (the catalog and the live segmenter's DVR ring).
public struct CombinedMediaIndex: CachedMediaIndex {
    let vod: any MediaIndex
    let live: (any MediaIndex)?
    /// The two indexes as `CachedMediaIndex`, cast once: a cast to an existential per cached manifest
    /// request was ~4 % of its CPU (the runtime's conformance lookup; perf, docs/perf-notes.md session 9).
    private let cachedVod: (any CachedMediaIndex)?
    private let cachedLive: (any CachedMediaIndex)?

    public init(vod: any MediaIndex, live: (any MediaIndex)?) {
        self.vod = vod
        self.live = live
        cachedVod = vod as? any CachedMediaIndex
        cachedLive = live as? any CachedMediaIndex
    }

    public func listing(tree: MediaTree, owner: SafeName) async throws -> MediaListing? {
        switch tree {
        case .vod: return try await vod.listing(tree: tree, owner: owner)
        case .live: return try await live?.listing(tree: tree, owner: owner)
        }
    }

    public func listing(tree: MediaTree, owner: SafeName, when condition: @escaping @Sendable (MediaListing) -> Bool,
                        until deadline: ContinuousClock.Instant) async throws -> MediaListing? {
        switch tree {
        case .vod: return try await vod.listing(tree: tree, owner: owner, when: condition, until: deadline)
        case .live: return try await live?.listing(tree: tree, owner: owner, when: condition, until: deadline)
        }
    }

    public func cachedListing(tree: MediaTree, owner: SafeName) -> MediaListing? {
        switch tree {
        case .vod: return cachedVod?.cachedListing(tree: tree, owner: owner)
        case .live: return cachedLive?.cachedListing(tree: tree, owner: owner)
        }
    }

    public func cachedVersions(tree: MediaTree, owner: SafeName) -> CachedListingVersions? {
        switch tree {
        case .vod: return cachedVod?.cachedVersions(tree: tree, owner: owner)
        case .live: return cachedLive?.cachedVersions(tree: tree, owner: owner)
        }
    }
}

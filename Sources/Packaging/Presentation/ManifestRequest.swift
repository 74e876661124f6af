import MediaCore

/// What kind of presentation a manifest describes; it decides static vs dynamic, ENDLIST and sliding.
public enum PresentationKind: String, Sendable, Hashable, Codable {
    /// A finished asset: HLS `PLAYLIST-TYPE:VOD` + `ENDLIST`, static MPD.
    case vod
    /// A running live stream whose manifests slide over the DVR window.
    case liveSlidingWindow
    /// A running live stream whose manifests only grow (HLS `PLAYLIST-TYPE:EVENT`, MPD without
    /// timeShiftBufferDepth, i.e. an unlimited time-shift buffer).
    case liveEvent
    /// A live stream that stopped: HLS gets `ENDLIST`, the MPD becomes static.
    case liveEnded

    var isLive: Bool { self != .vod }
}

/// Where manifests point: segment paths per rendition and the DASH clock endpoint.
///
/// URLs are relative to the manifest's own URL (`/vod/<asset>/master.m3u8` → `video-720p.m3u8`,
/// `video-720p/seg-1.m4s`). The per-rendition prefix is the seam for versioned URLs
/// (`v2/video-720p/`) so a replaced asset never reuses a cached name.
public struct ManifestURLs: Sendable, Hashable {
    /// Prefix of `init.mp4` and `seg-<n>.m4s` per rendition; default `<rendition.id>/`.
    public var segmentPrefixes: [SafeName: String]
    /// Prefix of media playlist names in the multivariant playlist; default empty (`<id>.m3u8`).
    public var playlistPrefix: String
    /// URL of a clock that answers with an ISO 8601 time (DASH `UTCTiming`, `urn:mpeg:dash:utc:http-iso:2014`).
    /// Dynamic MPDs include it when set (e.g. `/time`).
    public var utcTimingURL: String?

    public init(segmentPrefixes: [SafeName: String] = [:], playlistPrefix: String = "", utcTimingURL: String? = nil) {
        self.segmentPrefixes = segmentPrefixes
        self.playlistPrefix = playlistPrefix
        self.utcTimingURL = utcTimingURL
    }

    public func segmentPrefix(for id: SafeName) -> String {
        segmentPrefixes[id] ?? (id.rawValue + "/")
    }

    public func mediaPlaylist(for id: SafeName) -> String {
        playlistPrefix + id.rawValue + ".m3u8"
    }
}

/// Everything one manifest request needs, as plain values: no clock, no files, no catalog.
///
/// Live timing: a rendition's media time `t` (its `tfdt`) is presentation time `t / timescale` seconds after
/// `availabilityStartTime`, until a segment flagged `discontinuity`; such a segment starts a new period at
/// its `programDateTime - availabilityStartTime` (or where the previous segment ended when it has none).
/// Segment numbers are expected to be consecutive within a period.
///
/// For stable DASH Periods across MPD updates, give each run's segments `programDateTime = run start wall
/// clock + tfdt / timescale` (not a jittery per-segment arrival time). Period ids are `p<number>` of the
/// restart segment; once that segment has left the index, the oldest period is `p0`.
public struct ManifestRequest: Sendable, Hashable {
    public var renditions: [RenditionIndex]
    public var kind: PresentationKind
    /// Filters and time-shift window from the request's query string.
    public var query: ManifestQuery
    /// Seconds of past a live stream's manifests describe (DASH timeShiftBufferDepth). Default two hours.
    public var dvrWindow: Double
    /// A sliding live HLS media playlist lists only the newest this-many segments (unless `start`/`end` ask
    /// for more of the DVR window); nil lists the whole DVR window.
    public var hlsLiveSegmentCount: Int?
    /// The longest segment the live segmenter can cut, in whole seconds: EXT-X-TARGETDURATION never goes
    /// below it, so it does not change as segments arrive (RFC 8216 §6.2.1). nil: the longest in the index.
    public var hlsTargetDuration: Int?
    /// The current wall-clock time, seconds since 1970 (live: MPD publishTime).
    public var now: Double?
    /// Wall-clock time of presentation time zero, seconds since 1970 (live streams; MPD availabilityStartTime).
    /// Pass the stream's start: when nil it is derived from the oldest segment's programDateTime (or from
    /// `now`), which shifts as the DVR ring drops segments.
    public var availabilityStartTime: Double?
    /// Discontinuity-flagged segments that already left `renditions` (the DVR ring); keeps HLS
    /// EXT-X-DISCONTINUITY-SEQUENCE monotonic as old segments are deleted.
    public var discontinuitiesBefore: Int
    public var urls: ManifestURLs
    public var dash: DASHTiming
    /// Encryption to signal (nil: clear). Set by the origin for encrypted items.
    public var protection: ManifestProtection?
    /// Live low latency (LL-HLS parts, blocking reload, delta updates); nil for everything else.
    public var lowLatency: LowLatencyHLS?

    public init(renditions: [RenditionIndex], kind: PresentationKind, query: ManifestQuery = ManifestQuery(),
                dvrWindow: Double = 7200, hlsLiveSegmentCount: Int? = 10, hlsTargetDuration: Int? = nil, now: Double? = nil,
                availabilityStartTime: Double? = nil, discontinuitiesBefore: Int = 0,
                urls: ManifestURLs = ManifestURLs(), dash: DASHTiming = DASHTiming(), lowLatency: LowLatencyHLS? = nil) {
        self.lowLatency = lowLatency
        self.renditions = renditions
        self.kind = kind
        self.query = query
        self.dvrWindow = dvrWindow
        self.hlsLiveSegmentCount = hlsLiveSegmentCount
        self.hlsTargetDuration = hlsTargetDuration
        self.now = now
        self.availabilityStartTime = availabilityStartTime
        self.discontinuitiesBefore = discontinuitiesBefore
        self.urls = urls
        self.dash = dash
    }
}

/// DASH timing knobs; nil values derive from the segments (the longest segment duration).
public struct DASHTiming: Sendable, Hashable {
    public var minBufferTime: Double?
    public var minimumUpdatePeriod: Double?
    public var suggestedPresentationDelay: Double?

    public init(minBufferTime: Double? = nil, minimumUpdatePeriod: Double? = nil, suggestedPresentationDelay: Double? = nil) {
        self.minBufferTime = minBufferTime
        self.minimumUpdatePeriod = minimumUpdatePeriod
        self.suggestedPresentationDelay = suggestedPresentationDelay
    }
}

import Access
import Catalog
import Foundation
import MediaCore
import Publishing

/// JSON shapes of the admin API (documented in Resources/openapi.yaml; keep both in step).
public struct RenditionSummary: Codable, Sendable, Equatable {
    public var id: String
    public var kind: String
    public var codecs: String
    public var bandwidth: Int
    public var width: Int?
    public var height: Int?
    public var segments: Int

    public init(_ index: RenditionIndex) {
        id = index.rendition.id.rawValue
        kind = index.rendition.kind.rawValue
        codecs = index.rendition.codecs
        bandwidth = index.rendition.peakBitrate
        width = index.rendition.width
        height = index.rendition.height
        segments = index.segments.count
    }
}

public struct PlaybackURLs: Codable, Sendable, Equatable {
    public var hls: String
    public var dash: String
}

public struct AssetSummary: Codable, Sendable, Equatable {
    public var id: String
    public var state: String
    public var durationSeconds: Double?
    public var createdAt: String?
    /// VOD: 1 when first published, +1 per replace; the `v<n>` in the asset's playlist and segment URLs.
    public var version: Int?
    public var renditions: [RenditionSummary]
    public var playback: PlaybackURLs
    /// The asset's own access rules (issue 12), when it has any.
    public var access: AccessSummary?
    /// The catalogue's title, description and tags (issue 16); in the answer to `PATCH`.
    public var title: String?
    public var description: String?
    public var tags: [String]?

    public init(id: AssetID, state: String, durationSeconds: Double?, createdAt: String?, version: Int? = nil,
                renditions: [RenditionIndex]) {
        self.id = id.rawValue
        self.state = state
        self.durationSeconds = durationSeconds
        self.createdAt = createdAt
        self.version = version
        self.renditions = renditions.map(RenditionSummary.init)
        playback = PlaybackURLs(hls: "/vod/\(id)/master.m3u8", dash: "/vod/\(id)/manifest.mpd")
    }

    /// A live stream as the preview page lists it.
    public init(liveStream id: SafeName, renditions: [RenditionIndex]) {
        self.init(id: AssetID(id), state: "live", durationSeconds: nil, createdAt: nil, renditions: renditions)
        playback = PlaybackURLs(hls: "/live/\(id)/master.m3u8", dash: "/live/\(id)/manifest.mpd")
    }
}

public struct JobSummary: Codable, Sendable, Equatable {
    public var id: String
    public var assetId: String?
    public var state: String
    public var percent: Double
    public var error: String?

    public init(id: String, assetId: String?, state: String, percent: Double, error: String?) {
        self.id = id
        self.assetId = assetId
        self.state = state
        self.percent = percent
        self.error = error
    }
}

/// What the admin API needs from the catalog, storage and job queue; implemented over Catalog + Storage.
public protocol AdminBackend: Sendable {
    /// The RTMP listener's port, once it listens (for the publishing URL).
    var rtmpPort: Int? { get }
    /// The SRT listener's UDP port, once it listens; nil when SRT is off.
    var srtPort: Int? { get }
    /// Configures a live stream with a fresh secret key (returned once, in the summary).
    func createLiveStream(_ request: LiveStreamCreation) async throws -> LiveStreamSummary
    func listLiveStreams() async throws -> [LiveStreamSummary]
    func liveStream(_ id: SafeName) async throws -> LiveStreamSummary?
    /// False when there was no such stream. Its DVR files stay until the ring trims them.
    func deleteLiveStream(_ id: SafeName) async throws -> Bool
    /// Switches the stream back to its primary input at the primary's next keyframe (`live.failback:
    /// manual`); 409 when there is nothing to fail back to.
    func failbackLiveStream(_ id: SafeName) async throws -> LiveStreamSummary
    /// Publishes the stream's segments (all, or a time range) as a VOD asset without re-encoding.
    func archiveLiveStream(_ id: SafeName, _ request: LiveArchiveRequest) async throws -> AssetSummary
    func listAssets() async throws -> [AssetSummary]
    func asset(_ id: AssetID) async throws -> AssetSummary?
    /// False when there was no such asset.
    func deleteAsset(_ id: AssetID) async throws -> Bool
    func job(_ id: String) async throws -> JobSummary?
    /// A fresh staging file for an upload's bytes (inside data/staging, never served).
    func newUploadFile() async throws -> URL
    /// Queues an ingest of an uploaded file; the worker pool picks it up.
    func enqueueIngest(source: URL, asset: AssetID?, originalName: String?, metadata: ContentMetadataChange) async throws -> JobSummary
    /// Removes an upload that was refused (too large, client gone).
    func discardUpload(_ file: URL) async
    /// An asset's or stream's own access rules (issue 12); `.unset` when it has none.
    func accessRules(_ scope: AccessScope) async throws -> ItemAccess
    func setAccessRules(_ scope: AccessScope, _ rules: ItemAccess) async throws
}

extension AdminBackend {
    /// Backends without live ingest over SRT.
    public var srtPort: Int? { nil }

    /// Backends without stored access rules: every item follows `access.default_policy`.
    public func accessRules(_ scope: AccessScope) async throws -> ItemAccess { .unset }
    public func setAccessRules(_ scope: AccessScope, _ rules: ItemAccess) async throws {
        throw OriginError.unavailable("this server stores no access rules")
    }
}

extension AdminBackend {
    public func failbackLiveStream(_ id: SafeName) async throws -> LiveStreamSummary {
        throw OriginError.unavailable("live ingest is not running in this process")
    }
}

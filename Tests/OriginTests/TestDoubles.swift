import Catalog
import Foundation
import Storage
import Testing
import MediaCore
import Publishing
@testable import Origin

/// A fixed index: the header and safety tests need listings, not a catalog. Always current, so the fast
/// path answers from it as it does from the catalog's in-memory index.
struct StaticIndex: CachedMediaIndex {
    var vod: [SafeName: MediaListing] = [:]
    var live: [SafeName: MediaListing] = [:]

    func listing(tree: MediaTree, owner: SafeName) async throws -> MediaListing? {
        tree == .vod ? vod[owner] : live[owner]
    }

    func cachedListing(tree: MediaTree, owner: SafeName) -> MediaListing? {
        tree == .vod ? vod[owner] : nil
    }
}

/// Renders a listing as a short text naming its renditions and the query it got. Only the HTTP rules
/// around manifests are under test with it (types, caching, gzip, ETag); manifest content is tested with
/// the real packager in the end-to-end tests.
struct ListingText: ManifestRendering {
    func render(_ manifest: ManifestName, tree: MediaTree, owner: SafeName, listing: MediaListing,
                query: [String: String], now: Double) throws -> String {
        if let bad = query["max_height"], Int(bad) == nil { throw OriginError.badRequest("max_height must be an integer") }
        let lines = listing.renditions.map { "\($0.rendition.id) \($0.segments.count)" }
        // Long enough that gzip has something to save.
        return "\(manifest) \(tree) \(owner)\n" + lines.joined(separator: "\n") + String(repeating: "\n#padding", count: 200)
    }
}

func sampleRendition(_ id: String, kind: MediaKind, segments: Int = 3) -> RenditionIndex {
    let rendition = Rendition(id: SafeName(id)!, kind: kind, codecs: kind == .video ? "avc1.64001f" : "mp4a.40.2",
                              peakBitrate: 1_000_000, averageBitrate: 900_000, timescale: kind == .video ? 90000 : 48000,
                              width: kind == .video ? 640 : nil, height: kind == .video ? 360 : nil)
    let ticks = Int64(rendition.timescale) * 6
    return RenditionIndex(rendition: rendition, segments: (1...segments).map {
        SegmentInfo(number: $0, start: Int64($0 - 1) * ticks, duration: ticks, size: 1000)
    })
}

/// An admin backend for tests that only check what happens before the backend is reached (auth).
struct UnusedAdmin: AdminBackend {
    func listAssets() async throws -> [AssetSummary] { Issue.record("backend reached"); return [] }
    func asset(_ id: AssetID) async throws -> AssetSummary? { Issue.record("backend reached"); return nil }
    func deleteAsset(_ id: AssetID) async throws -> Bool { Issue.record("backend reached"); return false }
    func job(_ id: String) async throws -> JobSummary? { Issue.record("backend reached"); return nil }
    func newUploadFile() async throws -> URL { Issue.record("backend reached"); throw OriginError.internalError("unused") }
    func enqueueIngest(source: URL, asset: AssetID?, originalName: String?, metadata: ContentMetadataChange) async throws -> JobSummary {
        Issue.record("backend reached"); throw OriginError.internalError("unused")
    }
    func discardUpload(_ file: URL) async {}
    var rtmpPort: Int? { nil }
    func createLiveStream(_ request: LiveStreamCreation) async throws -> LiveStreamSummary {
        Issue.record("backend reached"); throw OriginError.internalError("unused")
    }
    func listLiveStreams() async throws -> [LiveStreamSummary] { Issue.record("backend reached"); return [] }
    func liveStream(_ id: SafeName) async throws -> LiveStreamSummary? { Issue.record("backend reached"); return nil }
    func deleteLiveStream(_ id: SafeName) async throws -> Bool { Issue.record("backend reached"); return false }
    func archiveLiveStream(_ id: SafeName, _ request: LiveArchiveRequest) async throws -> AssetSummary {
        Issue.record("backend reached"); throw OriginError.internalError("unused")
    }
}

import Catalog
import Foundation

/// One item of `GET /api/v1/content`, as apps read it. URLs are paths on this origin; items under an
/// access policy are listed unsigned (apps get signed URLs from `POST /api/v1/playback-urls`).
struct ContentItem: Encodable {
    var id: String
    /// `asset` or `live`.
    var type: String
    var title: String
    var description: String?
    var tags: [String]
    var duration: Double?
    var poster: String?
    var thumbnail: String?
    /// Live streams: `idle`, `live` or `ended`; nil for assets.
    var liveState: String?
    var hls: String
    var dash: String

    init(_ entry: ContentEntry, hasPoster: Bool) {
        id = entry.id.rawValue
        title = entry.title ?? entry.id.rawValue
        description = entry.description
        tags = entry.tags
        duration = entry.duration
        liveState = entry.liveState
        switch entry.kind {
        case .asset:
            type = "asset"
            hls = "/vod/\(id)/master.m3u8"
            dash = "/vod/\(id)/manifest.mpd"
            if hasPoster, let version = entry.version {
                poster = "/vod/\(id)/v\(version)/poster.jpg"
                thumbnail = "/vod/\(id)/v\(version)/thumbnail.jpg"
            }
        case .stream:
            type = "live"
            hls = "/live/\(id)/master.m3u8"
            dash = "/live/\(id)/manifest.mpd"
        }
    }
}

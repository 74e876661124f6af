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

/// `PATCH /api/v1/assets/{id}` (and live streams): any of title, description, tags.
struct ContentMetadataBody: Decodable {
    var title: String?
    var description: String?
    var tags: [String]?

    /// The change, or what is wrong with it.
    func change() throws -> ContentMetadataChange {
        if let title, title.isEmpty || title.count > 200 { throw OriginError.badRequest("title must be 1 to 200 characters") }
        if let description, description.count > 5_000 { throw OriginError.badRequest("description must be at most 5000 characters") }
        if let tags, tags.count > 32 || tags.contains(where: { $0.isEmpty || $0.count > 64 }) {
            throw OriginError.badRequest("tags: at most 32, each 1 to 64 characters")
        }
        let change = ContentMetadataChange(title: title, description: description, tags: tags)
        guard !change.isEmpty else { throw OriginError.badRequest("give at least one of title, description, tags") }
        return change
    }
}

import Catalog
import Foundation
import Hummingbird
import MediaCore
import Storage

/// The content API for apps: `GET /api/v1/content` (cursor paging, `?q=` search) and
/// `GET /api/v1/content/{id}`, public unless `content_api.public` is false; a live stream's metadata by
/// `PATCH /api/v1/live-streams/{id}` (admin key; an asset's is one part of `PATCH /api/v1/assets/{id}`,
/// `AssetPatchRoutes`); posters under the asset's version, `/vod/{id}/v{n}/poster.jpg` and
/// `thumbnail.jpg`, cached as immutable.
struct ContentRoutes: Sendable {
    let catalog: any ContentCatalog
    let isPublic: Bool
    /// The admin key check, sharing the admin API's failed-authentication limiter.
    let auth: BearerAuthMiddleware
    let store: any MediaStore
    let files: FileResponder

    static let defaultPageSize = 20
    static let maxPageSize = 100

    func register(on router: Router<OriginRequestContext>) {
        let reads = isPublic ? router.group("api/v1/content")
            : router.group("api/v1/content").add(middleware: auth)
        reads.get { request, _ in try list(request) }
        reads.get(":id") { request, context in
            let raw = context.parameters.get("id") ?? ""
            guard let id = SafeName(raw) else { throw OriginError.notFound("content '\(raw)'") }
            let entry = try catalog.contentEntry(kind: .asset, id: id) ?? catalog.contentEntry(kind: .stream, id: id)
            guard let entry else { throw OriginError.notFound("content '\(id)'") }
            return try AdminAPIRoutes.json(ContentItem(entry, hasPoster: hasPoster(entry)))
        }
        let admin = router.group("api/v1").add(middleware: auth)
        admin.patch("live-streams/:id") { request, context in try await patchStream(request, context: context) }
        for image in PosterImage.allCases {
            // Hummingbird wants one parameter name per level: `name` holds `v<n>` as in the media routes.
            router.get("vod/:owner/:name/\(image.fileName)") { request, context in
                try poster(image, request: request, context: context)
            }
        }
    }

    func list(_ request: Request) throws -> Response {
        let limit = try request.uri.queryParameters["limit"].map { raw -> Int in
            guard let n = Int(raw), (1...Self.maxPageSize).contains(n) else {
                throw OriginError.badRequest("limit must be 1 to \(Self.maxPageSize)")
            }
            return n
        } ?? Self.defaultPageSize
        let cursor = try request.uri.queryParameters["cursor"].map { raw -> ContentCursor in
            guard let cursor = ContentCursor(token: String(raw)) else { throw OriginError.badRequest("cursor is not one this API gave") }
            return cursor
        }
        let search = request.uri.queryParameters["q"].map(String.init).flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        // One more than asked says whether there is a next page.
        let entries = try catalog.listContent(search: search, after: cursor, limit: limit + 1)
        let page = entries.prefix(limit)
        let next = entries.count > limit ? page.last.map { ContentCursor(kind: $0.kind, id: $0.id).token } : nil
        return try AdminAPIRoutes.json(ContentPage(items: page.map { ContentItem($0, hasPoster: hasPoster($0)) }, next: next))
    }

    struct ContentPage: Encodable {
        var items: [ContentItem]
        var next: String?
    }

    func hasPoster(_ entry: ContentEntry) -> Bool {
        entry.kind == .asset && store.openVersion(of: AssetID(entry.id))?.openImage(.poster) != nil
    }

    func patchStream(_ request: Request, context: OriginRequestContext) async throws -> Response {
        let raw = context.parameters.get("id") ?? ""
        guard let id = SafeName(raw) else { throw OriginError.notFound("live stream '\(raw)'") }
        let object = try JSONBody.object(try await LiveStreamRoutes.body(request), example: #"{"title": "Match day", "tags": ["sport"]}"#)
        try JSONBody.refuseUnknown(object, allowed: ContentMetadataChange.fields)
        let change = try ContentMetadataChange(object)
        guard !change.isEmpty else { throw OriginError.badRequest("give at least one of \(ContentMetadataChange.fields.joined(separator: ", "))") }
        guard try catalog.updateContentMetadata(kind: .stream, id: id, change: change),
              let entry = try catalog.contentEntry(kind: .stream, id: id) else {
            throw OriginError.notFound("live stream '\(id)'")
        }
        return try AdminAPIRoutes.json(ContentItem(entry, hasPoster: false))
    }

    /// A poster or thumbnail, only under the asset's current version (like its segments).
    func poster(_ image: PosterImage, request: Request, context: OriginRequestContext) throws -> Response {
        let missing = OriginError.notFound(request.uri.path)
        guard let owner = SafeName(context.parameters.get("owner") ?? ""),
              let version = context.parameters.get("name").flatMap({ AssetVersion($0[...]) }),
              let folder = store.openVersion(of: AssetID(owner)),
              case .version(let stamped) = folder.stamp(), stamped == version.number,
              let object = folder.openImage(image) else { throw missing }
        return try files.respond(object: object, contentType: "image/jpeg", cache: .immutable, request: request)
    }
}

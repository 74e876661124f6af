import Access
import Catalog
import Foundation
import Hummingbird
import MediaCore

/// `PATCH /api/v1/assets/{id}`: the one handler for everything an asset's owner changes in place, its
/// access rules and its catalogue metadata (Hummingbird takes one handler per method and path; a second
/// registration stops `serve` at start-up). The body is decoded whole by `AssetPatch` before anything is
/// written, so a bad field leaves the asset as it was.
struct AssetPatchRoutes: Sendable {
    let backend: any AdminBackend
    let access: AccessGate?
    /// Where titles, descriptions and tags live (the content API's catalogue); nil refuses them.
    let content: (any ContentCatalog)?

    func register(on api: RouterGroup<OriginRequestContext>) {
        api.patch("assets/:id") { request, context in try await patch(request, context: context) }
    }

    func patch(_ request: Request, context: OriginRequestContext) async throws -> Response {
        guard let id = AssetID(context.parameters.get("id") ?? "") else {
            throw OriginError.notFound("asset ids use a-z, 0-9, '-' and '_' (at most 64)")
        }
        guard try await backend.asset(id) != nil else { throw OriginError.notFound("asset '\(id)'") }
        let patch = try AssetPatch.parse(try await LiveStreamRoutes.body(request))
        if !patch.metadata.isEmpty, content == nil {
            throw OriginError.unavailable("this server keeps no titles, descriptions or tags (the content API is off)")
        }
        let scope = AccessScope(tree: .vod, owner: id.name)
        var rules = try await backend.accessRules(scope)
        if !patch.access.isEmpty {
            rules = patch.access.applied(to: rules)
            try await backend.setAccessRules(scope, rules)
            access?.forget(scope)
            context.logger.info("asset \(id): access \(rules.policy?.rawValue ?? "default")")
        }
        if !patch.metadata.isEmpty, let content {
            guard try content.updateContentMetadata(kind: .asset, id: id.name, change: patch.metadata) else {
                throw OriginError.notFound("asset '\(id)'")
            }
            context.logger.info("asset \(id): title, description or tags changed")
        }
        guard var summary = try await backend.asset(id) else { throw OriginError.notFound("asset '\(id)'") }
        summary.access = AccessSummary(rules)
        if let entry = try content?.contentEntry(kind: .asset, id: id.name) {
            summary.title = entry.title
            summary.description = entry.description
            summary.tags = entry.tags
        }
        return try AdminAPIRoutes.json(summary)
    }
}

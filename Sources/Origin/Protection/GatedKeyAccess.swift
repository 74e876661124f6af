import Access
import Hummingbird
import MediaCore
import Protection

/// Key delivery under the item's own access policy: a key request is decided as a request for the item
/// that owns the key (`/vod/<asset>/` or `/live/<stream>/`), with the token, headers and address it
/// carries, so the signed URL or JWT that opens the asset opens its keys and nothing else does.
struct GatedKeyAccess: KeyAccessPolicy {
    let gate: AccessGate

    func allowsKeys(of owner: KeyOwner, request: Request, context: OriginRequestContext) async throws -> Bool {
        guard let tree = AccessScope.Tree(rawValue: owner.kind), let id = SafeName(owner.id) else { return false }
        let scope = AccessScope(tree: tree, owner: id)
        let path = MediaPath(scope: scope, rendition: nil, isManifest: false)
        let viewer = AccessMiddleware.viewerRequest(request, path: path, remoteIP: context.remoteIP, gate: gate)
        guard case .allow = try await gate.decide(viewer, path: scope.pathPrefix) else { return false }
        return true
    }
}

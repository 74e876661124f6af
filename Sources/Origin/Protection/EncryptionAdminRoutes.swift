import Foundation
import Hummingbird
import MediaCore
import Storage

/// `PATCH /api/v1/assets/<id>` with `{"encrypted": true|false}`: marks a published asset encrypted (its
/// manifests and segments are encrypted per request from then on) or clear again.
struct EncryptionAdminRoutes: Sendable {
    let protection: ProtectionService
    let index: any MediaIndex

    func register(on api: RouterGroup<OriginRequestContext>) {
        api.patch("assets/:id") { request, context in
            guard let id = AssetID(context.parameters.get("id") ?? "") else {
                throw OriginError.notFound("asset ids use a-z, 0-9, '-' and '_' (at most 64)")
            }
            let body = try await request.body.collect(upTo: 16 * 1024)
            guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
                  let encrypted = object["encrypted"] as? Bool, object.count == 1 else {
                throw OriginError.badRequest("the body must be {\"encrypted\": true} or {\"encrypted\": false}")
            }
            guard try await index.listing(tree: .vod, owner: id) != nil else { throw OriginError.notFound("asset '\(id)'") }
            try protection.setEncrypted(tree: .vod, owner: id, encrypted)
            return try AdminAPIRoutes.json(EncryptionState(id: id.rawValue, encrypted: encrypted))
        }
    }

    struct EncryptionState: Codable {
        let id: String
        let encrypted: Bool
    }
}

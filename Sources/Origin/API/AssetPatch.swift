import Catalog
import Foundation

/// Body of `PATCH /api/v1/assets/{id}`, decoded in this one place. Each concern (access; content
/// metadata; issue 13's `encrypted` next) names its fields and reads them from the same JSON object, so a
/// new field is one more part here, an unknown field is refused whichever part would have owned it, and a
/// request mixing concerns is checked whole before anything is written.
struct AssetPatch: Sendable {
    var access: AccessPatch
    var metadata: ContentMetadataChange

    /// Every field the body may hold, in the order error messages list them.
    static let fields = AccessPatch.fields + ContentMetadataChange.fields

    static func parse(_ body: Data) throws -> AssetPatch {
        let object = try JSONBody.object(body, example: #"{"access": "signed", "title": "Harbour at dawn", "tags": ["travel"]}"#)
        try JSONBody.refuseUnknown(object, allowed: fields)
        let patch = AssetPatch(access: try AccessPatch(object), metadata: try ContentMetadataChange(object))
        guard !patch.access.isEmpty || !patch.metadata.isEmpty else {
            throw OriginError.badRequest("give at least one of \(fields.joined(separator: ", "))")
        }
        return patch
    }
}

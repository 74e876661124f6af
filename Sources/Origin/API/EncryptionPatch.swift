/// The `encrypted` part of `PATCH /api/v1/assets/{id}` (issue 13): deliver the asset encrypted per
/// request, or clear again. The stored media never changes.
struct EncryptionPatch: Sendable {
    var encrypted: Bool?

    static let fields = ["encrypted"]

    var isEmpty: Bool { encrypted == nil }

    init(_ object: [String: Any]) throws {
        if let raw = object["encrypted"] {
            guard let flag = raw as? Bool else { throw OriginError.badRequest("encrypted must be true or false, not '\(raw)'") }
            encrypted = flag
        }
    }
}

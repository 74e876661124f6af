import Access
import Foundation

/// The access part of `PATCH /api/v1/assets/{id}` (`AssetPatch`): any of `access`, `blockedCountries`,
/// `allowedCountries`. `access: null` goes back to `access.default_policy`.
struct AccessPatch: Sendable {
    var policy: AccessPolicy??
    var blocked: [String]?
    var allowed: [String]?

    static let fields = ["access", "blockedCountries", "allowedCountries"]

    var isEmpty: Bool { policy == nil && blocked == nil && allowed == nil }

    /// The fields present in `object`, or a 400 naming what is wrong.
    init(_ object: [String: Any]) throws {
        if let raw = object["access"] {
            if raw is NSNull { policy = .some(nil) } else {
                guard let text = raw as? String, let parsed = AccessPolicy(rawValue: text) else {
                    throw OriginError.badRequest("access must be one of \(AccessPolicy.names) (or null for the default), not '\(raw)'")
                }
                policy = .some(parsed)
            }
        }
        blocked = try Self.countries(object["blockedCountries"], name: "blockedCountries")
        allowed = try Self.countries(object["allowedCountries"], name: "allowedCountries")
    }

    func applied(to item: ItemAccess) -> ItemAccess {
        var out = item
        if let policy { out.policy = policy }
        if let blocked { out.blockedCountries = blocked }
        if let allowed { out.allowedCountries = allowed }
        return out
    }

    private static func countries(_ raw: Any?, name: String) throws -> [String]? {
        guard let raw else { return nil }
        guard let list = raw as? [String] else { throw OriginError.badRequest("\(name) must be a list of country codes such as [\"US\", \"DE\"]") }
        switch ItemAccess.countryCodes(list) {
        case .success(let codes): return codes
        case .failure(let error): throw OriginError.badRequest("\(name): \(error)")
        }
    }
}

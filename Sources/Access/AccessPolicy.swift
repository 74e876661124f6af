/// Who may play an asset or live stream. `public` is the behaviour before access control existed and the
/// default (`access.default_policy`); the others each name the one proof a viewer must bring.
public enum AccessPolicy: String, Sendable, CaseIterable, Codable {
    /// Anyone who knows the URL.
    case `public`
    /// An HMAC-signed URL minted by `mediaserve sign` or `POST /api/v1/playback-urls`.
    case signed
    /// A JWT (bearer header or `?token=`) whose tier allows the rendition.
    case jwt
    /// The external authorisation hook (`access.webhook_url`) answers 2xx.
    case webhook

    /// The list as shown in error messages.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One asset's or live stream's own rules, stored in the catalog beside it. Countries are ISO 3166-1
/// alpha-2 codes in upper case.
public struct ItemAccess: Sendable, Equatable, Codable {
    /// Nil follows `access.default_policy`.
    public var policy: AccessPolicy?
    public var blockedCountries: [String]
    /// When non-empty, only these countries may play (a viewer whose country is unknown is refused).
    public var allowedCountries: [String]

    public init(policy: AccessPolicy? = nil, blockedCountries: [String] = [], allowedCountries: [String] = []) {
        self.policy = policy
        self.blockedCountries = blockedCountries
        self.allowedCountries = allowedCountries
    }

    /// An item with no stored rules.
    public static let unset = ItemAccess()

    /// Upper-cases and checks ISO 3166-1 alpha-2 codes; nil names the first bad one.
    public static func countryCodes(_ raw: [String]) -> Result<[String], CountryCodeError> {
        var codes: [String] = []
        for item in raw {
            let code = item.uppercased()
            guard code.utf8.count == 2, code.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
                return .failure(CountryCodeError(value: item))
            }
            if !codes.contains(code) { codes.append(code) }
        }
        return .success(codes)
    }
}

public struct CountryCodeError: Error, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String { "'\(value)' is not a two-letter ISO 3166-1 country code (e.g. US, DE, GB)" }
}

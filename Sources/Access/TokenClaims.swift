import JWTKit

/// Every claim of a verified JWT, kept by name: the tier claim is named by configuration
/// (`subscription_tier`, Cognito's `custom:subscription_tier`, ...), so no fixed struct can hold it.
/// Time and audience checks are done by `AccessEvaluator` against an injected clock, not here.
public struct TokenClaims: JWTPayload, Equatable {
    public enum Value: Sendable, Equatable, Codable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case strings([String])
        case other

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .string(text) }
            else if let flag = try? container.decode(Bool.self) { self = .bool(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let list = try? container.decode([String].self) { self = .strings(list) }
            else { self = .other }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            case .bool(let flag): try container.encode(flag)
            case .strings(let list): try container.encode(list)
            case .other: try container.encodeNil()
            }
        }
    }

    public var values: [String: Value]

    public init(_ values: [String: Value]) { self.values = values }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: Value].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    /// The signature is what jwt-kit checks; the claims are checked by `AccessEvaluator.check(_:)`.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    func string(_ name: String) -> String? {
        if case .string(let text)? = values[name] { return text }
        return nil
    }

    func seconds(_ name: String) -> Double? {
        if case .number(let number)? = values[name] { return number }
        return nil
    }

    /// `aud` is a string or a list of strings (RFC 7519 §4.1.3).
    var audiences: [String] {
        switch values["aud"] {
        case .string(let one)?: return [one]
        case .strings(let many)?: return many
        default: return []
        }
    }
}

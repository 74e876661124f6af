import Foundation

/// Why a request is refused (403). The reason is a fixed set so the refusal counter in /metrics keeps
/// a bounded number of series; the message is the one line the viewer (and the log) gets.
public struct AccessRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        case missingToken = "missing_token"
        case malformedToken = "malformed_token"
        /// The MAC does not match: tampered, or minted for another asset or stream.
        case badSignature = "bad_signature"
        case expired
        case ipMismatch = "ip_mismatch"
        case invalidJWT = "invalid_jwt"
        case noTier = "no_tier"
        case unknownTier = "unknown_tier"
        case renditionAboveLimit = "rendition_above_limit"
        case geoBlocked = "geo_blocked"
        case webhookDenied = "webhook_denied"
        case webhookUnavailable = "webhook_unavailable"
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { message }

    static func expired(at seconds: Int) -> AccessRefusal {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        return AccessRefusal(.expired, "token expired at \(ISO8601DateFormatter().string(from: date)): ask for a new playback URL")
    }

    static let region = AccessRefusal(.geoBlocked, "Content not available in your region")
}

/// Everything key handling and encryption can refuse, each with a message a person can act on.
public enum ProtectionError: Error, Equatable, Sendable, CustomStringConvertible {
    case badKeyLength(kid: KeyID, count: Int)
    case masterKeyMissing(subject: String)
    case masterKeyFormat(reason: String)
    case masterKeyMismatch
    case sealedKeyDamaged(kid: KeyID)
    case badSampleMap(reason: String)
    case badLicenceRequest(reason: String)
    case unknownScheme(String)
    case cpixInvalid(reason: String)
    case keyServer(reason: String)

    public var description: String {
        switch self {
        case .badKeyLength(let kid, let count):
            return "content key \(kid) has \(count) bytes; AES-128 keys have 16"
        case .masterKeyMissing(let subject):
            return "\(subject) is encrypted but no master key is configured: set drm.master_key or MEDIASERVE_DRM_MASTER_KEY (32 bytes, hex or base64)"
        case .masterKeyFormat(let reason):
            return "drm.master_key is not usable: \(reason); give 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)"
        case .masterKeyMismatch:
            return "drm.master_key does not open the content keys stored in the catalog: it is not the key they were sealed with (was MEDIASERVE_DRM_MASTER_KEY changed?)"
        case .sealedKeyDamaged(let kid):
            return "the stored content key \(kid) is damaged (its envelope is not a sealed key)"
        case .badSampleMap(let reason):
            return "cannot encrypt the sample: \(reason)"
        case .badLicenceRequest(let reason):
            return "ClearKey licence request is invalid: \(reason)"
        case .unknownScheme(let text):
            return "unknown encryption scheme \"\(text)\": use aes-128, sample-aes, cenc or cbcs"
        case .cpixInvalid(let reason):
            return "CPIX document is invalid: \(reason)"
        case .keyServer(let reason):
            return "key server (drm.speke.url) failed: \(reason)"
        }
    }
}

/// How a request's media is encrypted. HLS uses `aes128` (whole segments, RFC 8216 §5.2) or `sampleAES`
/// (cbcs inside fMP4); DASH uses `cenc` or `cbcs`. `sampleAES` and `cbcs` produce the same bytes; they differ
/// in how manifests signal them.
public enum EncryptionScheme: String, Sendable, CaseIterable, Codable {
    case aes128 = "aes-128"
    case sampleAES = "sample-aes"
    case cenc
    case cbcs

    public init(parsing text: String) throws {
        guard let scheme = EncryptionScheme(rawValue: text.lowercased()) else { throw ProtectionError.unknownScheme(text) }
        self = scheme
    }

    /// The sample-level scheme for the fMP4 (`schm` type), nil for whole-segment AES-128.
    public var sampleScheme: SampleScheme? {
        switch self {
        case .aes128: return nil
        case .sampleAES, .cbcs: return .cbcs
        case .cenc: return .cenc
        }
    }

    public var isHLS: Bool { self == .aes128 || self == .sampleAES }
}

/// The two ISO/IEC 23001-7 protection schemes mediaserve writes.
public enum SampleScheme: String, Sendable, Hashable {
    /// AES-CTR, full-sample for audio, subsamples for video, 8-byte per-sample IVs.
    case cenc
    /// AES-CBC with a 1:9 pattern over video slice data, whole-block audio, one constant 16-byte IV.
    case cbcs

    /// The `schm` scheme_type four-character code.
    public var fourCC: String { rawValue }
}

/// DRM systems a `pssh` or `ContentProtection` can name.
public struct DRMSystem: Hashable, Sendable {
    public let id: KeyID
    public let name: String

    public init(id: KeyID, name: String) {
        self.id = id
        self.name = name
    }

    public static let commonPSSH = DRMSystem(id: KeyID("1077efec-c0b2-4d02-ace3-3c1e52e2fb4b")!, name: "cenc")
    public static let clearKey = DRMSystem(id: KeyID("e2719d58-a985-b3c9-781a-b030af78d30e")!, name: "clearkey")
    public static let widevine = DRMSystem(id: KeyID("edef8ba9-79d6-4ace-a3c8-27dcd51d21ed")!, name: "widevine")
    public static let playReady = DRMSystem(id: KeyID("9a04f079-9840-4286-ab92-e65be0885f95")!, name: "playready")
    public static let fairPlay = DRMSystem(id: KeyID("94ce86fb-07ff-4f43-adb8-93d2fa968ca2")!, name: "fairplay")

    public static let known: [DRMSystem] = [commonPSSH, clearKey, widevine, playReady, fairPlay]

    /// By name (`widevine`) or system id (UUID text).
    public static func named(_ text: String) -> DRMSystem? {
        if let system = known.first(where: { $0.name == text.lowercased() }) { return system }
        return KeyID(text).flatMap { id in known.first { $0.id == id } ?? DRMSystem(id: id, name: id.uuidString) }
    }
}

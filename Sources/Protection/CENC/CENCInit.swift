import MediaCore
import MP4

/// One track of a clear init segment as the sample encryptor sees it: the MP4 description plus how its
/// samples are cut into subsamples.
public struct ProtectedTrack: Hashable, Sendable {
    public var track: ProtectableTrack
    public var layout: SampleLayout

    public var trackID: UInt32 { track.trackID }
}

/// The encrypted form of a clear CMAF init segment for one scheme and key: the MP4 target rewrites the
/// boxes (`encv`/`enca` with `sinf`, `pssh`); this decides what they say. Every track gets a `pssh` for
/// the W3C common system (ClearKey players read the key ids from it) plus whatever a key server supplied.
public enum CENCInit {
    public static func tracks(of bytes: [UInt8]) throws -> [ProtectedTrack] {
        try mp4 { try EncryptedInitSegment.tracks(bytes).map { ProtectedTrack(track: $0, layout: layout(of: $0)) } }
    }

    static func layout(of track: ProtectableTrack) -> SampleLayout {
        switch track.format {
        case "avc1", "avc3":
            // Without readable parameter sets the subsample map falls back to its fixed allowance.
            let sets = (try? H264ParameterSets(avcC: track.decoderConfiguration)) ?? H264ParameterSets()
            return .avc(lengthSize: track.nalLengthSize ?? 4, parameterSets: sets)
        case "hvc1", "hev1": return .hevc(lengthSize: track.nalLengthSize ?? 4)
        default: return .wholeSample
        }
    }

    /// The encrypted init. `extraPSSH` are whole `pssh` boxes from a key server.
    public static func encrypt(_ bytes: [UInt8], scheme: SampleScheme, kid: KeyID, constantIV: [UInt8],
                               extraPSSH: [[UInt8]] = []) throws -> [UInt8] {
        try mp4 {
            let systems = [common(kid)] + (try extraPSSH.flatMap { try ProtectionSystemHeader.parse($0) })
            return try EncryptedInitSegment.encrypt(bytes, protection: { track in
                let pattern = SampleEncryptor.pattern(scheme: scheme, layout: layout(of: track))
                switch scheme {
                case .cenc:
                    return TrackProtection(scheme: scheme.fourCC, keyID: kid.bytes, perSampleIVSize: 8)
                case .cbcs:
                    return TrackProtection(scheme: scheme.fourCC, keyID: kid.bytes, perSampleIVSize: 0, constantIV: constantIV,
                                           cryptByteBlock: pattern.crypt, skipByteBlock: pattern.skip)
                }
            }, systems: systems)
        }
    }

    /// The W3C common `pssh` box (version 1, the key id listed) as bytes, for MPDs (`cenc:pssh`).
    public static func commonPSSH(kid: KeyID) -> [UInt8] { common(kid).box }

    private static func common(_ kid: KeyID) -> ProtectionSystemHeader {
        ProtectionSystemHeader(systemID: DRMSystem.commonPSSH.id.bytes, keyIDs: [kid.bytes])
    }

    /// MP4's errors name the box; callers of Protection get them as one `ProtectionError`.
    static func mp4<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as MP4Error { throw ProtectionError.badSampleMap(reason: error.description) }
    }
}

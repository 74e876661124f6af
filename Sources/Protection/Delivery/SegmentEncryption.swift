import Crypto

/// The encrypted form of one stored CMAF object for one scheme and key: a pure function of its inputs
/// (IVs are derived, not random), which is what lets the origin cache the result and a CDN keep it.
public enum SegmentEncryption {
    /// The rule the IVs follow (`IVDerivation`). Part of every cache key, so changing the rule can never
    /// pair new playlists (which name the AES-128 IVs) with bytes encrypted under the old one.
    public static let ivRule = "mediaserve-iv-v1"

    /// `clear` is a media segment when `segment` is its number (then `initSegment` is the init it decodes
    /// with: its tracks say how to cut the samples), else an init segment. `stream` is the rendition id,
    /// which keeps IVs apart between renditions under one key.
    public static func encrypt(_ clear: [UInt8], scheme: EncryptionScheme, key served: ServedKey, stream: String,
                               segment: Int?, initSegment: [UInt8]?) throws -> [UInt8] {
        let key = served.period.key
        guard let sampleScheme = scheme.sampleScheme else {
            // HLS AES-128: the init stays clear (the playlist's first EXT-X-MAP comes before any key);
            // segments are AES-128-CBC under the IV the playlist names for them.
            guard let segment else { return clear }
            return WholeSegmentCipher.encrypt(clear, key: key, iv: IVDerivation.wholeSegment(kid: key.id, stream: stream, segment: segment))
        }
        let constantIV = sampleScheme == .cbcs ? IVDerivation.cbcsConstant(kid: key.id, stream: stream) : []
        guard let segment else {
            return try CENCInit.encrypt(clear, scheme: sampleScheme, kid: key.id, constantIV: constantIV,
                                        extraPSSH: served.signalling.compactMap(\.pssh))
        }
        guard let initSegment else { throw ProtectionError.badSampleMap(reason: "segment \(segment) of \(stream) has no init segment to read its tracks from") }
        let tracks = try CENCInit.tracks(of: initSegment)
        var encryptors: [UInt32: SampleEncryptor] = [:]
        for track in tracks {
            encryptors[track.trackID] = SampleEncryptor(scheme: sampleScheme, layout: track.layout, key: key, constantIV: constantIV)
        }
        return try CENCFragment.encrypt(clear, tracks: tracks, encryptors: encryptors,
                                        cencIVBase: IVDerivation.cencFragmentBase(kid: key.id, stream: stream, segment: segment))
    }

    /// A digest of everything about a key that changes the bytes (its id, the key itself and the key
    /// server's PSSH boxes, which go into inits), for cache keys: never the key, and never equal for two
    /// different keys that share an id.
    public static func fingerprint(_ served: ServedKey) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("mediaserve key fingerprint".utf8))
        hasher.update(data: served.period.key.id.bytes)
        hasher.update(data: served.period.key.key)
        for pssh in served.signalling.compactMap(\.pssh) {
            withUnsafeBytes(of: UInt64(pssh.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: pssh)
        }
        return Array(hasher.finalize())
    }
}

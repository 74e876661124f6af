/// What the encryptor needs to know about one track of a clear CMAF init segment.
public struct ProtectableTrack: Hashable, Sendable {
    public var trackID: UInt32
    /// The clear sample entry type (`avc1`, `mp4a`, ...), kept in `frma`.
    public var format: String
    public var isVisual: Bool
    /// The size of the length in front of each NAL unit (AVC `avcC`, HEVC `hvcC`); nil for tracks whose
    /// samples are not NAL units.
    public var nalLengthSize: Int?
    /// The decoder configuration record (`avcC`, `hvcC` payload): the parameter sets a slice header's
    /// layout depends on. Empty for other tracks.
    public var decoderConfiguration: [UInt8]
    /// `trex` default sample size, for fragments whose `trun` has no sizes.
    public var defaultSampleSize: UInt32
}

/// How one track is protected: what its `schm` and `tenc` say.
public struct TrackProtection: Hashable, Sendable {
    /// `cenc` or `cbcs`.
    public var scheme: String
    /// 16 bytes.
    public var keyID: [UInt8]
    /// 8 or 16 for per-sample IVs (cenc), 0 with a constant IV (cbcs).
    public var perSampleIVSize: Int
    public var constantIV: [UInt8]
    /// Pattern encryption: 1 and 9 for cbcs video, 0 and 0 otherwise.
    public var cryptByteBlock: Int
    public var skipByteBlock: Int

    public init(scheme: String, keyID: [UInt8], perSampleIVSize: Int, constantIV: [UInt8] = [],
                cryptByteBlock: Int = 0, skipByteBlock: Int = 0) {
        self.scheme = scheme
        self.keyID = keyID
        self.perSampleIVSize = perSampleIVSize
        self.constantIV = constantIV
        self.cryptByteBlock = cryptByteBlock
        self.skipByteBlock = skipByteBlock
    }

    var trackEncryption: TrackEncryptionBox {
        TrackEncryptionBox(kid: keyID, perSampleIVSize: UInt8(clamping: perSampleIVSize), constantIV: constantIV,
                           cryptByteBlock: UInt8(clamping: cryptByteBlock), skipByteBlock: UInt8(clamping: skipByteBlock))
    }
}

/// One DRM system's `pssh`: its system id, the key ids it covers and its own data.
public struct ProtectionSystemHeader: Hashable, Sendable {
    public var systemID: [UInt8]
    public var keyIDs: [[UInt8]]
    public var data: [UInt8]

    public init(systemID: [UInt8], keyIDs: [[UInt8]], data: [UInt8] = []) {
        self.systemID = systemID
        self.keyIDs = keyIDs
        self.data = data
    }

    /// The whole `pssh` box (for an MPD's `cenc:pssh`).
    public var box: [UInt8] { ProtectionSystemSpecificHeaderBox(systemID: systemID, keyIDs: keyIDs, data: data).encoded() }

    /// Every `pssh` box in `bytes` (boxes laid end to end, as a key server hands them out).
    public static func parse(_ bytes: [UInt8]) throws -> [ProtectionSystemHeader] {
        try Box.children(of: bytes, in: 0..<bytes.count, parent: "pssh").filter { $0.type == "pssh" }.map {
            let box = try ProtectionSystemSpecificHeaderBox($0, in: bytes)
            return ProtectionSystemHeader(systemID: box.systemID, keyIDs: box.keyIDs, data: box.data)
        }
    }
}

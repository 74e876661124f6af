/// `tenc` (ISO/IEC 23001-7 §8.2): a track's default key id and how its samples are protected. Version 1
/// carries the pattern (`cbcs`: 1 crypt block in 10 for video); a protected track with no per-sample IV
/// carries the constant IV instead.
struct TrackEncryptionBox: MP4Box {
    var version: UInt8 = 0
    /// Pattern encryption (version 1 only): blocks encrypted, then blocks left clear, repeating.
    var defaultCryptByteBlock: UInt8 = 0
    var defaultSkipByteBlock: UInt8 = 0
    var defaultIsProtected: UInt8 = 1
    /// 0 (constant IV), 8 or 16.
    var defaultPerSampleIVSize: UInt8
    /// 16 bytes.
    var defaultKID: [UInt8]
    /// Present exactly when the track is protected with no per-sample IV.
    var defaultConstantIV: [UInt8] = []

    var boxType: String { "tenc" }

    init(kid: [UInt8], perSampleIVSize: UInt8, constantIV: [UInt8] = [], cryptByteBlock: UInt8 = 0, skipByteBlock: UInt8 = 0) {
        defaultKID = kid
        defaultPerSampleIVSize = perSampleIVSize
        defaultConstantIV = perSampleIVSize == 0 ? constantIV : []
        defaultCryptByteBlock = cryptByteBlock
        defaultSkipByteBlock = skipByteBlock
        // The pattern fields exist only in version 1; cbcs always writes version 1.
        version = cryptByteBlock != 0 || skipByteBlock != 0 || perSampleIVSize == 0 ? 1 : 0
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (version, _) = try r.fullBoxHeader()
        try r.skip(1)  // reserved
        let pattern = try r.u8()
        if version > 0 {
            defaultCryptByteBlock = pattern >> 4
            defaultSkipByteBlock = pattern & 0x0F
        }
        defaultIsProtected = try r.u8()
        defaultPerSampleIVSize = try r.u8()
        guard [0, 8, 16].contains(defaultPerSampleIVSize) else {
            throw MP4Error.malformed(box: "tenc", reason: "per-sample IV size \(defaultPerSampleIVSize) is not 0, 8 or 16")
        }
        defaultKID = try r.read(16)
        if defaultIsProtected == 1 && defaultPerSampleIVSize == 0 {
            let size = Int(try r.u8())
            guard size == 8 || size == 16 else { throw MP4Error.malformed(box: "tenc", reason: "constant IV size \(size) is not 8 or 16") }
            defaultConstantIV = try r.read(size)
        }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: version, flags: 0)
        out.append(0)
        out.append(version > 0 ? defaultCryptByteBlock << 4 | defaultSkipByteBlock & 0x0F : 0)
        out.append(defaultIsProtected)
        out.append(defaultPerSampleIVSize)
        out += defaultKID.prefix(16)
        out.appendZeros(16 - min(defaultKID.count, 16))
        if defaultIsProtected == 1 && defaultPerSampleIVSize == 0 {
            out.append(UInt8(defaultConstantIV.count))
            out += defaultConstantIV
        }
    }
}

/// RFC 6381 codec strings, built from the bytes the encoder really wrote.
public enum CodecString {
    /// `avc1.PPCCLL` from an AVCDecoderConfigurationRecord (`avcC` box payload) or from an SPS NAL unit
    /// (profile_idc, constraint flags, level_idc are its bytes 1-3, after the NAL header).
    public static func avc1(avcC: [UInt8]) -> String? {
        guard avcC.count >= 4, avcC[0] == 1 else { return nil }
        return avc1(profile: avcC[1], constraints: avcC[2], level: avcC[3])
    }

    public static func avc1(profile: UInt8, constraints: UInt8, level: UInt8) -> String {
        "avc1." + hex(profile) + hex(constraints) + hex(level)
    }

    /// `mp4a.40.<audioObjectType>` from an AudioSpecificConfig (AAC-LC is 2, HE-AAC 5, HE-AACv2 29).
    public static func mp4a(audioSpecificConfig asc: [UInt8]) -> String? {
        guard let first = asc.first else { return nil }
        var objectType = Int(first >> 3)
        if objectType == 31, asc.count >= 2 {
            objectType = 32 + Int(((first & 0x07) << 3) | (asc[1] >> 5))
        }
        guard objectType > 0 else { return nil }
        return "mp4a.40.\(objectType)"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}

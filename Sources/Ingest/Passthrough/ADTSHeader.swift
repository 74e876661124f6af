/// The header MPEG-TS puts before every AAC frame (ADTS, ISO/IEC 13818-7 / 14496-3). MP4 wants raw AAC
/// frames and the stream's configuration once, as an AudioSpecificConfig: this reads the one and builds
/// the other. Pure, so it is unit-tested on known bytes.
struct ADTSHeader: Equatable {
    /// Bytes before the raw frame: 7, or 9 with a CRC.
    var length: Int
    /// MPEG-4 audio object type (2 = AAC-LC).
    var objectType: Int
    var samplingFrequencyIndex: Int
    var channelConfiguration: Int
    /// Raw AAC frames in this ADTS frame; MP4 samples hold one, so only 1 can be copied.
    var rawFrames: Int

    /// Reads the header at the start of `bytes`; nil when they do not start with an ADTS sync word.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 7, bytes[0] == 0xFF, bytes[1] & 0xF6 == 0xF0 else { return nil }
        let protectionAbsent = bytes[1] & 0x01 == 1
        length = protectionAbsent ? 7 : 9
        objectType = Int(bytes[2] >> 6) + 1
        samplingFrequencyIndex = Int(bytes[2] >> 2) & 0x0F
        channelConfiguration = Int(bytes[2] & 0x01) << 2 | Int(bytes[3] >> 6)
        rawFrames = Int(bytes[6] & 0x03) + 1
        guard samplingFrequencyIndex < 13 else { return nil }
    }

    /// AudioSpecificConfig: object type (5 bits), sampling frequency index (4), channel configuration (4),
    /// then the GASpecificConfig flags, all zero for AAC-LC.
    var audioSpecificConfig: [UInt8] {
        let bits = objectType << 11 | samplingFrequencyIndex << 7 | channelConfiguration << 3
        return [UInt8(bits >> 8), UInt8(bits & 0xFF)]
    }
}

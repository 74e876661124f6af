/// The header MPEG-TS puts before every AAC frame (ADTS, ISO/IEC 13818-7 / 14496-3). MP4 wants raw AAC
/// frames and the stream's configuration once, as an AudioSpecificConfig: this reads the one and builds
/// the other. Shared by the live SRT path and `ingest --copy` of MPEG-TS; pure, so unit-tested on bytes.
public struct ADTSHeader: Equatable, Sendable {
    /// Bytes before the raw frame: 7, or 9 with a CRC.
    public var length: Int
    /// The whole ADTS frame, header included (aac_frame_length).
    public var frameLength: Int
    /// MPEG-4 audio object type (2 = AAC-LC).
    public var objectType: Int
    public var samplingFrequencyIndex: Int
    public var channelConfiguration: Int
    /// Raw AAC frames in this ADTS frame; MP4 samples hold one.
    public var rawFrames: Int

    /// Reads the header at `offset` in `bytes`; nil when no ADTS sync word (12 ones, layer 00) starts
    /// there, the header is cut short, or the sampling frequency index is reserved.
    public init?(_ bytes: [UInt8], at offset: Int = 0) {
        guard offset >= 0, offset + 7 <= bytes.count,
              bytes[offset] == 0xFF, bytes[offset + 1] & 0xF6 == 0xF0 else { return nil }
        let protectionAbsent = bytes[offset + 1] & 0x01 == 1
        length = protectionAbsent ? 7 : 9
        objectType = Int(bytes[offset + 2] >> 6) + 1
        samplingFrequencyIndex = Int(bytes[offset + 2] >> 2) & 0x0F
        channelConfiguration = Int(bytes[offset + 2] & 0x01) << 2 | Int(bytes[offset + 3] >> 6)
        frameLength = Int(bytes[offset + 3] & 0x03) << 11 | Int(bytes[offset + 4]) << 3 | Int(bytes[offset + 5] >> 5)
        rawFrames = Int(bytes[offset + 6] & 0x03) + 1
        guard samplingFrequencyIndex < 13 else { return nil }
    }

    /// AudioSpecificConfig: object type (5 bits), sampling frequency index (4), channel configuration (4),
    /// then the GASpecificConfig flags, all zero for AAC-LC.
    public var audioSpecificConfig: [UInt8] {
        let bits = objectType << 11 | samplingFrequencyIndex << 7 | channelConfiguration << 3
        return [UInt8(bits >> 8), UInt8(bits & 0xFF)]
    }
}

/// Parsers for the payloads of RTMP audio (8) and video (9) messages, which are FLV tag bodies
/// (FLV 10.1 specification, annex E.4.2 and E.4.3). Only H.264 and AAC pass through; MP3 and G.711 audio
/// become `codedAudio`, which the listener converts to AAC.
public enum FLVTag {
    static let codecAVC: UInt8 = 7
    static let soundFormatAAC: UInt8 = 10

    /// A video tag body at `timestamp` (ms, unwrapped); nil for tags that carry no picture
    /// (end of sequence, video info/command frames).
    public static func parseVideo(_ payload: [UInt8], timestamp: Int64) throws -> LiveMediaEvent? {
        var reader = ByteReader(payload)
        let first = try reader.u8("an FLV video tag header")
        if first & 0x80 != 0 {
            throw LiveError.unsupportedCodec("enhanced-RTMP video (HEVC, AV1 or VP9)")
        }
        let frameType = first >> 4
        let codec = first & 0x0F
        if frameType == 5 { return nil }  // video info / command frame: no picture
        guard codec == codecAVC else { throw LiveError.unsupportedCodec("FLV video codec id \(codec)") }
        let packetType = try reader.u8("an AVC packet type")
        let rawComposition = try reader.u24("an AVC composition time")
        // SI24: sign-extend the 24-bit value.
        let composition = Int64(Int32(bitPattern: rawComposition << 8) >> 8)
        switch packetType {
        case 0:
            let record = reader.rest()
            // ffmpeg's FLV muxer sends an empty sequence header when its input (e.g. MPEG-TS with -c copy)
            // has no extradata yet, and the real one once the stream supplies it: wait for that one.
            if record.isEmpty { return nil }
            try validateAVCConfig(record)
            return .videoConfig(avcC: record)
        case 1:
            let data = reader.rest()
            if data.isEmpty { return nil }  // some encoders send empty NALU packets; nothing to show
            return .video(VideoFrame(dts: timestamp, pts: timestamp + composition, isKeyframe: frameType == 1, data: data))
        case 2:
            return nil
        default:
            throw LiveError.malformedMedia("unknown AVC packet type \(packetType)")
        }
    }

    /// An audio tag body at `timestamp` (ms, unwrapped).
    public static func parseAudio(_ payload: [UInt8], timestamp: Int64) throws -> LiveMediaEvent? {
        var reader = ByteReader(payload)
        let first = try reader.u8("an FLV audio tag header")
        let format = first >> 4
        if let coded = codedAudio(format: format, flags: first, payload: Array(payload.dropFirst()), timestamp: timestamp) {
            return coded.data.isEmpty ? nil : .codedAudio(coded)
        }
        guard format == soundFormatAAC else { throw LiveError.unsupportedCodec("FLV sound format \(format)") }
        let packetType = try reader.u8("an AAC packet type")
        switch packetType {
        case 0:
            let asc = reader.rest()
            // Empty: the publisher does not know its AudioSpecificConfig yet (ffmpeg -c copy from ADTS with
            // aac_adtstoasc sends the real one with the first frame); frames before it are dropped.
            if asc.isEmpty { return nil }
            guard asc.count >= 2, AudioSpecificConfig(asc) != nil else {
                throw LiveError.malformedMedia("AudioSpecificConfig of \(asc.count) bytes does not parse")
            }
            return .audioConfig(asc: asc)
        case 1:
            let data = reader.rest()
            if data.isEmpty { return nil }
            return .audio(AudioFrame(pts: timestamp, data: data))
        default:
            throw LiveError.malformedMedia("unknown AAC packet type \(packetType)")
        }
    }

    /// The FLV sound formats converted to AAC: MP3 (2; 14 at 8 kHz) and G.711 A-law (7) and mu-law (8),
    /// with the rate and channels the header's flags give (MP3 frames carry their own).
    static func codedAudio(format: UInt8, flags: UInt8, payload: [UInt8], timestamp: Int64) -> CodedAudio? {
        let channels = flags & 0x01 == 1 ? 2 : 1
        switch format {
        case 2: return CodedAudio(codec: "mp3", pts: timestamp, data: payload)
        case 14: return CodedAudio(codec: "mp3", sampleRate: 8000, pts: timestamp, data: payload)
        case 7: return CodedAudio(codec: "pcm_alaw", sampleRate: 8000, channels: channels, pts: timestamp, data: payload)
        case 8: return CodedAudio(codec: "pcm_mulaw", sampleRate: 8000, channels: channels, pts: timestamp, data: payload)
        default: return nil
        }
    }

    /// An AVCDecoderConfigurationRecord must have version 1, a length size, and at least one SPS.
    static func validateAVCConfig(_ record: [UInt8]) throws {
        guard let config = AVCConfig(record) else {
            throw LiveError.malformedMedia("AVC sequence header of \(record.count) bytes is not an AVCDecoderConfigurationRecord")
        }
        guard !config.sps.isEmpty else { throw LiveError.malformedMedia("AVC sequence header without an SPS") }
    }
}

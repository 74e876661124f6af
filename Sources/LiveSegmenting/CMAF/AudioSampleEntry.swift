import RTMP

/// `mp4a` sample entry with an `esds` whose DecoderSpecificInfo is the publisher's AudioSpecificConfig.
enum AudioSampleEntry {
    static func mp4a(asc: AudioSpecificConfig, averageBitrate: UInt32 = 0) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: 6)  // reserved
        body.appendBigEndian(UInt16(1))  // data_reference_index
        body += [UInt8](repeating: 0, count: 8)  // reserved
        body.appendBigEndian(UInt16(clamping: max(asc.channels, 1)))
        body.appendBigEndian(UInt16(16))  // samplesize
        body.appendBigEndian(UInt32(0))  // pre_defined, reserved
        body.appendBigEndian(UInt32(UInt16(clamping: asc.sampleRate)) << 16)
        body += esds(asc: asc.bytes, averageBitrate: averageBitrate)
        return Box.box("mp4a", body)
    }

    /// ISO/IEC 14496-1 ES_Descriptor → DecoderConfigDescriptor (AAC, audio stream) → DecoderSpecificInfo,
    /// plus the SLConfigDescriptor MP4 requires.
    static func esds(asc: [UInt8], averageBitrate: UInt32) -> [UInt8] {
        var decoderConfig: [UInt8] = [0x40, 0x15]  // objectTypeIndication: MPEG-4 audio; streamType 5, upstream 0, reserved 1
        decoderConfig.appendUInt24(0)  // bufferSizeDB
        decoderConfig.appendBigEndian(averageBitrate)  // maxBitrate
        decoderConfig.appendBigEndian(averageBitrate)  // avgBitrate
        decoderConfig += descriptor(tag: 0x05, asc)
        var es: [UInt8] = [0, 0, 0]  // ES_ID 0, no dependence / URL / OCR
        es += descriptor(tag: 0x04, decoderConfig)
        es += descriptor(tag: 0x06, [0x02])  // SLConfig: predefined MP4
        return Box.fullBox("esds", version: 0, flags: 0, descriptor(tag: 0x03, es))
    }

    /// A descriptor tag with its expandable size (7 bits per byte, high bit = more follows).
    static func descriptor(tag: UInt8, _ body: [UInt8]) -> [UInt8] {
        var size: [UInt8] = [UInt8(body.count & 0x7F)]
        var rest = body.count >> 7
        while rest > 0 {
            size.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
            rest >>= 7
        }
        return [tag] + size + body
    }
}

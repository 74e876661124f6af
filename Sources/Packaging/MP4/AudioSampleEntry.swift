import MediaCore

/// `mp4a` (ISO/IEC 14496-12 §12.2.3, 14496-14 §5.6): channel count, sample rate and, through `esds`,
/// the AudioSpecificConfig that gives `mp4a.40.<object type>`.
struct AudioSampleEntry {
    var channels: Int
    var sampleRate: Int
    var codecs: String

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        try r.skip(8)                   // reserved + data_reference_index
        let version = try r.u16()       // QuickTime sound description version; ISO files write 0
        try r.skip(6)
        channels = Int(try r.u16())
        try r.skip(2 + 4)               // samplesize, pre_defined + reserved
        sampleRate = Int(try r.u32() >> 16)
        switch version {
        case 0: break
        case 1: try r.skip(16)
        case 2: try r.skip(36)
        default: throw PackagingError.malformed(box: "mp4a", reason: "unknown sound description version \(version)")
        }
        let children = try Box.children(of: bytes, in: r.position..<r.end, parent: "mp4a")
        let esds = try children.require("esds", in: "mp4a")
        let asc = try ElementaryStreamDescriptor.audioSpecificConfig(esds, in: bytes)
        guard let codecs = CodecString.mp4a(audioSpecificConfig: asc) else {
            throw PackagingError.malformed(box: "esds", reason: "AudioSpecificConfig has no audio object type")
        }
        self.codecs = codecs
    }
}

/// The MPEG-4 descriptors inside `esds` (ISO/IEC 14496-1 §7.2.6): ES_Descriptor (tag 3) holds a
/// DecoderConfigDescriptor (tag 4) that holds the DecoderSpecificInfo (tag 5), the AudioSpecificConfig.
enum ElementaryStreamDescriptor {
    static func audioSpecificConfig(_ box: Box, in bytes: [UInt8]) throws -> [UInt8] {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        guard try r.u8() == 0x03 else { throw PackagingError.malformed(box: "esds", reason: "no ES_Descriptor") }
        var es = try sub(&r)
        try es.skip(2)  // ES_ID
        let esFlags = try es.u8()
        if esFlags & 0x80 != 0 { try es.skip(2) }                 // dependsOn_ES_ID
        if esFlags & 0x40 != 0 { try es.skip(Int(try es.u8())) } // URL
        if esFlags & 0x20 != 0 { try es.skip(2) }                 // OCR_ES_ID
        guard try es.u8() == 0x04 else { throw PackagingError.malformed(box: "esds", reason: "no DecoderConfigDescriptor") }
        var config = try sub(&es)
        try config.skip(13)  // objectTypeIndication, streamType, bufferSizeDB, maxBitrate, avgBitrate
        guard try config.u8() == 0x05 else { throw PackagingError.malformed(box: "esds", reason: "no DecoderSpecificInfo") }
        var info = try sub(&config)
        return try info.read(info.remaining)
    }

    /// A reader over one descriptor's body; its length is 1-4 bytes of 7 bits each, high bit = more.
    private static func sub(_ r: inout ByteReader) throws -> ByteReader {
        var length = 0
        for _ in 0..<4 {
            let byte = try r.u8()
            length = length << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 { break }
        }
        guard length <= r.remaining else {
            throw PackagingError.truncated(box: "esds", offset: r.position, needed: length, available: r.remaining)
        }
        let sub = ByteReader(r.bytes, range: r.position..<(r.position + length), box: "esds")
        try r.skip(length)
        return sub
    }
}

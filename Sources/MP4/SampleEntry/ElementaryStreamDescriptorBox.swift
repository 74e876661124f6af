/// `esds` (ISO/IEC 14496-14 §5.6, descriptors from 14496-1 §7.2.6): an ES_Descriptor (tag 3) holding a
/// DecoderConfigDescriptor (tag 4) that holds the DecoderSpecificInfo (tag 5), here the AAC
/// AudioSpecificConfig, plus the SLConfigDescriptor (tag 6) MP4 requires.
struct ElementaryStreamDescriptorBox: MP4Box {
    var esID: UInt16 = 0
    var streamPriority: UInt8 = 0
    var dependsOnESID: UInt16?
    var url: [UInt8]?
    var ocrESID: UInt16?
    /// 0x40: MPEG-4 audio.
    var objectTypeIndication: UInt8 = 0x40
    /// streamType (6 bits) << 2 | upStream << 1 | reserved 1; 0x15 is an audio stream.
    var streamTypeByte: UInt8 = 0x15
    var bufferSizeDB: UInt32 = 0
    var maxBitrate: UInt32 = 0
    var averageBitrate: UInt32 = 0
    /// The AudioSpecificConfig.
    var decoderSpecificInfo: [UInt8]
    /// SLConfigDescriptor predefined value; 2 is "MP4".
    var slConfigPredefined: UInt8 = 2

    var boxType: String { "esds" }

    init(audioSpecificConfig: [UInt8], averageBitrate: UInt32 = 0) {
        decoderSpecificInfo = audioSpecificConfig
        maxBitrate = averageBitrate
        self.averageBitrate = averageBitrate
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        guard try r.u8() == 0x03 else { throw MP4Error.malformed(box: "esds", reason: "no ES_Descriptor") }
        var es = try Self.descriptorBody(&r)
        esID = try es.u16()
        let esFlags = try es.u8()
        streamPriority = esFlags & 0x1F
        if esFlags & 0x80 != 0 { dependsOnESID = try es.u16() }
        if esFlags & 0x40 != 0 { url = try es.read(Int(try es.u8())) }
        if esFlags & 0x20 != 0 { ocrESID = try es.u16() }
        guard try es.u8() == 0x04 else { throw MP4Error.malformed(box: "esds", reason: "no DecoderConfigDescriptor") }
        var config = try Self.descriptorBody(&es)
        objectTypeIndication = try config.u8()
        streamTypeByte = try config.u8()
        bufferSizeDB = try config.u24()
        maxBitrate = try config.u32()
        averageBitrate = try config.u32()
        guard try config.u8() == 0x05 else { throw MP4Error.malformed(box: "esds", reason: "no DecoderSpecificInfo") }
        var info = try Self.descriptorBody(&config)
        decoderSpecificInfo = try info.read(info.remaining)
        if es.remaining >= 3, try es.u8() == 0x06 {
            var sl = try Self.descriptorBody(&es)
            if !sl.isAtEnd { slConfigPredefined = try sl.u8() }
        }
    }

    func writePayload(to out: inout [UInt8]) {
        var decoderConfig: [UInt8] = [objectTypeIndication, streamTypeByte]
        decoderConfig.appendUInt24(bufferSizeDB)
        decoderConfig.appendBigEndian(maxBitrate)
        decoderConfig.appendBigEndian(averageBitrate)
        decoderConfig += Self.descriptor(tag: 0x05, decoderSpecificInfo)
        var es: [UInt8] = []
        es.appendBigEndian(esID)
        es.append((dependsOnESID != nil ? 0x80 : 0) | (url != nil ? 0x40 : 0) | (ocrESID != nil ? 0x20 : 0) | (streamPriority & 0x1F))
        if let dependsOnESID { es.appendBigEndian(dependsOnESID) }
        if let url { es.append(UInt8(clamping: url.count)); es += url.prefix(255) }
        if let ocrESID { es.appendBigEndian(ocrESID) }
        es += Self.descriptor(tag: 0x04, decoderConfig)
        es += Self.descriptor(tag: 0x06, [slConfigPredefined])
        out.appendFullBoxHeader(version: 0, flags: 0)
        out += Self.descriptor(tag: 0x03, es)
    }

    /// A descriptor: its tag, its size in the shortest "expandable" form (7 bits per byte, high bit = more
    /// follows), then the body.
    static func descriptor(tag: UInt8, _ body: [UInt8]) -> [UInt8] {
        var size: [UInt8] = [UInt8(body.count & 0x7F)]
        var rest = body.count >> 7
        while rest > 0 {
            size.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
            rest >>= 7
        }
        return [tag] + size + body
    }

    /// A reader over one descriptor's body; its size is 1-4 bytes of 7 bits each, high bit = more.
    private static func descriptorBody(_ r: inout BoxReader) throws -> BoxReader {
        var length = 0
        for _ in 0..<4 {
            let byte = try r.u8()
            length = length << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 { break }
        }
        guard length <= r.remaining else {
            throw MP4Error.truncated(box: "esds", offset: r.position, needed: length, available: r.remaining)
        }
        let body = BoxReader(r.bytes, range: r.position..<(r.position + length), box: "esds")
        try r.skip(length)
        return body
    }
}

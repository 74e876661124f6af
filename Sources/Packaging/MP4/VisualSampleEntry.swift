import MediaCore

/// `avc1`/`avc3` (ISO/IEC 14496-12 §12.1.3, 14496-15 §5.4): coded size and the `avcC` record whose first
/// bytes give the RFC 6381 codec string.
struct VisualSampleEntry {
    var width: Int
    var height: Int
    var codecs: String

    /// Fixed fields before the child boxes: 6 reserved + 2 data_reference_index + 16 pre-defined/reserved
    /// + 2 width + 2 height + 4+4 resolution + 4 reserved + 2 frame_count + 32 compressorname + 2 depth + 2 pre-defined.
    static let fixedLength = 78

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        try r.skip(24)
        width = Int(try r.u16())
        height = Int(try r.u16())
        try r.skip(VisualSampleEntry.fixedLength - 28)
        let children = try Box.children(of: bytes, in: r.position..<r.end, parent: box.type)
        let avcC = try children.require("avcC", in: box.type)
        let record = Array(bytes[avcC.payload])
        guard let codecs = CodecString.avc1(avcC: record) else {
            throw PackagingError.malformed(box: "avcC", reason: "not an AVCDecoderConfigurationRecord (version 1, 4+ bytes)")
        }
        // avc3 keeps parameter sets in band; the codec string names the sample entry type.
        self.codecs = box.type == "avc3" ? "avc3" + codecs.dropFirst(4) : codecs
    }
}

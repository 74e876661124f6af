/// `avc1`/`avc3` (ISO/IEC 14496-12 §12.1.3, 14496-15 §5.4): coded size and the `avcC` record. We write
/// `avc1` with the record unchanged: parameter sets stay out of band, which is what `avc1` promises.
struct VisualSampleEntry: MP4Box {
    /// `avc1` or `avc3` (parameter sets in band).
    var type: String = "avc1"
    var dataReferenceIndex: UInt16 = 1
    var width: UInt16
    var height: UInt16
    /// 16.16 pixels per inch; 72 dpi.
    var horizontalResolution: UInt32 = 0x0048_0000
    var verticalResolution: UInt32 = 0x0048_0000
    var frameCount: UInt16 = 1
    /// 32 bytes: a Pascal string padded with zeros.
    var compressorName = [UInt8](repeating: 0, count: 32)
    var depth: UInt16 = 0x0018
    var configuration: AVCConfigurationBox
    /// Children we do not model (`btrt`, `pasp`, `colr`, ...), kept whole.
    var others: [RawBox] = []

    var boxType: String { type }

    init(width: Int, height: Int, configuration: AVCConfigurationBox) {
        self.width = UInt16(clamping: width)
        self.height = UInt16(clamping: height)
        self.configuration = configuration
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        type = box.type
        var r = box.reader(bytes)
        try r.skip(6)  // reserved
        dataReferenceIndex = try r.u16()
        try r.skip(16)  // pre_defined, reserved
        width = try r.u16()
        height = try r.u16()
        horizontalResolution = try r.u32()
        verticalResolution = try r.u32()
        try r.skip(4)  // reserved
        frameCount = try r.u16()
        compressorName = try r.read(32)
        depth = try r.u16()
        try r.skip(2)  // pre_defined -1
        let children = try Box.children(of: bytes, in: r.position..<r.end, parent: box.type)
        configuration = try AVCConfigurationBox(try children.require("avcC", in: box.type), in: bytes)
        others = try children.raw(except: ["avcC"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendZeros(6)
        out.appendBigEndian(dataReferenceIndex)
        out.appendZeros(16)
        out.appendBigEndian(width)
        out.appendBigEndian(height)
        out.appendBigEndian(horizontalResolution)
        out.appendBigEndian(verticalResolution)
        out.appendZeros(4)
        out.appendBigEndian(frameCount)
        out += compressorName.prefix(32)
        out.appendZeros(32 - min(compressorName.count, 32))
        out.appendBigEndian(depth)
        out.appendBigEndian(Int16(-1))
        configuration.write(to: &out)
        others.write(to: &out)
    }
}

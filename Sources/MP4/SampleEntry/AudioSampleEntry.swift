/// `mp4a` (ISO/IEC 14496-12 §12.2.3, 14496-14 §5.6): channel count, sample rate and, through `esds`, the
/// AudioSpecificConfig that gives `mp4a.40.<object type>`.
struct AudioSampleEntry: MP4Box {
    var dataReferenceIndex: UInt16 = 1
    /// QuickTime sound description version; ISO files write 0. Versions 1 and 2 add 16 or 36 bytes.
    var soundVersion: UInt16 = 0
    var channelCount: UInt16
    var sampleSize: UInt16 = 16
    /// 16.16 fixed point (so at most 65535 Hz; larger rates are in the AudioSpecificConfig).
    var sampleRateFixed: UInt32
    /// The version 1 or 2 extension, kept byte for byte.
    var soundVersionExtension: [UInt8] = []
    var descriptor: ElementaryStreamDescriptorBox
    var others: [RawBox] = []

    var boxType: String { "mp4a" }
    var sampleRate: Int { Int(sampleRateFixed >> 16) }

    init(channels: Int, sampleRate: Int, descriptor: ElementaryStreamDescriptorBox) {
        channelCount = UInt16(clamping: max(channels, 1))
        sampleRateFixed = UInt32(UInt16(clamping: sampleRate)) << 16
        self.descriptor = descriptor
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        try r.skip(6)  // reserved
        dataReferenceIndex = try r.u16()
        soundVersion = try r.u16()
        try r.skip(6)  // revision level, vendor
        channelCount = try r.u16()
        sampleSize = try r.u16()
        try r.skip(4)  // pre_defined, reserved
        sampleRateFixed = try r.u32()
        switch soundVersion {
        case 0: break
        case 1: soundVersionExtension = try r.read(16)
        case 2: soundVersionExtension = try r.read(36)
        default: throw MP4Error.malformed(box: "mp4a", reason: "unknown sound description version \(soundVersion)")
        }
        let children = try Box.children(of: bytes, in: r.position..<r.end, parent: "mp4a")
        descriptor = try ElementaryStreamDescriptorBox(try children.require("esds", in: "mp4a"), in: bytes)
        others = try children.raw(except: ["esds"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendZeros(6)
        out.appendBigEndian(dataReferenceIndex)
        out.appendBigEndian(soundVersion)
        out.appendZeros(6)
        out.appendBigEndian(channelCount)
        out.appendBigEndian(sampleSize)
        out.appendZeros(4)
        out.appendBigEndian(sampleRateFixed)
        out += soundVersionExtension
        descriptor.write(to: &out)
        others.write(to: &out)
    }
}

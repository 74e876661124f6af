/// `avc1` sample entry carrying the publisher's `avcC` record unchanged (parameter sets stay out of band,
/// which is what `avc1`, as opposed to `avc3`, promises).
enum VisualSampleEntry {
    static func avc1(avcC: [UInt8], width: Int, height: Int) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: 6)  // reserved
        body.appendBigEndian(UInt16(1))  // data_reference_index
        body += [UInt8](repeating: 0, count: 16)  // pre_defined, reserved
        body.appendBigEndian(UInt16(clamping: width))
        body.appendBigEndian(UInt16(clamping: height))
        body.appendBigEndian(UInt32(0x0048_0000))  // 72 dpi
        body.appendBigEndian(UInt32(0x0048_0000))
        body.appendBigEndian(UInt32(0))  // reserved
        body.appendBigEndian(UInt16(1))  // frame_count
        body += [UInt8](repeating: 0, count: 32)  // compressorname (empty Pascal string)
        body.appendBigEndian(UInt16(0x0018))  // depth
        body.appendBigEndian(UInt16(0xFFFF))  // pre_defined -1
        body += Box.box("avcC", avcC)
        return Box.box("avc1", body)
    }
}

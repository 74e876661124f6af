/// `tkhd`: track id and presentation size (ISO/IEC 14496-12 §8.3.2). Width and height are 16.16 fixed point.
struct TrackHeaderBox {
    var trackID: UInt32
    var width: Int
    var height: Int

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (version, _) = try r.fullBoxHeader()
        try r.skip(version == 1 ? 16 : 8)  // creation and modification times
        trackID = try r.u32()
        try r.skip(4)                       // reserved
        try r.skip(version == 1 ? 8 : 4)    // duration
        try r.skip(8 + 2 + 2 + 2 + 2 + 36)  // reserved, layer, alternate group, volume, reserved, matrix
        width = Int(try r.u32() >> 16)
        height = Int(try r.u32() >> 16)
    }
}

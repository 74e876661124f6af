/// `mvhd`: the movie timescale (ISO/IEC 14496-12 §8.2.2). Media times use `mdhd`; this is kept for checks.
struct MovieHeaderBox {
    var timescale: UInt32
    var duration: UInt64

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (version, _) = try r.fullBoxHeader()
        if version == 1 {
            try r.skip(16)
            timescale = try r.u32()
            duration = try r.u64()
        } else {
            try r.skip(8)
            timescale = try r.u32()
            duration = UInt64(try r.u32())
        }
    }
}

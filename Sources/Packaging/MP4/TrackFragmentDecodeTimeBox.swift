/// `tfdt`: decode time of the fragment's first sample in the media timescale (ISO/IEC 14496-12 §8.8.12).
struct TrackFragmentDecodeTimeBox {
    var baseMediaDecodeTime: UInt64

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (version, _) = try r.fullBoxHeader()
        baseMediaDecodeTime = version == 1 ? try r.u64() : UInt64(try r.u32())
    }
}

/// `trex`: per-track sample defaults for fragments (ISO/IEC 14496-12 §8.8.3), used when neither `tfhd` nor
/// `trun` gives a sample's duration or flags.
struct TrackExtendsBox {
    var trackID: UInt32
    var defaultSampleDescriptionIndex: UInt32
    var defaultSampleDuration: UInt32
    var defaultSampleSize: UInt32
    var defaultSampleFlags: UInt32

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        trackID = try r.u32()
        defaultSampleDescriptionIndex = try r.u32()
        defaultSampleDuration = try r.u32()
        defaultSampleSize = try r.u32()
        defaultSampleFlags = try r.u32()
    }
}

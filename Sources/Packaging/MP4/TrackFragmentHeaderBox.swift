/// `tfhd`: which track a `traf` describes and its fragment-level sample defaults (ISO/IEC 14496-12 §8.8.7).
struct TrackFragmentHeaderBox {
    var trackID: UInt32
    var defaultSampleDuration: UInt32?
    var defaultSampleSize: UInt32?
    var defaultSampleFlags: UInt32?

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (_, flags) = try r.fullBoxHeader()
        trackID = try r.u32()
        if flags & 0x01 != 0 { try r.skip(8) }  // base_data_offset
        if flags & 0x02 != 0 { try r.skip(4) }  // sample_description_index
        defaultSampleDuration = flags & 0x08 != 0 ? try r.u32() : nil
        defaultSampleSize = flags & 0x10 != 0 ? try r.u32() : nil
        defaultSampleFlags = flags & 0x20 != 0 ? try r.u32() : nil
    }
}

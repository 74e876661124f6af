/// `tfhd` (ISO/IEC 14496-12 §8.8.7): which track a `traf` describes and its fragment-level sample
/// defaults. Each optional field is present exactly when its flag is set; the flags are derived from them.
struct TrackFragmentHeaderBox: MP4Box {
    var trackID: UInt32
    var baseDataOffset: UInt64?
    var sampleDescriptionIndex: UInt32?
    var defaultSampleDuration: UInt32?
    var defaultSampleSize: UInt32?
    var defaultSampleFlags: UInt32?
    /// 0x010000: the fragment has no samples, only a duration.
    var durationIsEmpty = false
    /// 0x020000: data offsets count from the start of the `moof` (CMAF requires it).
    var defaultBaseIsMoof = false

    var boxType: String { "tfhd" }

    var flags: UInt32 {
        (baseDataOffset != nil ? 0x01 : 0) | (sampleDescriptionIndex != nil ? 0x02 : 0)
            | (defaultSampleDuration != nil ? 0x08 : 0) | (defaultSampleSize != nil ? 0x10 : 0)
            | (defaultSampleFlags != nil ? 0x20 : 0) | (durationIsEmpty ? 0x01_0000 : 0) | (defaultBaseIsMoof ? 0x02_0000 : 0)
    }

    init(trackID: UInt32, defaultBaseIsMoof: Bool) {
        self.trackID = trackID
        self.defaultBaseIsMoof = defaultBaseIsMoof
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (_, flags) = try r.fullBoxHeader()
        trackID = try r.u32()
        baseDataOffset = flags & 0x01 != 0 ? try r.u64() : nil
        sampleDescriptionIndex = flags & 0x02 != 0 ? try r.u32() : nil
        defaultSampleDuration = flags & 0x08 != 0 ? try r.u32() : nil
        defaultSampleSize = flags & 0x10 != 0 ? try r.u32() : nil
        defaultSampleFlags = flags & 0x20 != 0 ? try r.u32() : nil
        durationIsEmpty = flags & 0x01_0000 != 0
        defaultBaseIsMoof = flags & 0x02_0000 != 0
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: flags)
        out.appendBigEndian(trackID)
        if let baseDataOffset { out.appendBigEndian(baseDataOffset) }
        if let sampleDescriptionIndex { out.appendBigEndian(sampleDescriptionIndex) }
        if let defaultSampleDuration { out.appendBigEndian(defaultSampleDuration) }
        if let defaultSampleSize { out.appendBigEndian(defaultSampleSize) }
        if let defaultSampleFlags { out.appendBigEndian(defaultSampleFlags) }
    }
}

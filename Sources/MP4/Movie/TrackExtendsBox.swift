/// `trex` (ISO/IEC 14496-12 §8.8.3): per-track sample defaults for fragments, used when neither `tfhd`
/// nor `trun` gives a sample's duration or flags.
struct TrackExtendsBox: MP4Box {
    var trackID: UInt32
    var defaultSampleDescriptionIndex: UInt32 = 1
    var defaultSampleDuration: UInt32 = 0
    var defaultSampleSize: UInt32 = 0
    var defaultSampleFlags: UInt32 = 0

    var boxType: String { "trex" }

    init(trackID: UInt32) { self.trackID = trackID }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        trackID = try r.u32()
        defaultSampleDescriptionIndex = try r.u32()
        defaultSampleDuration = try r.u32()
        defaultSampleSize = try r.u32()
        defaultSampleFlags = try r.u32()
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        for value in [trackID, defaultSampleDescriptionIndex, defaultSampleDuration, defaultSampleSize, defaultSampleFlags] {
            out.appendBigEndian(value)
        }
    }
}

/// `tfdt` (ISO/IEC 14496-12 §8.8.12): decode time of the fragment's first sample in the media timescale.
/// We write version 1 (64 bits): live timelines outgrow 32 bits at 90 kHz after 13 hours.
struct TrackFragmentDecodeTimeBox: MP4Box {
    var version: UInt8 = 1
    var baseMediaDecodeTime: UInt64

    var boxType: String { "tfdt" }

    init(baseMediaDecodeTime: UInt64) { self.baseMediaDecodeTime = baseMediaDecodeTime }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (version, _) = try r.fullBoxHeader()
        baseMediaDecodeTime = try r.versioned(version)
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: version, flags: 0)
        out.appendVersioned(baseMediaDecodeTime, version: version)
    }
}

/// `traf` (ISO/IEC 14496-12 §8.8.6): one track's part of a fragment: `tfhd`, `tfdt` and the runs.
/// (Common Encryption adds `senc`, `saiz` and `saio` here.)
struct TrackFragmentBox: MP4Box {
    var header: TrackFragmentHeaderBox
    /// Optional when reading: only the fragments of the track being indexed need it.
    var decodeTime: TrackFragmentDecodeTimeBox?
    var runs: [TrackRunBox]
    var others: [RawBox] = []

    var boxType: String { "traf" }

    init(header: TrackFragmentHeaderBox, decodeTime: TrackFragmentDecodeTimeBox, runs: [TrackRunBox]) {
        self.header = header
        self.decodeTime = decodeTime
        self.runs = runs
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        header = try TrackFragmentHeaderBox(try children.require("tfhd", in: "moof/traf"), in: bytes)
        decodeTime = try children.first("tfdt").map { try TrackFragmentDecodeTimeBox($0, in: bytes) }
        runs = try children.filter { $0.type == "trun" }.map { try TrackRunBox($0, in: bytes) }
        others = try children.raw(except: ["tfhd", "tfdt", "trun"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        header.write(to: &out)
        decodeTime?.write(to: &out)
        runs.write(to: &out)
        others.write(to: &out)
    }
}

/// `moof` (ISO/IEC 14496-12 §8.8.4): one fragment's header and its track fragments. (Common Encryption
/// puts `pssh` here too.)
struct MovieFragmentBox: MP4Box {
    var header: MovieFragmentHeaderBox
    var trackFragments: [TrackFragmentBox]
    var others: [RawBox] = []

    var boxType: String { "moof" }

    init(header: MovieFragmentHeaderBox, trackFragments: [TrackFragmentBox]) {
        self.header = header
        self.trackFragments = trackFragments
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        header = try MovieFragmentHeaderBox(try children.require("mfhd", in: "moof"), in: bytes)
        trackFragments = try children.filter { $0.type == "traf" }.map { try TrackFragmentBox($0, in: bytes) }
        others = try children.raw(except: ["mfhd", "traf"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        header.write(to: &out)
        trackFragments.write(to: &out)
        others.write(to: &out)
    }
}

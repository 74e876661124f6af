/// `mvex` (ISO/IEC 14496-12 §8.8.1): announces that samples come in movie fragments, with one `trex`
/// of defaults per track.
struct MovieExtendsBox: MP4Box {
    var trackExtends: [TrackExtendsBox]
    /// Children we do not model (e.g. `mehd`), kept whole.
    var others: [RawBox] = []

    var boxType: String { "mvex" }

    init(trackExtends: [TrackExtendsBox]) { self.trackExtends = trackExtends }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        trackExtends = try children.filter { $0.type == "trex" }.map { try TrackExtendsBox($0, in: bytes) }
        others = try children.raw(except: ["trex"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        trackExtends.write(to: &out)
        others.write(to: &out)
    }
}

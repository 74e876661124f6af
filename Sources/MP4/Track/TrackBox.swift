/// `trak` (ISO/IEC 14496-12 §8.3.1): one track's header and media.
struct TrackBox: MP4Box {
    var header: TrackHeaderBox
    var media: MediaBox
    /// Children we do not model (`edts`, `udta`, ...), kept whole.
    var others: [RawBox] = []

    var boxType: String { "trak" }

    init(header: TrackHeaderBox, media: MediaBox) {
        self.header = header
        self.media = media
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        header = try TrackHeaderBox(try children.require("tkhd", in: "moov/trak"), in: bytes)
        media = try MediaBox(try children.require("mdia", in: "moov/trak"), in: bytes)
        others = try children.raw(except: ["tkhd", "mdia"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        header.write(to: &out)
        media.write(to: &out)
        others.write(to: &out)
    }
}

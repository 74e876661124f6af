/// `mdia` (ISO/IEC 14496-12 §8.4.1): the media header, the handler, and the media information.
struct MediaBox: MP4Box {
    var header: MediaHeaderBox
    var handler: HandlerBox
    /// Optional when reading: only video and sound tracks need it, and the reader skips other tracks.
    var information: MediaInformationBox?
    var others: [RawBox] = []

    var boxType: String { "mdia" }

    init(header: MediaHeaderBox, handler: HandlerBox, information: MediaInformationBox) {
        self.header = header
        self.handler = handler
        self.information = information
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        header = try MediaHeaderBox(try children.require("mdhd", in: "moov/trak/mdia"), in: bytes)
        handler = try HandlerBox(try children.require("hdlr", in: "moov/trak/mdia"), in: bytes)
        information = try children.first("minf").map { try MediaInformationBox($0, in: bytes) }
        others = try children.raw(except: ["mdhd", "hdlr", "minf"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        header.write(to: &out)
        handler.write(to: &out)
        information?.write(to: &out)
        others.write(to: &out)
    }
}

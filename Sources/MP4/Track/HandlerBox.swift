/// `hdlr` (ISO/IEC 14496-12 §8.4.3): whether a track is video (`vide`) or sound (`soun`), and a name.
struct HandlerBox: MP4Box {
    var handlerType: String
    /// Human-readable, written NUL-terminated.
    var name: String

    var boxType: String { "hdlr" }

    init(handlerType: String, name: String) {
        self.handlerType = handlerType
        self.name = name
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        try r.skip(4)  // pre_defined
        handlerType = try r.fourCC()
        // Some writers omit the reserved words or the name; a short box still names the handler.
        if r.remaining >= 12 {
            try r.skip(12)
            let rest = try r.read(r.remaining)
            name = String(decoding: rest.prefix { $0 != 0 }, as: UTF8.self)
        } else {
            name = ""
        }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(UInt32(0))  // pre_defined
        out.appendFourCC(handlerType)
        out.appendZeros(12)
        out += Array(name.utf8) + [0]
    }
}

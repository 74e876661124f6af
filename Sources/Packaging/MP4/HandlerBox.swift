/// `hdlr`: whether a track is video (`vide`) or sound (`soun`) (ISO/IEC 14496-12 §8.4.3).
struct HandlerBox {
    var handlerType: String

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        try r.skip(4)  // pre_defined
        handlerType = try r.fourCC()
    }
}

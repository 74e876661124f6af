/// `url ` (ISO/IEC 14496-12 §8.7.2): flag 1 means "the media is in this file" and no location follows.
struct DataEntryURLBox: MP4Box {
    var flags: UInt32 = 1
    var location: String?

    var boxType: String { "url " }

    init() {}

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (_, flags) = try r.fullBoxHeader()
        location = r.isAtEnd ? nil : String(decoding: try r.read(r.remaining).prefix { $0 != 0 }, as: UTF8.self)
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: flags)
        if let location { out += Array(location.utf8) + [0] }
    }
}

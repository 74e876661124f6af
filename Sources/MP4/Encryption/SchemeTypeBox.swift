/// `schm` (ISO/IEC 14496-12 §8.12.5): which protection scheme applies (`cenc`, `cbcs`, ...) and its
/// version; flag 1 adds a scheme URI.
struct SchemeTypeBox: MP4Box {
    var schemeType: String
    /// 0x00010000 for Common Encryption version 1.0.
    var schemeVersion: UInt32 = 0x0001_0000
    var schemeURI: String?

    var boxType: String { "schm" }

    init(schemeType: String, schemeVersion: UInt32 = 0x0001_0000) {
        self.schemeType = schemeType
        self.schemeVersion = schemeVersion
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (_, flags) = try r.fullBoxHeader()
        schemeType = try r.fourCC()
        schemeVersion = try r.u32()
        if flags & 1 != 0 {
            let text = try r.read(r.remaining)
            schemeURI = String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: schemeURI != nil ? 1 : 0)
        out.appendFourCC(schemeType)
        out.appendBigEndian(schemeVersion)
        if let schemeURI {
            out += Array(schemeURI.utf8)
            out.append(0)
        }
    }
}

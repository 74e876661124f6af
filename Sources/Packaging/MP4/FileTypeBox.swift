/// `ftyp`: the brands a file claims (ISO/IEC 14496-12 §4.3). CMAF init segments carry it; we check only
/// that it parses, because players rely on the other boxes, not the brands.
struct FileTypeBox {
    var majorBrand: String
    var minorVersion: UInt32
    var compatibleBrands: [String]

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        majorBrand = try r.fourCC()
        minorVersion = try r.u32()
        compatibleBrands = []
        while r.remaining >= 4 { compatibleBrands.append(try r.fourCC()) }
    }
}

/// `ftyp`: the brands a file claims (ISO/IEC 14496-12 §4.3). Our init segments claim ISO BMFF 6 plus
/// CMAF (`cmfc`) and DASH; when reading we check only that it parses, players rely on the other boxes.
struct FileTypeBox: MP4Box {
    var majorBrand: String
    var minorVersion: UInt32 = 0
    var compatibleBrands: [String]

    var boxType: String { "ftyp" }

    init(majorBrand: String, minorVersion: UInt32 = 0, compatibleBrands: [String]) {
        self.majorBrand = majorBrand
        self.minorVersion = minorVersion
        self.compatibleBrands = compatibleBrands
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        majorBrand = try r.fourCC()
        minorVersion = try r.u32()
        compatibleBrands = []
        while r.remaining >= 4 { compatibleBrands.append(try r.fourCC()) }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFourCC(majorBrand)
        out.appendBigEndian(minorVersion)
        for brand in compatibleBrands { out.appendFourCC(brand) }
    }
}

/// `ftyp` of a CMAF init segment: ISO BMFF 6 brands plus the CMAF (`cmfc`) and DASH brands.
enum FileTypeBox {
    static func encode(majorBrand: String = "iso6", compatible: [String] = ["iso6", "cmfc", "dash", "mp41"]) -> [UInt8] {
        var body = Box.fourCC(majorBrand)
        body.appendBigEndian(UInt32(0))
        for brand in compatible { body += Box.fourCC(brand) }
        return Box.box("ftyp", body)
    }
}

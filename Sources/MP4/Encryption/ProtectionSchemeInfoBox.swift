/// `sinf` (ISO/IEC 14496-12 §8.12.1), the last child of an `encv`/`enca` sample entry: the original
/// format (`frma`), the scheme (`schm`) and its information (`schi` with `tenc`).
struct ProtectionSchemeInfoBox: MP4Box {
    var originalFormat: OriginalFormatBox
    var schemeType: SchemeTypeBox?
    var schemeInformation: SchemeInformationBox?
    var others: [RawBox] = []

    var boxType: String { "sinf" }

    init(originalFormat: String, scheme: String, trackEncryption: TrackEncryptionBox) {
        self.originalFormat = OriginalFormatBox(dataFormat: originalFormat)
        schemeType = SchemeTypeBox(schemeType: scheme)
        schemeInformation = SchemeInformationBox(trackEncryption: trackEncryption)
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        originalFormat = try OriginalFormatBox(try children.require("frma", in: "sinf"), in: bytes)
        schemeType = try children.first("schm").map { try SchemeTypeBox($0, in: bytes) }
        schemeInformation = try children.first("schi").map { try SchemeInformationBox($0, in: bytes) }
        others = try children.raw(except: ["frma", "schm", "schi"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        originalFormat.write(to: &out)
        schemeType?.write(to: &out)
        schemeInformation?.write(to: &out)
        others.write(to: &out)
    }
}

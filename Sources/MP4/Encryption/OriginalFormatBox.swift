/// `frma` (ISO/IEC 14496-12 §8.12.2): the sample entry type a protected entry had before it became
/// `encv`/`enca`, so a reader that has the key knows which decoder to use.
struct OriginalFormatBox: MP4Box {
    var dataFormat: String

    var boxType: String { "frma" }

    init(dataFormat: String) { self.dataFormat = dataFormat }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        dataFormat = try r.fourCC()
    }

    func writePayload(to out: inout [UInt8]) { out.appendFourCC(dataFormat) }
}

/// `dinf` (ISO/IEC 14496-12 §8.7.1): where the media data is, through its `dref`.
struct DataInformationBox: MP4Box {
    var reference: DataReferenceBox
    var others: [RawBox] = []

    var boxType: String { "dinf" }

    init(reference: DataReferenceBox) { self.reference = reference }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        reference = try DataReferenceBox(try children.require("dref", in: "dinf"), in: bytes)
        others = try children.raw(except: ["dref"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        reference.write(to: &out)
        others.write(to: &out)
    }
}

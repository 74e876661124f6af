/// `mfhd`: the fragment's sequence number (ISO/IEC 14496-12 §8.8.5).
struct MovieFragmentHeaderBox {
    var sequenceNumber: UInt32

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        sequenceNumber = try r.u32()
    }
}

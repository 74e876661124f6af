/// `mfhd` (ISO/IEC 14496-12 §8.8.5): the fragment's sequence number (ours: the segment number).
struct MovieFragmentHeaderBox: MP4Box {
    var sequenceNumber: UInt32

    var boxType: String { "mfhd" }

    init(sequenceNumber: UInt32) { self.sequenceNumber = sequenceNumber }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        sequenceNumber = try r.u32()
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(sequenceNumber)
    }
}

/// `smhd` (ISO/IEC 14496-12 §12.2.2): stereo balance of a sound track (8.8 fixed point, 0 = centre).
struct SoundMediaHeaderBox: MP4Box {
    var balance: Int16 = 0

    var boxType: String { "smhd" }

    init() {}

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        balance = Int16(bitPattern: try r.u16())
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(balance)
        out.appendBigEndian(UInt16(0))  // reserved
    }
}

/// `saio` (ISO/IEC 14496-12 §8.7.9): where the auxiliary information (the `senc` entries) starts. In a
/// CMAF fragment (default-base-is-moof) the one offset counts from the first byte of the `moof`.
struct SampleAuxiliaryInformationOffsetsBox: MP4Box {
    /// Flag 1: the information type and its parameter are written out.
    var auxInfoType: (type: String, parameter: UInt32)?
    /// Version 1 writes 64-bit offsets.
    var version: UInt8 = 0
    var offsets: [UInt64]

    var boxType: String { "saio" }

    init(offsets: [UInt64]) { self.offsets = offsets }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (version, flags) = try r.fullBoxHeader()
        self.version = version
        if flags & 1 != 0 { auxInfoType = (try r.fourCC(), try r.u32()) }
        let count = Int(try r.u32())
        let width = version == 0 ? 4 : 8
        guard count * width <= r.remaining else {
            throw MP4Error.malformed(box: "saio", reason: "\(count) offsets do not fit in \(r.remaining) bytes")
        }
        offsets = try (0..<count).map { _ in version == 0 ? UInt64(try r.u32()) : try r.u64() }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: version, flags: auxInfoType != nil ? 1 : 0)
        if let auxInfoType {
            out.appendFourCC(auxInfoType.type)
            out.appendBigEndian(auxInfoType.parameter)
        }
        out.appendBigEndian(UInt32(offsets.count))
        for offset in offsets {
            if version == 0 { out.appendBigEndian(UInt32(truncatingIfNeeded: offset)) } else { out.appendBigEndian(offset) }
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.auxInfoType?.type == rhs.auxInfoType?.type && lhs.auxInfoType?.parameter == rhs.auxInfoType?.parameter
            && lhs.version == rhs.version && lhs.offsets == rhs.offsets
    }
}

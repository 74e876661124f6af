/// The 3x3 transformation matrix of `mvhd` and `tkhd` (ISO/IEC 14496-12 §6.2.2): nine 32-bit values,
/// 16.16 fixed point except the last column (2.30).
struct TransformationMatrix: Equatable, Sendable {
    var values: [Int32]

    static let unity = TransformationMatrix(values: [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000])

    init(values: [Int32]) { self.values = values }

    init(from r: inout BoxReader) throws {
        values = try (0..<9).map { _ in Int32(bitPattern: try r.u32()) }
    }

    func write(to out: inout [UInt8]) {
        for i in 0..<9 { out.appendBigEndian(i < values.count ? values[i] : 0) }
    }
}

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

extension BoxReader {
    /// A time or duration that is 64 bits in version 1 of `mvhd`/`tkhd`/`mdhd`/`tfdt` and 32 bits otherwise.
    mutating func versioned(_ version: UInt8) throws -> UInt64 {
        version == 1 ? try u64() : UInt64(try u32())
    }
}

extension Array where Element == UInt8 {
    mutating func appendVersioned(_ value: UInt64, version: UInt8) {
        if version == 1 { appendBigEndian(value) } else { appendBigEndian(UInt32(truncatingIfNeeded: value)) }
    }
}

/// Big-endian integers read from and written to byte arrays, for tests that inspect ISO-BMFF boxes or build
/// protocol bytes by hand (independently of the readers under test).
public enum BigEndian {
    /// The `count`-byte unsigned integer at `offset` (count 1...8); the caller checks the bounds.
    public static func uint(_ bytes: [UInt8], at offset: Int, count: Int) -> UInt64 {
        bytes[offset..<offset + count].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(uint(bytes, at: offset, count: 4))
    }

    /// `value`'s low `count` bytes, most significant first.
    public static func bytes(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * (count - 1 - $0))) }
    }
}

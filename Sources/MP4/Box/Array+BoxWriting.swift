import MediaCore

/// Box-writing appends over MediaCore's big-endian ones (ISO BMFF stores every integer most significant
/// byte first).
extension Array where Element == UInt8 {
    /// A box type or brand: four bytes, padded with spaces or cut, so a value read from a damaged file
    /// (where unprintable bytes became `?`) still writes four bytes instead of trapping.
    mutating func appendFourCC(_ code: String) {
        let bytes = Array(code.utf8.prefix(4))
        append(contentsOf: bytes)
        append(contentsOf: repeatElement(UInt8(ascii: " "), count: 4 - bytes.count))
    }

    /// The version byte and 24-bit flags that start every full box.
    mutating func appendFullBoxHeader(version: UInt8, flags: UInt32) {
        append(version)
        appendUInt24(flags)
    }

    mutating func appendZeros(_ count: Int) {
        append(contentsOf: repeatElement(0, count: count))
    }

    mutating func patchBigEndian(_ value: UInt32, at index: Int) {
        self[index] = UInt8(value >> 24)
        self[index + 1] = UInt8((value >> 16) & 0xFF)
        self[index + 2] = UInt8((value >> 8) & 0xFF)
        self[index + 3] = UInt8(value & 0xFF)
    }
}

/// Big-endian appends, the byte order of ISO BMFF boxes, RTMP chunks, AMF0 and FLV: one home for the MP4
/// box writers and the RTMP writers.
extension Array where Element == UInt8 {
    public mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var big = value.bigEndian
        Swift.withUnsafeBytes(of: &big) { append(contentsOf: $0) }
    }

    public mutating func appendUInt24(_ value: UInt32) {
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }
}

import TestSupport

/// Hand-built chunk byte sequences, as RTMP 1.0 section 5.3 lays them out (shared by the RTMP protocol
/// tests and the listener tests' hostile clients).
public enum Chunk {
    public static func u24(_ value: UInt32) -> [UInt8] { BigEndian.bytes(UInt64(value), count: 3) }
    public static func u32(_ value: UInt32) -> [UInt8] { BigEndian.bytes(UInt64(value), count: 4) }

    public static func type0(csid: UInt8, timestamp: UInt32, length: Int, type: UInt8, streamID: UInt32 = 1) -> [UInt8] {
        let extended = timestamp >= 0xFFFFFF
        return [csid] + u24(extended ? 0xFFFFFF : timestamp) + u24(UInt32(length)) + [type]
            + [UInt8(streamID & 0xFF), UInt8(streamID >> 8 & 0xFF), 0, 0] + (extended ? u32(timestamp) : [])
    }

    public static func type1(csid: UInt8, delta: UInt32, length: Int, type: UInt8) -> [UInt8] {
        [0x40 | csid] + u24(delta) + u24(UInt32(length)) + [type]
    }

    public static func type2(csid: UInt8, delta: UInt32) -> [UInt8] { [0x80 | csid] + u24(delta) }
    public static func type3(csid: UInt8) -> [UInt8] { [0xC0 | csid] }

    public static func payload(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ Int(seed)) } }

    public static func setChunkSize(_ size: UInt32) -> [UInt8] {
        type0(csid: 2, timestamp: 0, length: 4, type: 1, streamID: 0) + u32(size)
    }
}

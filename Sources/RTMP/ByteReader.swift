/// A bounds-checked cursor over bytes. Every read that would run past the end throws `LiveError.truncated`
/// instead of trapping, which is what makes the parsers safe against hostile input.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset: Int
    let end: Int

    init(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    mutating func u8(_ what: @autoclosure () -> String = "a byte") throws -> UInt8 {
        guard remaining >= 1 else { throw LiveError.truncated(what()) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bigEndian(_ count: Int, _ what: @autoclosure () -> String = "an integer") throws -> UInt64 {
        guard remaining >= count else { throw LiveError.truncated(what()) }
        var value: UInt64 = 0
        for index in offset..<(offset + count) { value = value << 8 | UInt64(bytes[index]) }
        offset += count
        return value
    }

    mutating func u16(_ what: @autoclosure () -> String = "a 16-bit integer") throws -> UInt16 {
        UInt16(try bigEndian(2, what()))
    }

    mutating func u24(_ what: @autoclosure () -> String = "a 24-bit integer") throws -> UInt32 {
        UInt32(try bigEndian(3, what()))
    }

    mutating func u32(_ what: @autoclosure () -> String = "a 32-bit integer") throws -> UInt32 {
        UInt32(try bigEndian(4, what()))
    }

    mutating func u32LittleEndian(_ what: @autoclosure () -> String = "a 32-bit integer") throws -> UInt32 {
        let big = try u32(what())
        return big.byteSwapped
    }

    mutating func take(_ count: Int, _ what: @autoclosure () -> String = "a byte run") throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw LiveError.truncated(what()) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func skip(_ count: Int, _ what: @autoclosure () -> String = "a byte run") throws {
        guard count >= 0, remaining >= count else { throw LiveError.truncated(what()) }
        offset += count
    }

    mutating func rest() -> [UInt8] {
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// RTMP's one little-endian field (the message stream id); big-endian appends are MediaCore's.
extension Array where Element == UInt8 {
    mutating func appendLittleEndian(_ value: UInt32) {
        var little = value.littleEndian
        Swift.withUnsafeBytes(of: &little) { append(contentsOf: $0) }
    }
}

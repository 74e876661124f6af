/// A bounds-checked big-endian cursor over a slice of bytes.
///
/// Every read checks the remaining length first and throws `MP4Error.truncated` naming the box being
/// read, so malformed or hostile input can never read out of bounds or trap.
struct BoxReader {
    let bytes: [UInt8]
    /// Absolute index of the next byte to read.
    private(set) var position: Int
    /// Absolute index one past the last byte this reader may touch.
    let end: Int
    /// Four-character name used in error messages.
    let box: String

    init(_ bytes: [UInt8], range: Range<Int>? = nil, box: String) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        self.position = max(0, min(r.lowerBound, bytes.count))
        self.end = max(self.position, min(r.upperBound, bytes.count))
        self.box = box
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position >= end }

    private func need(_ count: Int) throws {
        guard count >= 0, count <= remaining else {
            throw MP4Error.truncated(box: box, offset: position, needed: count, available: remaining)
        }
    }

    mutating func skip(_ count: Int) throws {
        try need(count)
        position += count
    }

    mutating func u8() throws -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws -> UInt16 {
        try need(2)
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func u24() throws -> UInt32 {
        try need(3)
        defer { position += 3 }
        return UInt32(bytes[position]) << 16 | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2])
    }

    mutating func u32() throws -> UInt32 {
        try need(4)
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[position + i]) }
        position += 4
        return value
    }

    mutating func u64() throws -> UInt64 {
        try need(8)
        var value: UInt64 = 0
        for i in 0..<8 { value = value << 8 | UInt64(bytes[position + i]) }
        position += 8
        return value
    }

    mutating func fourCC() throws -> String {
        try need(4)
        defer { position += 4 }
        return FourCC.string(bytes[position..<position + 4])
    }

    mutating func read(_ count: Int) throws -> [UInt8] {
        try need(count)
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// The version byte and 24-bit flags that start every "full box".
    mutating func fullBoxHeader() throws -> (version: UInt8, flags: UInt32) {
        let version = try u8()
        let flags = try u24()
        return (version, flags)
    }
}

enum FourCC {
    /// Printable form of a box type; bytes outside ASCII are shown as `?` so error messages stay one line.
    static func string<C: Collection>(_ raw: C) -> String where C.Element == UInt8 {
        String(decoding: raw.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }
}

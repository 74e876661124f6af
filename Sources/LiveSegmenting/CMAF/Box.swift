/// ISO BMFF box framing: a 32-bit size, a four-character type, and for full boxes a version and flags.
/// Every box in this folder is a pure function from values to bytes.
enum Box {
    static func box(_ type: String, _ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + body.count)
        out.appendBigEndian(UInt32(8 + body.count))
        out.append(contentsOf: fourCC(type))
        out.append(contentsOf: body)
        return out
    }

    static func box(_ type: String, children: [[UInt8]]) -> [UInt8] {
        box(type, children.flatMap { $0 })
    }

    static func fullBox(_ type: String, version: UInt8, flags: UInt32, _ body: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [version]
        header.appendUInt24(flags)
        return box(type, header + body)
    }

    static func fourCC(_ type: String) -> [UInt8] {
        let bytes = Array(type.utf8)
        precondition(bytes.count == 4, "box type must be four characters")
        return bytes
    }

    /// The 3x3 unity transformation matrix of mvhd and tkhd (16.16 and 2.30 fixed point).
    static let unityMatrix: [UInt8] = {
        var out: [UInt8] = []
        for value: UInt32 in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] { out.appendBigEndian(value) }
        return out
    }()
}

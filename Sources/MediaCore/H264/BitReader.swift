/// Reads an H.264 RBSP (emulation prevention already removed) bit by bit, MSB first, throwing at the
/// end instead of trapping, so a damaged or hostile parameter set or slice is an error, not a crash.
public struct BitReader {
    private let bytes: [UInt8]
    /// Bits read so far.
    public private(set) var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func bit() throws -> Int {
        guard position < bytes.count * 8 else { throw H264Error.truncated }
        defer { position += 1 }
        return Int(bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1)
    }

    public mutating func flag() throws -> Bool { try bit() == 1 }

    public mutating func bits(_ count: Int) throws -> Int {
        var value = 0
        for _ in 0..<count { value = value << 1 | (try bit()) }
        return value
    }

    /// Exp-Golomb unsigned, ue(v); more than 31 leading zeros is no valid H.264 syntax element.
    public mutating func ue() throws -> Int {
        var zeros = 0
        while try bit() == 0 {
            zeros += 1
            guard zeros < 32 else { throw H264Error.malformed("exp-Golomb code longer than 32 bits") }
        }
        return (1 << zeros) - 1 + (try bits(zeros))
    }

    /// Exp-Golomb signed, se(v).
    public mutating func se() throws -> Int {
        let code = try ue()
        return code & 1 == 1 ? (code + 1) / 2 : -(code / 2)
    }

    /// ue(v) that must lie in `range` (H.264's semantic limits keep loops and shifts bounded).
    public mutating func ue(in range: ClosedRange<Int>, _ name: String) throws -> Int {
        let value = try ue()
        guard range.contains(value) else { throw H264Error.malformed("\(name) \(value) is outside \(range)") }
        return value
    }
}

/// Why an H.264 parameter set or slice header could not be read.
public enum H264Error: Error, Equatable, CustomStringConvertible {
    case truncated
    case malformed(String)
    case missingParameterSet(String)

    public var description: String {
        switch self {
        case .truncated: return "H.264 syntax runs past the end of its NAL unit"
        case .malformed(let reason): return "malformed H.264: \(reason)"
        case .missingParameterSet(let which): return "H.264 slice refers to \(which), which was not seen"
        }
    }
}

/// NAL unit payloads with and without emulation prevention (H.264 7.4.1: 00 00 03 → 00 00).
public enum H264RBSP {
    public static func unescaped<C: Collection>(_ escaped: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(escaped.count)
        var zeros = 0
        for byte in escaped {
            if zeros >= 2, byte == 3 { zeros = 0; continue }
            zeros = byte == 0 ? zeros + 1 : 0
            out.append(byte)
        }
        return out
    }

    /// How many escaped bytes hold the first `rbspBytes` bytes of the payload.
    public static func escapedLength<C: Collection>(of rbspBytes: Int, in escaped: C) -> Int where C.Element == UInt8 {
        var kept = 0, used = 0, zeros = 0
        for byte in escaped {
            guard kept < rbspBytes else { break }
            used += 1
            if zeros >= 2, byte == 3 { zeros = 0; continue }
            zeros = byte == 0 ? zeros + 1 : 0
            kept += 1
        }
        return used
    }
}

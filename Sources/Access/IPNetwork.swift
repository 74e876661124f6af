/// An IPv4 or IPv6 address with a prefix length (`203.0.113.0/24`, `2001:db8::/32`, or one address):
/// the client binding of a signed URL.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    let bytes: [UInt8]
    let prefixLength: Int

    /// Nil for anything that is not an address, optionally followed by `/<bits>` within the family's range.
    public init?(_ text: String) {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPNetwork.parseAddress(String(pieces[0])) else { return nil }
        let maxBits = address.count * 8
        var bits = maxBits
        if pieces.count == 2 {
            guard let parsed = Int(pieces[1]), (0...maxBits).contains(parsed) else { return nil }
            bits = parsed
        }
        self.bytes = IPNetwork.masked(address, bits: bits)
        self.prefixLength = bits
    }

    /// True when `address` (a bare address; IPv4-mapped IPv6 counts as IPv4) lies inside this network.
    public func contains(_ address: String) -> Bool {
        guard var candidate = IPNetwork.parseAddress(address) else { return false }
        if candidate.count == 16, bytes.count == 4, candidate.prefix(12).elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            candidate = Array(candidate.suffix(4))
        }
        guard candidate.count == bytes.count else { return false }
        return IPNetwork.masked(candidate, bits: prefixLength) == bytes
    }

    public var description: String {
        let address: String
        if bytes.count == 4 {
            address = bytes.map(String.init).joined(separator: ".")
        } else {
            address = stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
        return "\(address)/\(prefixLength)"
    }

    static func masked(_ address: [UInt8], bits: Int) -> [UInt8] {
        address.enumerated().map { index, byte in
            let keep = max(0, min(8, bits - index * 8))
            return keep == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
        }
    }

    static func parseAddress(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            out.append(value)
        }
        return out
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = Substring(text)
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var out: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseAddress(String(piece)) { out += v4; continue }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                out += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

import Foundation

/// A 16-byte key id (KID), as `tenc`, `pssh`, `cenc:default_KID`, ClearKey licences and CPIX name it.
///
/// One value, four spellings: UUID text (MPD, CPIX), lower-case hex (URLs), base64url without padding
/// (ClearKey JSON) and raw bytes (boxes). Parsing accepts each and nothing else.
public struct KeyID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// 32 hex digits, with or without the UUID dashes.
    public init?(_ text: String) {
        let digits = text.filter { $0 != "-" }
        guard digits.count == 32, let bytes = Hex.decode(digits) else { return nil }
        self.bytes = bytes
    }

    /// base64url (ClearKey) or standard base64, padding optional.
    public init?(base64url text: String) {
        guard let bytes = Base64URL.decode(text), bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// A fresh random key id (version 4 UUID layout, so tools that print it as a UUID do not complain).
    public static func random() -> KeyID {
        var bytes = SecureRandom.bytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return KeyID(bytes: bytes)!
    }

    public var hex: String { Hex.encode(bytes) }

    /// 8-4-4-4-12 lower-case UUID text.
    public var uuidString: String {
        let h = hex
        let cuts = [8, 12, 16, 20]
        var out = ""
        for (index, character) in h.enumerated() {
            if cuts.contains(index) { out.append("-") }
            out.append(character)
        }
        return out
    }

    public var base64url: String { Base64URL.encode(bytes) }

    public var description: String { uuidString }

    public static func < (lhs: KeyID, rhs: KeyID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

/// Lower-case hex, the spelling of keys and ids on command lines (`ffmpeg -cenc_decryption_key`).
enum Hex {
    static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// base64url without padding (RFC 4648 §5), as W3C ClearKey licences use; decoding also takes standard base64.
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard = standard.replacingOccurrences(of: "=", with: "")
        while standard.count % 4 != 0 { standard.append("=") }
        return Data(base64Encoded: standard).map { [UInt8]($0) }
    }
}

enum SecureRandom {
    static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

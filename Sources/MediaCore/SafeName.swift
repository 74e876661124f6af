/// A name that is safe to use as one path component of a URL and of the data directory.
///
/// Asset ids, rendition ids and live stream names all end up as directory names under `data/`, so the
/// one rule is enforced at the type: lower-case letters, digits, `-` and `_`, starting with a letter or
/// digit, at most 64 characters. Anything else (`..`, `/`, percent escapes, NUL) cannot be constructed.
public struct SafeName: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let rawValue: String

    public static let maxLength = 64

    public init?(_ raw: String) {
        guard SafeName.isValid(raw) else { return nil }
        rawValue = raw
    }

    public static func isValid(_ raw: String) -> Bool {
        guard !raw.isEmpty, raw.utf8.count <= maxLength else { return false }
        for (index, byte) in raw.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "-"), UInt8(ascii: "_"):
                if index == 0 { return false }
            default:
                return false
            }
        }
        return true
    }

    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let name = SafeName(raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(raw)' is not a valid name: use a-z, 0-9, '-' and '_', at most 64 characters"))
        }
        self = name
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: SafeName, rhs: SafeName) -> Bool { lhs.rawValue < rhs.rawValue }
}

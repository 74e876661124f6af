/// The `v<n>` path segment of a VOD asset's versioned URLs (`/vod/<asset>/v<n>/<rendition>.m3u8`,
/// `/vod/<asset>/v<n>/<rendition>/seg-<k>.m4s`). Canonical only, so each version has exactly one URL
/// and a CDN holds no duplicates: a lower-case `v`, then 1 to 9 digits without leading zeros (`v0`,
/// `v01`, `V2`, `v+2`, `v２` are not versions).
public struct AssetVersion: Hashable, Sendable, CustomStringConvertible {
    public static let maxDigits = 9
    public let number: Int

    public init?(number: Int) {
        guard number >= 1, number < 1_000_000_000 else { return nil }
        self.number = number
    }

    public init?(_ segment: Substring) {
        let bytes = segment.utf8
        guard bytes.first == UInt8(ascii: "v") else { return nil }
        let digits = bytes.dropFirst()
        guard (1...Self.maxDigits).contains(digits.count), digits.first != UInt8(ascii: "0"),
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        self.init(number: value)
    }

    /// `v<n>`, the path segment.
    public var description: String { "v\(number)" }
}

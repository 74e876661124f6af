/// The id of a VOD asset: its directory under `data/vod/` and its URL prefix `/vod/<id>/`. A type of its
/// own (over the `SafeName` rule) so an asset id cannot be passed where a rendition id or a live stream
/// name is meant, nor the other way round.
public struct AssetID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    public let name: SafeName

    public var rawValue: String { name.rawValue }

    public init(_ name: SafeName) {
        self.name = name
    }

    public init?(_ raw: String) {
        guard let name = SafeName(raw) else { return nil }
        self.name = name
    }

    public init(from decoder: Decoder) throws {
        name = try SafeName(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try name.encode(to: encoder)
    }

    public var description: String { rawValue }

    public static func < (lhs: AssetID, rhs: AssetID) -> Bool { lhs.name < rhs.name }
}

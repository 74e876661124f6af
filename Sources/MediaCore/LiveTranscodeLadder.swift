/// A live stream's transcode ladder (issue 15): the heights of the rungs encoded from the publisher's
/// feed, and whether the feed itself is offered as the top rung. Stored per stream in the catalog, from
/// `POST /api/v1/live-streams` `"transcode"` or the config default `live.transcode.rungs`.
public struct LiveTranscodeLadder: Codable, Sendable, Hashable {
    /// Rung heights, highest first, each even and within `heightRange`; rungs above the source's height are
    /// dropped once it is known.
    public var rungs: [Int]
    /// The source stays listed as the top rendition, as it arrived (no re-encode).
    public var passthrough: Bool

    public static let heightRange = 144...2160

    public init(rungs: [Int], passthrough: Bool = true) {
        self.rungs = Array(Set(rungs)).sorted(by: >)
        self.passthrough = passthrough
    }

    /// Nil when a height is odd or outside `heightRange` (the message says which).
    public static func problem(rungs: [Int]) -> String? {
        for height in rungs where !heightRange.contains(height) || height % 2 != 0 {
            return "transcode rung \(height) must be an even height from \(heightRange.lowerBound) to \(heightRange.upperBound)"
        }
        return nil
    }

    /// The rendition id of the rung `height` (`video-480p`, as VOD names its rungs); the source keeps `video`.
    public static func renditionID(height: Int) -> SafeName { SafeName("video-\(height)p")! }
}

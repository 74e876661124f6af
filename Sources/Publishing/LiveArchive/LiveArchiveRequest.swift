import MediaCore

/// What to archive from a live stream: a time range (seconds since the stream's first segment, or
/// wall-clock times) and the new asset's id and title, all optional.
public struct LiveArchiveRequest: Sendable, Equatable {
    public enum Bound: Sendable, Equatable {
        /// Seconds since the start of the stream's first listed segment.
        case offset(Double)
        /// Wall-clock seconds since 1970.
        case wallClock(Double)
    }

    public var start: Bound?
    public var end: Bound?
    public var assetID: AssetID?
    public var title: String?

    public init(start: Bound? = nil, end: Bound? = nil, assetID: AssetID? = nil, title: String? = nil) {
        self.start = start
        self.end = end
        self.assetID = assetID
        self.title = title
    }
}

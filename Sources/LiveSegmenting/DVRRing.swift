import MediaCore

/// Which segments fall out of the DVR window: everything that ended before the newest segment's end
/// minus the window. Pure, so the rule is tested on values; `LiveStreams` deletes what it returns.
public struct DVRRing: Sendable, Equatable {
    /// Seconds of the stream kept on disk and in the index (default two hours).
    public var window: Double

    public init(window: Double = 7200) {
        self.window = window
    }

    /// Splits `segments` (in order) into those kept and those expired, for a rendition of `timescale`.
    public func trim(_ segments: [SegmentInfo], timescale: Int32) -> (kept: [SegmentInfo], expired: [SegmentInfo]) {
        let ticks = window * Double(timescale)
        // An unbounded (or absurdly long) window keeps everything instead of overflowing.
        guard let newest = segments.last, ticks.isFinite, ticks < 1e17 else { return (segments, []) }
        let horizon = newest.start + newest.duration - Int64(ticks.rounded())
        let firstKept = segments.firstIndex { $0.start + $0.duration > horizon } ?? segments.count
        return (Array(segments[firstKept...]), Array(segments[..<firstKept]))
    }
}

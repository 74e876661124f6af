/// A rendition with its ordered segments: the segment index that ingest writes, the catalog stores and the
/// packager turns into HLS and DASH. Segment files are `<rendition.id>/seg-<number>.m4s`, each decoded
/// with `<rendition.id>/<segment.initFileName>` (`init.mp4`, or `init-<n>.mp4` where a live encoder
/// changed); VOD numbering starts at 1.
public struct RenditionIndex: Hashable, Sendable, Codable {
    public var rendition: Rendition
    public var segments: [SegmentInfo]

    public init(rendition: Rendition, segments: [SegmentInfo]) {
        self.rendition = rendition
        self.segments = segments
    }

    /// Total duration in seconds (sum of segment durations).
    public var durationSeconds: Double {
        Double(segments.reduce(0) { $0 + $1.duration }) / Double(rendition.timescale)
    }
}

/// One partial segment of a low-latency live stream (LL-HLS `EXT-X-PART`, a CMAF chunk): a `moof`+`mdat`
/// of `duration` ticks that is also, byte for byte, a piece of segment `segment` once that is complete.
/// Parts are files of their own (`part-<segment>.<index>.m4s`), written once and never changed.
public struct PartInfo: Hashable, Sendable {
    /// The media sequence number of the segment the part belongs to.
    public var segment: Int
    /// 0 for the segment's first part.
    public var index: Int
    /// Media time of the part's first sample, in the rendition's timescale.
    public var start: Int64
    public var duration: Int64
    /// The part starts with a keyframe (HLS `INDEPENDENT=YES`); every audio part is independent.
    public var independent: Bool
    /// The part's segment starts a new publisher session (set on every part of such a segment).
    public var discontinuity: Bool
    /// The init segment the part is decoded with (`init-<n>.mp4`), as on `SegmentInfo`.
    public var initNumber: Int?

    public init(segment: Int, index: Int, start: Int64, duration: Int64, independent: Bool,
                discontinuity: Bool = false, initNumber: Int? = nil) {
        self.segment = segment
        self.index = index
        self.start = start
        self.duration = duration
        self.independent = independent
        self.discontinuity = discontinuity
        self.initNumber = initNumber
    }

    /// `part-<segment>.<index>.m4s`.
    public var fileName: String { PartInfo.fileName(segment: segment, index: index) }

    public static func fileName(segment: Int, index: Int) -> String { "part-\(segment).\(index).m4s" }
}

/// Where a low-latency rendition's live edge is: the newest complete segment and the newest part.
public struct LivePartEdge: Hashable, Sendable {
    /// Number of the newest complete segment (nil before the first one).
    public var lastSegment: Int?
    /// The newest part (nil before the first one).
    public var lastPart: PartInfo?

    public init(lastSegment: Int?, lastPart: PartInfo?) {
        self.lastSegment = lastSegment
        self.lastPart = lastPart
    }

    /// The edge of `rendition` in a listing of `renditions` and `parts`.
    public init(_ rendition: SafeName, renditions: [RenditionIndex], parts: [SafeName: [PartInfo]]) {
        self.init(lastSegment: renditions.first { $0.rendition.id == rendition }?.segments.last?.number,
                  lastPart: parts[rendition]?.last)
    }

    /// True when a playlist with this edge satisfies a blocking reload for `msn` (and `part`): LL-HLS
    /// (draft-pantos-hls-rfc8216bis §6.2.5.2) holds the request until the playlist holds segment `msn`,
    /// or, with `part`, part `part` of segment `msn` (or anything later).
    public func satisfies(msn: Int, part: Int?) -> Bool {
        if let lastSegment, lastSegment >= msn { return true }
        guard let part, let lastPart else { return false }
        return lastPart.segment > msn || (lastPart.segment == msn && lastPart.index >= part)
    }
}

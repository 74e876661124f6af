import MediaCore

/// What a live stream reports as it grows, so the catalog and the packager can follow without polling.
public enum LiveEvent: Equatable, Sendable {
    /// A publisher was accepted for `stream`.
    case publishStarted(stream: SafeName)
    /// `data/live/<stream>/<rendition>/init-<n>.mp4` was written (first time, or changed after a reconnect:
    /// each encoder configuration gets its own name, which the segments that use it carry).
    case initSegment(stream: SafeName, rendition: Rendition)
    /// A segment is complete on disk under its final name and in the in-memory index.
    case segment(stream: SafeName, rendition: Rendition, segment: SegmentInfo)
    /// Segments that left the DVR window, already deleted from disk and from the index.
    case segmentsExpired(stream: SafeName, rendition: SafeName, numbers: [Int])
    /// Writing the stream's files failed (a full disk): segments are listed as gaps until writes work
    /// again. Reported once per failure, not per segment.
    case storageFailed(stream: SafeName, reason: String)
    /// Writes work again after `storageFailed`.
    case storageRecovered(stream: SafeName)
    /// The stream's segments now come from the other input (primary or backup publisher, issue 15).
    case inputSwitched(stream: SafeName, InputSwitch)
    /// A segment ran longer than the stream's EXT-X-TARGETDURATION (a GOP longer than the one its first
    /// segment showed): reported once per stream, as the encoder's keyframe interval should be fixed.
    case segmentOverTarget(stream: SafeName, seconds: Double, targetDuration: Int)
    /// The last publisher went away; the last (short) segments were already reported.
    case publishEnded(stream: SafeName)
}

/// Settings of live ingest, decoded once with the rest of the configuration and passed down.
public struct LiveConfiguration: Sendable, Equatable {
    /// Target segment duration in seconds: cuts land on the first keyframe at or after each multiple.
    public var segmentDuration: Double
    public var dvr: DVRRing
    /// Low latency (LL-HLS parts, chunked CMAF): the longest part in seconds for streams that do not choose
    /// themselves; nil: such streams cut whole segments only.
    public var partDuration: Double?
    /// The part target of a stream that asks for low latency itself (`"lowLatency": true`).
    public var partTarget: Double
    /// Redundant inputs: the active publisher counts as lost after this long without media.
    public var inputLossSeconds: Double
    public var failback: FailbackMode

    public init(segmentDuration: Double = 6, dvrWindow: Double = 7200, partDuration: Double? = nil, partTarget: Double? = nil,
                inputLossSeconds: Double = 2, failback: FailbackMode = .auto) {
        self.segmentDuration = segmentDuration
        self.dvr = DVRRing(window: dvrWindow)
        self.partDuration = partDuration
        self.partTarget = partTarget ?? partDuration ?? 0.5
        self.inputLossSeconds = inputLossSeconds
        self.failback = failback
    }
}

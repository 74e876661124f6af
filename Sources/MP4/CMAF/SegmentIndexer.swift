import MediaCore

/// Builds a rendition's segment index from its real bytes: the init segment and the media segments.
///
/// The one indexer: ingest indexes what it just wrote with it and `mediaserve reindex` rebuilds stored
/// assets with it, so both give the identical index (same BANDWIDTH, same manifest ETag). File reading is
/// the caller's job; this only parses bytes, so it is tested on ffmpeg-made files and on hostile input alike.
public enum SegmentIndexer {
    /// One media segment as read from storage: its number (from `seg-<number>.m4s`) and bytes.
    public struct SegmentBytes: Sendable {
        public var number: Int
        public var bytes: [UInt8]
        /// Wall-clock time of the first sample, when the caller knows it (live).
        public var programDateTime: Double?

        public init(number: Int, bytes: [UInt8], programDateTime: Double? = nil) {
            self.number = number
            self.bytes = bytes
            self.programDateTime = programDateTime
        }

        /// From any byte sequence (e.g. Foundation `Data` read by the caller).
        public init<Bytes: Sequence>(number: Int, contentsOf bytes: Bytes, programDateTime: Double? = nil) where Bytes.Element == UInt8 {
            self.init(number: number, bytes: Array(bytes), programDateTime: programDateTime)
        }
    }

    /// `index(id:initSegment:segments:language:)` for an init segment in any byte sequence (e.g. `Data`).
    public static func index<Bytes: Sequence>(id: SafeName, initSegmentContents: Bytes, segments: [SegmentBytes],
                                              language: String? = nil) throws -> RenditionIndex where Bytes.Element == UInt8 {
        try index(id: id, initSegment: Array(initSegmentContents), segments: segments, language: language)
    }

    /// A gap or overlap between one segment's end and the next one's `tfdt` larger than this many seconds
    /// is a timeline break (a restarted stream): the later segment is marked as a discontinuity.
    public static let discontinuityTolerance = 0.1

    static let maxTicks: UInt64 = 1 << 53
    /// Segment numbers are 32-bit in `mfhd` and in the origin's URLs.
    public static let maxNumber = Int(UInt32.max)

    public static func index(id: SafeName, initSegment: [UInt8], segments: [SegmentBytes], language: String? = nil)
        throws -> RenditionIndex {
        var builder = try Builder(id: id, initSegment: initSegment, language: language)
        for segment in segments { try builder.add(segment) }
        return builder.finish()
    }

    /// Indexes one segment at a time, so a caller reading a two-hour rendition from disk holds one
    /// segment's bytes, not gigabytes. Segments may come in any order; `finish` sorts them.
    public struct Builder: Sendable {
        public let track: TrackDescription
        let id: SafeName
        let language: String?
        var infos: [SegmentInfo] = []
        var durationCounts: [UInt32: Int] = [:]
        var peak = 0
        var totalBytes = 0
        var totalTicks = 0.0

        public init(id: SafeName, initSegment: [UInt8], language: String? = nil) throws {
            let tracks = try InitSegment.tracks(initSegment)
            guard let track = tracks.first(where: { $0.kind == .video }) ?? tracks.first else {
                throw MP4Error.missingBox(path: "moov/trak")
            }
            guard track.timescale <= UInt32(Int32.max) else {
                throw MP4Error.malformed(box: "mdhd", reason: "timescale \(track.timescale) is too large")
            }
            self.track = track
            self.id = id
            self.language = language
        }

        /// Adds one segment and returns what its `moof` says, for callers that check more (ingest checks
        /// that video segments open on a keyframe and that each `tfdt` follows the previous segment).
        @discardableResult
        public mutating func add(_ segment: SegmentBytes) throws -> FragmentSummary {
            guard (0..<SegmentIndexer.maxNumber).contains(segment.number) else {
                throw MP4Error.malformed(box: "seg-\(segment.number).m4s", reason: "segment numbers must be 0 to \(SegmentIndexer.maxNumber - 1)")
            }
            let summary = try MediaSegment.summary(segment.bytes, track: track)
            // 2^53 ticks is centuries at any real timescale, and keeps every later sum and Double exact.
            guard summary.baseMediaDecodeTime < SegmentIndexer.maxTicks, summary.duration < SegmentIndexer.maxTicks else {
                throw MP4Error.malformed(box: "tfdt", reason: "segment \(segment.number): time or duration beyond 2^53 ticks")
            }
            let duration = Int64(summary.duration)
            infos.append(SegmentInfo(number: segment.number, start: Int64(summary.baseMediaDecodeTime), duration: duration,
                                     size: summary.size, programDateTime: segment.programDateTime))
            peak = max(peak, SegmentIndexer.bitsPerSecondRoundedUp(bytes: summary.size, ticks: summary.duration, timescale: track.timescale))
            totalBytes += summary.size
            totalTicks += Double(duration)
            for d in summary.sampleDurations { durationCounts[d, default: 0] += 1 }
            return summary
        }

        /// The rendition: segments in number order, timeline breaks flagged, bitrates and frame rate measured.
        public func finish() -> RenditionIndex {
            let ts = Double(track.timescale)
            var ordered = infos.sorted { $0.number < $1.number }
            for i in ordered.indices.dropFirst() {
                let previous = ordered[i - 1]
                let gap = Double(ordered[i].start - (previous.start + previous.duration)) / ts
                ordered[i].discontinuity = abs(gap) > discontinuityTolerance || ordered[i].number != previous.number + 1
            }
            let average = totalTicks > 0 ? Double(totalBytes) * 8 * ts / totalTicks : 0
            var frameRate: Rational?
            if track.kind == .video,
               let common = durationCounts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key, common > 0 {
                frameRate = reduced(Int(track.timescale), Int(common))
            }
            let rendition = Rendition(
                id: id, kind: track.kind, codecs: track.codecs,
                peakBitrate: peak, averageBitrate: Int(average.rounded()),
                timescale: Int32(track.timescale), width: track.width, height: track.height, frameRate: frameRate,
                sampleRate: track.sampleRate, channels: track.channels, language: language ?? track.language)
            return RenditionIndex(rendition: rendition, segments: ordered)
        }
    }

    /// A segment's bit rate, rounded up in exact integer arithmetic: BANDWIDTH is an upper bound
    /// (RFC 8216 §4.3.4.2), and no floating-point step can move it by one between two runs or two callers.
    static func bitsPerSecondRoundedUp(bytes: Int, ticks: UInt64, timescale: UInt32) -> Int {
        guard ticks > 0 else { return 0 }
        let product = (UInt64(bytes) * 8).multipliedFullWidth(by: UInt64(timescale))
        guard product.high < ticks else { return Int.max }  // the quotient would not fit in 64 bits
        let (quotient, remainder) = ticks.dividingFullWidth(product)
        let rounded = remainder > 0 ? quotient &+ 1 : quotient
        return rounded > UInt64(Int.max) ? Int.max : Int(rounded)
    }

    static func reduced(_ numerator: Int, _ denominator: Int) -> Rational {
        var a = numerator, b = denominator
        while b != 0 { (a, b) = (b, a % b) }
        return Rational(numerator / a, denominator / a)
    }
}

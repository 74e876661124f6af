/// Whether a rendition carries pictures or sound. Audio and video are always separate renditions so that
/// HLS and DASH can share the same CMAF files.
public enum MediaKind: String, Sendable, Codable, Hashable {
    case video
    case audio
}

/// One encoded version of an asset's video or audio, as stored and as the packager describes it.
///
/// `codecs` is the RFC 6381 string read from the real stream (`avc1.640028`, `mp4a.40.2`), never a guess
/// from the configured profile, because players reject variants whose CODECS lie.
public struct Rendition: Hashable, Sendable, Codable {
    /// Directory name and playlist name, e.g. `video-1080p`, `audio-aac`.
    public var id: SafeName
    public var kind: MediaKind
    public var codecs: String
    /// Peak bits per second over any segment (HLS BANDWIDTH, DASH bandwidth).
    public var peakBitrate: Int
    /// Mean bits per second over the whole rendition (HLS AVERAGE-BANDWIDTH).
    public var averageBitrate: Int
    /// Ticks per second of the track's media timeline (mdhd timescale); segment times use it.
    public var timescale: Int32
    public var width: Int?
    public var height: Int?
    public var frameRate: Rational?
    public var sampleRate: Int?
    public var channels: Int?
    /// ISO 639 language code, if the source said one.
    public var language: String?

    public init(
        id: SafeName, kind: MediaKind, codecs: String, peakBitrate: Int, averageBitrate: Int, timescale: Int32,
        width: Int? = nil, height: Int? = nil, frameRate: Rational? = nil,
        sampleRate: Int? = nil, channels: Int? = nil, language: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.codecs = codecs
        self.peakBitrate = peakBitrate
        self.averageBitrate = averageBitrate
        self.timescale = timescale
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.sampleRate = sampleRate
        self.channels = channels
        self.language = language
    }
}

/// One CMAF media segment (`seg-<number>.m4s`) of a rendition, as indexed from its `moof`.
public struct SegmentInfo: Hashable, Sendable, Codable {
    /// Segment number; the file is `seg-<number>.m4s`. Numbers never repeat within a rendition.
    public var number: Int
    /// `tfdt` base media decode time, in the rendition's timescale.
    public var start: Int64
    /// Sum of the fragment's sample durations, in the rendition's timescale.
    public var duration: Int64
    /// Size of the segment file in bytes.
    public var size: Int
    /// A discontinuity precedes this segment (live restart): HLS EXT-X-DISCONTINUITY, a new DASH Period.
    public var discontinuity: Bool
    /// Wall-clock time of the segment's first sample (live: arrival clock), for EXT-X-PROGRAM-DATE-TIME.
    public var programDateTime: Double?
    /// Which init segment this segment decodes with: nil is `init.mp4` (VOD, one init per rendition);
    /// a number `n` is `init-<n>.mp4`. A live encoder that reconnects with other parameters gets a new
    /// init under a new name (numbered after the first segment that uses it), because a CDN that cached
    /// `init.mp4` would otherwise pair the old init with the new segments.
    public var initNumber: Int?
    /// Live only: the segment could not be written (a full disk). It keeps its place and number, so
    /// numbering stays positional for HLS and DASH, and HLS marks it `EXT-X-GAP` (players skip it).
    public var gap: Bool

    public init(number: Int, start: Int64, duration: Int64, size: Int, discontinuity: Bool = false, programDateTime: Double? = nil,
                initNumber: Int? = nil, gap: Bool = false) {
        self.gap = gap
        self.number = number
        self.start = start
        self.duration = duration
        self.size = size
        self.discontinuity = discontinuity
        self.programDateTime = programDateTime
        self.initNumber = initNumber
    }

    private enum CodingKeys: String, CodingKey {
        case number, start, duration, size, discontinuity, programDateTime, initNumber, gap
    }

    /// `gap` may be missing (journals written before it existed): false then.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(Int.self, forKey: .number)
        start = try container.decode(Int64.self, forKey: .start)
        duration = try container.decode(Int64.self, forKey: .duration)
        size = try container.decode(Int.self, forKey: .size)
        discontinuity = try container.decode(Bool.self, forKey: .discontinuity)
        programDateTime = try container.decodeIfPresent(Double.self, forKey: .programDateTime)
        initNumber = try container.decodeIfPresent(Int.self, forKey: .initNumber)
        gap = try container.decodeIfPresent(Bool.self, forKey: .gap) ?? false
    }

    /// `init.mp4` or `init-<initNumber>.mp4`: the file (beside the segment) that initialises its decoder.
    public var initFileName: String { SegmentInfo.initFileName(initNumber) }

    public static func initFileName(_ number: Int?) -> String {
        number.map { "init-\($0).mp4" } ?? "init.mp4"
    }
}

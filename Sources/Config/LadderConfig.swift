import MediaCore

/// The configured bitrate ladder (config/ladder.yaml) before it is fitted to a source: the ingest
/// planner reads this value and drops rungs above the source height.
public struct LadderConfig: Sendable, Hashable, Codable {
    /// Rungs from smallest to largest height.
    public var rungs: [LadderRung]
    public var audio: LadderAudio
    /// Target segment duration; every rendition gets an IDR at each multiple of it.
    public var segmentSeconds: Double
    /// x264 preset (`ultrafast` ... `placebo`).
    public var preset: String
    /// Sources faster than this are encoded at half their frame rate (or capped) by the planner.
    public var maxFrameRate: Double

    public init(rungs: [LadderRung], audio: LadderAudio = LadderAudio(), segmentSeconds: Double = 6,
                preset: String = "veryfast", maxFrameRate: Double = 60) {
        self.rungs = rungs
        self.audio = audio
        self.segmentSeconds = segmentSeconds
        self.preset = preset
        self.maxFrameRate = maxFrameRate
    }

    /// The ladder of config/ladder.yaml as shipped, used when that file is absent.
    public static let `default` = LadderConfig(rungs: LadderRung.standardLadder)

    /// x264's presets, fastest first.
    public static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
                                 "slow", "slower", "veryslow", "placebo"]
}

/// The one audio rendition every asset gets.
public struct LadderAudio: Sendable, Hashable, Codable {
    /// Only `aac-lc` today (the codec every HLS and DASH player decodes).
    public var codec: String
    public var bitrateKbps: Int
    public var sampleRate: Int
    public var channels: Int

    public init(codec: String = "aac-lc", bitrateKbps: Int = 128, sampleRate: Int = 48_000, channels: Int = 2) {
        self.codec = codec
        self.bitrateKbps = bitrateKbps
        self.sampleRate = sampleRate
        self.channels = channels
    }

    public static let codecs = ["aac-lc"]
}

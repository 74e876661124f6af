/// How live rungs are encoded (`live.transcode.*`), decoded once with the configuration and passed down.
public struct LiveTranscodeSettings: Sendable, Equatable {
    /// x264 preset (`live.transcode.preset`, default `veryfast`).
    public var preset: String
    /// x264 tune (`live.transcode.tune`, default `zerolatency`: no lookahead, so a picture leaves its
    /// encoder as soon as it is coded).
    public var tune: String
    /// Encoded output may trail the source's arrival by this many seconds before the most expensive rung
    /// is shed (`live.transcode.max_lag_seconds`).
    public var maxLagSeconds: Double
    /// Source pictures waiting to be decoded before the transcoder gives up on every rung (about 10 s at
    /// 30 fps): the bound on the memory a stream that cannot keep up may hold.
    public var inputCapacity: Int
    /// Extra x264 options (`key=value:…`), appended after the ones live needs.
    public var extraX264Params: String?

    public init(preset: String = "veryfast", tune: String = "zerolatency", maxLagSeconds: Double = 4,
                inputCapacity: Int = 300, extraX264Params: String? = nil) {
        self.preset = preset
        self.tune = tune
        self.maxLagSeconds = maxLagSeconds
        self.inputCapacity = inputCapacity
        self.extraX264Params = extraX264Params
    }
}

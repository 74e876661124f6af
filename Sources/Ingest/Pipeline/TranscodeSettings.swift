/// Encoder and pipeline knobs that are not part of the ladder (config or flags).
public struct TranscodeSettings: Hashable, Sendable {
    /// x264 preset (config default `veryfast`).
    public var preset: String
    /// x264 threads per rung encoder; nil chooses per rung: the rungs already run in parallel, so a rung
    /// with at least a quarter of the top rung's pixels (1080p and 720p of the default ladder) gets 2 and
    /// the others 1. With 720p on one thread that thread paced the whole ladder (the decoder waited on its
    /// queue 14-16 s of a 26 s run, 1080p idle 10-18 s); with 2 the waits move to 1080p and shrink,
    /// for 24 MB more memory and no more CPU. Both cores stay busy without the memory of x264's frame
    /// threads in every encoder (measured on 20 s of the bench-ingest source).
    public var encoderThreads: Int?
    /// Decoded frames buffered per rung before decoding waits.
    public var queueCapacity: Int
    /// Extra x264 options (`key=value:…`), e.g. for tests that need tiny, fast encodes.
    public var extraX264Params: String?

    public init(preset: String = "veryfast", encoderThreads: Int? = nil, queueCapacity: Int = 6, extraX264Params: String? = nil) {
        self.preset = preset
        self.encoderThreads = encoderThreads
        self.queueCapacity = queueCapacity
        self.extraX264Params = extraX264Params
    }
}

extension TranscodeSettings {
    /// x264 threads for one rung of a ladder whose largest rung is `topPixels`.
    func threads(forPixels pixels: Int, topPixels: Int) -> Int {
        if let encoderThreads { return encoderThreads }
        return pixels * 4 >= topPixels ? 2 : 1
    }
}

/// Where an ingest stands, for progress bars and job percentages.
public struct TranscodeProgress: Sendable, Equatable {
    /// Seconds of output finished by the slowest rendition.
    public var encodedSeconds: Double
    /// Source duration, when known.
    public var totalSeconds: Double?
    /// Frames encoded by the slowest video rendition.
    public var frames: Int
    /// Wall-clock seconds since the transcode started.
    public var elapsed: Double

    public init(encodedSeconds: Double, totalSeconds: Double?, frames: Int, elapsed: Double) {
        self.encodedSeconds = encodedSeconds
        self.totalSeconds = totalSeconds
        self.frames = frames
        self.elapsed = elapsed
    }
}

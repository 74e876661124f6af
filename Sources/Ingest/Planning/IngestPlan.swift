import MediaCore

/// The audio every asset carries: AAC-LC at a fixed rate and layout so all renditions share one track.
public struct AudioSettings: Hashable, Sendable, Codable {
    public var bitrateKbps: Int
    public var sampleRate: Int
    public var channels: Int

    public init(bitrateKbps: Int = 128, sampleRate: Int = 48_000, channels: Int = 2) {
        self.bitrateKbps = bitrateKbps
        self.sampleRate = sampleRate
        self.channels = channels
    }

    public static let standard = AudioSettings()
}

/// One video rendition to produce, fitted to the source: exact output size, rate and encoder targets.
public struct VideoRenditionPlan: Hashable, Sendable {
    public var id: SafeName
    public var width: Int
    public var height: Int
    public var frameRate: Rational
    public var bitrateKbps: Int
    /// VBV peak rate and buffer size; they bound each segment's peak bitrate.
    public var maxrateKbps: Int
    public var bufferKbits: Int
    public var profile: H264Profile
}

/// The single audio rendition.
public struct AudioRenditionPlan: Hashable, Sendable {
    public var id: SafeName
    public var settings: AudioSettings
}

/// How the source's pictures must be prepared before scaling, the same for every rung.
public struct VideoPreparation: Hashable, Sendable {
    /// Fields are deinterlaced (bwdif, one frame per frame) before scaling.
    public var deinterlace: Bool
    /// Clockwise rotation to apply so the output is upright (0, 90, 180, 270).
    public var rotation: Int
    /// When the source runs above 60 fps, the rate it is reduced to (every other frame); nil keeps timing.
    public var outputFrameRate: Rational?

    /// Progressive, upright, at its own rate: what a live publisher's H.264 is (live transcode).
    public static let asIs = VideoPreparation(deinterlace: false, rotation: 0, outputFrameRate: nil)
}

/// Everything a transcode needs to know, decided before a single frame is decoded.
public struct IngestPlan: Hashable, Sendable {
    /// Source stream indices; nil when the source has no such stream.
    public var videoStream: Int?
    public var audioStream: Int?
    /// Ascending by height.
    public var video: [VideoRenditionPlan]
    public var audio: AudioRenditionPlan?
    public var preparation: VideoPreparation
    /// Target segment duration in seconds; every rendition gets an IDR at each multiple of it.
    public var segmentSeconds: Int
    /// Source duration in seconds when known, for progress and ETA.
    public var duration: Double?

    /// Ticks per second of the video timeline (encoder time base 1/N, mdhd timescale): the frame rate's
    /// numerator doubled until it reaches 10000 (25 fps: 12800, 30000/1001: 30000), so every frame time
    /// and every segment boundary is a whole number of ticks and VFR timestamps keep sub-millisecond detail.
    public var videoTimescale: Int {
        let rate = video.first?.frameRate ?? Rational(30, 1)
        var scale = max(rate.numerator, 1)
        while scale < 10_000 { scale *= 2 }
        return scale
    }

    /// Frames between natural keyframes: four segments, so only forced IDRs ever start a GOP.
    public var keyframeInterval: Int {
        let rate = video.first?.frameRate.value ?? 30
        return max(Int((rate * Double(segmentSeconds) * 4).rounded(.up)), 1)
    }
}

/// What a source file holds, as read by `mediaserve probe` (FFmpegKit fills it; ladder planning and the
/// catalog read it). Plain values so the planner can be tested without FFmpeg or files.
public struct SourceProbe: Codable, Sendable, Hashable {
    /// The file as the user named it.
    public var path: String
    /// libavformat's short name(s), e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
    public var container: String
    public var containerLongName: String?
    /// Seconds, when the container or the streams say.
    public var duration: Double?
    /// Overall bits per second.
    public var bitRate: Int?
    public var size: Int64?
    public var streams: [StreamProbe]

    public init(path: String, container: String, containerLongName: String? = nil, duration: Double? = nil,
                bitRate: Int? = nil, size: Int64? = nil, streams: [StreamProbe]) {
        self.path = path
        self.container = container
        self.containerLongName = containerLongName
        self.duration = duration
        self.bitRate = bitRate
        self.size = size
        self.streams = streams
    }

    /// The stream ingest takes pictures from: the first video stream that is not a cover picture.
    public var primaryVideo: StreamProbe? { streams.first { $0.type == .video && !$0.isAttachedPicture } }
    /// The stream ingest takes sound from: the first audio stream.
    public var primaryAudio: StreamProbe? { streams.first { $0.type == .audio } }
}

public enum StreamType: String, Codable, Sendable, Hashable {
    case video, audio, subtitle, data, attachment, unknown
}

/// One elementary stream of a source. Optional fields are absent when the container does not say.
public struct StreamProbe: Codable, Sendable, Hashable {
    public var index: Int
    public var type: StreamType
    /// libavcodec's short codec name: `h264`, `hevc`, `vp9`, `av1`, `aac`, `opus`...
    public var codec: String
    public var codecLongName: String?
    public var profile: String?
    /// Coded size in pixels, before rotation.
    public var width: Int?
    public var height: Int?
    public var sampleAspectRatio: Rational?
    /// Display aspect ratio of the coded picture (SAR applied, rotation not applied).
    public var displayAspectRatio: Rational?
    /// Average frame rate; for variable frame rate sources, the mean.
    public var frameRate: Rational?
    public var pixelFormat: String?
    /// Bits per raw sample (8, 10, 12), when known.
    public var bitDepth: Int?
    /// `progressive`, `tt`, `bb`, `tb`, `bt` or nil when unknown.
    public var fieldOrder: String?
    /// Clockwise display rotation in degrees (0, 90, 180, 270) from the display matrix.
    public var rotation: Int?
    public var bitRate: Int?
    public var channels: Int?
    public var channelLayout: String?
    public var sampleRate: Int?
    public var language: String?
    public var duration: Double?
    /// A cover image carried as a video stream (MP3/M4A artwork), never the picture to encode.
    public var isAttachedPicture: Bool

    public init(index: Int, type: StreamType, codec: String, codecLongName: String? = nil, profile: String? = nil,
                width: Int? = nil, height: Int? = nil, sampleAspectRatio: Rational? = nil,
                displayAspectRatio: Rational? = nil, frameRate: Rational? = nil, pixelFormat: String? = nil,
                bitDepth: Int? = nil, fieldOrder: String? = nil, rotation: Int? = nil, bitRate: Int? = nil,
                channels: Int? = nil, channelLayout: String? = nil, sampleRate: Int? = nil,
                language: String? = nil, duration: Double? = nil, isAttachedPicture: Bool = false) {
        self.index = index
        self.type = type
        self.codec = codec
        self.codecLongName = codecLongName
        self.profile = profile
        self.width = width
        self.height = height
        self.sampleAspectRatio = sampleAspectRatio
        self.displayAspectRatio = displayAspectRatio
        self.frameRate = frameRate
        self.pixelFormat = pixelFormat
        self.bitDepth = bitDepth
        self.fieldOrder = fieldOrder
        self.rotation = rotation
        self.bitRate = bitRate
        self.channels = channels
        self.channelLayout = channelLayout
        self.sampleRate = sampleRate
        self.language = language
        self.duration = duration
        self.isAttachedPicture = isAttachedPicture
    }

    /// True when the pictures are fields that must be deinterlaced before scaling.
    public var isInterlaced: Bool {
        guard let fieldOrder else { return false }
        return fieldOrder != "progressive" && fieldOrder != "unknown"
    }

    /// Width and height as the viewer sees them: sample aspect ratio and rotation applied.
    public var displaySize: (width: Int, height: Int)? {
        guard let width, let height, width > 0, height > 0 else { return nil }
        var displayWidth = width
        if let sar = sampleAspectRatio, sar.numerator > 0, sar.denominator > 0, sar.numerator != sar.denominator {
            displayWidth = Int((Double(width) * sar.value).rounded())
        }
        let quarterTurn = ((rotation ?? 0) % 180 + 180) % 180 == 90
        return quarterTurn ? (height, displayWidth) : (displayWidth, height)
    }
}

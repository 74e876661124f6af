/// One H.264 access unit as the publisher sent it: NAL units in AVCC form (each prefixed by its length,
/// in the size the avcC record declares), which is exactly the form an MP4 sample holds.
public struct VideoFrame: Equatable, Sendable {
    /// Decode time in milliseconds on the publisher's (unwrapped) clock.
    public var dts: Int64
    /// Presentation time in milliseconds: dts plus the FLV composition time.
    public var pts: Int64
    public var isKeyframe: Bool
    public var data: [UInt8]

    public init(dts: Int64, pts: Int64, isKeyframe: Bool, data: [UInt8]) {
        self.dts = dts
        self.pts = pts
        self.isKeyframe = isKeyframe
        self.data = data
    }
}

/// One raw AAC frame (no ADTS header), as FLV carries it.
public struct AudioFrame: Equatable, Sendable {
    /// Presentation (= decode) time in milliseconds on the publisher's clock.
    public var pts: Int64
    public var data: [UInt8]

    public init(pts: Int64, data: [UInt8]) {
        self.pts = pts
        self.data = data
    }
}

/// A packet of audio in a codec other than AAC (RTMP's MP3 or G.711, MPEG-TS's MP2, MP3 or AC-3). The
/// listener converts it to AAC (FFmpegKit's `AACConverter`) before the segmenter sees it: the segmenter
/// only takes AAC.
public struct CodedAudio: Equatable, Sendable {
    /// libavcodec's decoder name: `mp3`, `mp2`, `ac3`, `eac3`, `pcm_alaw`, `pcm_mulaw`.
    public var codec: String
    /// What the container says, for codecs whose frames do not say it themselves (G.711).
    public var sampleRate: Int?
    public var channels: Int?
    /// Presentation time in milliseconds on the publisher's clock.
    public var pts: Int64
    public var data: [UInt8]

    public init(codec: String, sampleRate: Int? = nil, channels: Int? = nil, pts: Int64, data: [UInt8]) {
        self.codec = codec
        self.sampleRate = sampleRate
        self.channels = channels
        self.pts = pts
        self.data = data
    }
}

/// What a publisher's FLV tags turn into: decoder configurations, access units and metadata.
public enum LiveMediaEvent: Equatable, Sendable {
    /// AVCDecoderConfigurationRecord (the `avcC` box payload).
    case videoConfig(avcC: [UInt8])
    /// AudioSpecificConfig (the `esds` DecoderSpecificInfo payload).
    case audioConfig(asc: [UInt8])
    case video(VideoFrame)
    case audio(AudioFrame)
    /// Non-AAC audio, converted to `audioConfig` and `audio` events before segmenting.
    case codedAudio(CodedAudio)
    /// `@setDataFrame` / `onMetaData` properties (width, height, framerate, encoder...).
    case metadata([AMF0Property])
}

/// A media event stamped with the wall-clock time it arrived (seconds since 1970), which becomes the
/// segment's program date time.
public struct ArrivedMediaEvent: Equatable, Sendable {
    public var event: LiveMediaEvent
    public var receivedAt: Double

    public init(_ event: LiveMediaEvent, receivedAt: Double) {
        self.event = event
        self.receivedAt = receivedAt
    }
}

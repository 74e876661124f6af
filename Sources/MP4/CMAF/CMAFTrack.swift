/// What an init segment describes: one track of one rendition (CMAF puts each track in its own file).
public struct CMAFTrack: Equatable, Sendable {
    public enum Media: Equatable, Sendable {
        /// The AVCDecoderConfigurationRecord as the publisher or encoder gave it, and the picture size.
        case video(avcC: [UInt8], width: Int, height: Int)
        /// The AAC AudioSpecificConfig, and the channel count and sample rate it declares.
        case audio(audioSpecificConfig: [UInt8], channels: Int, sampleRate: Int)
    }

    public var trackID: UInt32
    /// Ticks per second of the track's timeline (90 kHz for video, the sample rate for audio).
    public var timescale: UInt32
    public var media: Media
    /// RFC 6381 codec string, from the real decoder configuration (the caller parsed it; this target only
    /// carries the bytes).
    public var codecString: String

    public init(trackID: UInt32 = 1, timescale: UInt32, codecString: String, media: Media) {
        self.trackID = trackID
        self.timescale = timescale
        self.codecString = codecString
        self.media = media
    }

    public var isAudio: Bool {
        if case .audio = media { return true }
        return false
    }
}

/// One sample of a fragment: its bytes and timing in the track's timescale.
public struct CMAFSample: Equatable, Sendable {
    public var duration: UInt32
    /// Presentation minus decode time (B-frames make it positive; signed in `trun` version 1).
    public var compositionOffset: Int32
    public var isSync: Bool
    public var data: [UInt8]

    public init(duration: UInt32, compositionOffset: Int32 = 0, isSync: Bool, data: [UInt8]) {
        self.duration = duration
        self.compositionOffset = compositionOffset
        self.isSync = isSync
        self.data = data
    }
}

/// What the `trun` says about a sample (everything but its bytes): the live segmenter keeps only these in
/// memory while the bytes wait in a spool file.
public struct CMAFSampleEntry: Equatable, Sendable {
    public var duration: UInt32
    public var size: UInt32
    public var compositionOffset: Int32
    public var isSync: Bool

    public init(duration: UInt32, size: UInt32, compositionOffset: Int32, isSync: Bool) {
        self.duration = duration
        self.size = size
        self.compositionOffset = compositionOffset
        self.isSync = isSync
    }
}

extension CMAFSample {
    public var entry: CMAFSampleEntry {
        CMAFSampleEntry(duration: duration, size: UInt32(data.count), compositionOffset: compositionOffset, isSync: isSync)
    }
}

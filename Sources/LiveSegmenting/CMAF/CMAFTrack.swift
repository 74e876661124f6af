import RTMP

/// What an init segment describes: one track of one rendition (CMAF puts each track in its own file).
public struct CMAFTrack: Equatable, Sendable {
    public enum Media: Equatable, Sendable {
        case video(AVCConfig, width: Int, height: Int)
        case audio(AudioSpecificConfig)
    }

    public var trackID: UInt32
    /// Ticks per second of the track's timeline (90 kHz for video, the sample rate for audio).
    public var timescale: UInt32
    public var media: Media

    public init(trackID: UInt32 = 1, timescale: UInt32, media: Media) {
        self.trackID = trackID
        self.timescale = timescale
        self.media = media
    }

    public var isAudio: Bool {
        if case .audio = media { return true }
        return false
    }

    /// RFC 6381 codec string from the real decoder configuration.
    public var codecString: String {
        switch media {
        case .video(let config, _, _): return config.codecString
        case .audio(let asc): return asc.codecString
        }
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
struct CMAFSampleEntry: Equatable, Sendable {
    var duration: UInt32
    var size: UInt32
    var compositionOffset: Int32
    var isSync: Bool
}

extension CMAFSample {
    var entry: CMAFSampleEntry {
        CMAFSampleEntry(duration: duration, size: UInt32(data.count), compositionOffset: compositionOffset, isSync: isSync)
    }
}

import Foundation
import MediaCore

/// Cuts a publisher's H.264 and AAC into CMAF segments without re-encoding (passthrough).
///
/// Video is cut at the first keyframe at or after each `targetDuration` boundary (counted from the
/// session's first keyframe), so with 1–2 s GOPs segments come out at ~6 s. Audio segment N ends at the
/// first audio frame at or after video segment N's end, so both renditions share numbers and times.
/// One segmenter lives as long as the stream, across publisher sessions: numbers keep counting and the
/// first segment after a reconnect is flagged as a discontinuity.
public struct LiveSegmenter: Sendable {
    public enum Output: Equatable, Sendable {
        /// A new or changed init segment for a rendition.
        case initSegment(Rendition, bytes: [UInt8])
        /// A finished media segment; `rendition` carries bitrates measured so far.
        case segment(Rendition, SegmentInfo, bytes: [UInt8])
    }

    public static let videoRendition = SafeName("video")!
    public static let audioRendition = SafeName("audio")!
    static let videoTimescale: Int64 = 90_000

    public let targetDurationMs: Int64
    var video: TrackFragmenter?
    var audio: TrackFragmenter?
    var videoConfig: AVCConfig?
    var audioConfig: AudioSpecificConfig?
    var metadataSize: (width: Int, height: Int)?
    var frameRate: Rational?
    /// Number of the segment being collected.
    public internal(set) var openNumber: Int
    /// The session's boundary origin (first keyframe, input ms) and the next boundary.
    var nextBoundaryMs: Int64?
    /// Video cuts the audio has not reached yet: (cut time in input ms, number of the segment it ends).
    var audioCuts: [(timeMs: Int64, number: Int)] = []
    /// Boundary clock of a stream without video.
    var audioOnlyBoundaryMs: Int64?
    var sessionStarted = false
    var discontinuityNext = false
    /// Where tracks keep the bytes of the segment being collected (`SampleSpool`): the stream's
    /// directory in a server; nil keeps them in memory.
    public var spoolDirectory: URL?

    /// `firstNumber` continues after segments already on disk (a restarted server never reuses a name).
    public init(targetDuration: Double = 6, firstNumber: Int = 1) {
        targetDurationMs = Int64((targetDuration * 1000).rounded())
        openNumber = firstNumber
    }

    /// A publisher connects. Every session after the first (or after segments from a previous run) is a
    /// discontinuity.
    public mutating func beginSession(discontinuity: Bool) {
        nextBoundaryMs = nil
        audioOnlyBoundaryMs = nil
        audioCuts = []
        discontinuityNext = discontinuity || sessionStarted
        sessionStarted = true
        video?.beginSession(discontinuity: discontinuityNext)
        audio?.beginSession(discontinuity: discontinuityNext)
    }

    public mutating func receive(_ arrived: ArrivedMediaEvent) -> [Output] {
        switch arrived.event {
        case .metadata(let properties):
            absorbMetadata(properties)
            return []
        case .videoConfig(let record):
            guard let config = AVCConfig(record), config != videoConfig else { return [] }
            var out = videoConfig == nil ? [] : endSession()
            videoConfig = config
            out += installVideo(config)
            if let spoolDirectory { video?.useSpool(SampleSpool(directory: spoolDirectory)) }
            return out
        case .audioConfig(let bytes):
            guard let config = AudioSpecificConfig(bytes), config != audioConfig else { return [] }
            var out = audioConfig == nil ? [] : endSession()
            audioConfig = config
            out += installAudio(config)
            if let spoolDirectory { audio?.useSpool(SampleSpool(directory: spoolDirectory)) }
            return out
        case .video(let frame):
            return receiveVideo(frame, receivedAt: arrived.receivedAt)
        case .audio(let frame):
            return receiveAudio(frame, receivedAt: arrived.receivedAt)
        }
    }

    /// The publisher went away: emit what is collected as the (short) last segment of the session.
    public mutating func endSession() -> [Output] {
        var out: [Output] = []
        if let cut = video?.cut(number: openNumber, nextDTS: nil), let video {
            out.append(.segment(video.rendition(frameRate: frameRate), cut.info, bytes: cut.bytes))
        }
        // Audio still owing earlier numbers gets them first, then the rest is the open segment.
        for pendingCut in audioCuts { out += cutAudio(number: pendingCut.number, nextDTS: nil) }
        out += cutAudio(number: openNumber, nextDTS: nil)
        audioCuts = []
        if !out.isEmpty { openNumber += 1 }
        nextBoundaryMs = nil
        audioOnlyBoundaryMs = nil
        video?.beginSession(discontinuity: true)
        audio?.beginSession(discontinuity: true)
        return out
    }

    private mutating func installVideo(_ config: AVCConfig) -> [Output] {
        let size = config.pictureSize ?? metadataSize ?? (0, 0)
        let track = CMAFTrack(timescale: UInt32(LiveSegmenter.videoTimescale), media: .video(config, width: size.width, height: size.height))
        if video == nil {
            video = TrackFragmenter(track: track, renditionID: LiveSegmenter.videoRendition, defaultSampleDuration: 3600)
            video?.beginSession(discontinuity: discontinuityNext)
        } else {
            video?.track = track
        }
        return [.initSegment(video!.rendition(frameRate: frameRate), bytes: CMAFWriter.initSegment(track))]
    }

    private mutating func installAudio(_ config: AudioSpecificConfig) -> [Output] {
        let track = CMAFTrack(timescale: UInt32(config.sampleRate), media: .audio(config))
        if audio == nil {
            audio = TrackFragmenter(track: track, renditionID: LiveSegmenter.audioRendition, defaultSampleDuration: 1024)
            audio?.beginSession(discontinuity: discontinuityNext)
        } else {
            audio?.track = track
        }
        return [.initSegment(audio!.rendition(frameRate: nil), bytes: CMAFWriter.initSegment(track))]
    }

    /// Works on `video` in place: a local copy would share the pending samples' storage, so the next
    /// append would copy the whole segment collected so far, on every frame.
    private mutating func receiveVideo(_ frame: VideoFrame, receivedAt: Double) -> [Output] {
        guard video != nil else { return [] }
        // A segment must open with a keyframe: drop pictures until the session's first one.
        if video!.pendingStart == nil, nextBoundaryMs == nil, !frame.isKeyframe { return [] }
        let dts = video!.outputTime(forInput: frame.dts * 90)
        var out: [Output] = []
        if frame.isKeyframe {
            if let boundary = nextBoundaryMs {
                if frame.dts >= boundary, video!.pendingStart != nil {
                    if let cut = video!.cut(number: openNumber, nextDTS: dts) {
                        out.append(.segment(video!.rendition(frameRate: frameRate), cut.info, bytes: cut.bytes))
                    }
                    if audio != nil { audioCuts.append((frame.pts, openNumber)) }  // video-only: nothing to align
                    openNumber += 1
                }
                var next = boundary
                while next <= frame.dts { next += targetDurationMs }
                nextBoundaryMs = next
            } else {
                nextBoundaryMs = frame.dts + targetDurationMs
            }
        }
        video!.append(dts: dts, compositionOffset: Int32(clamping: (frame.pts - frame.dts) * 90), isSync: frame.isKeyframe,
                      data: frame.data, receivedAt: receivedAt)
        return out
    }
}

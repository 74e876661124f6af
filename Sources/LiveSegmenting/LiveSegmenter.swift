import Foundation
import MediaCore
import MP4
import RTMP

/// Cuts a publisher's H.264 and AAC into CMAF segments without re-encoding (passthrough).
///
/// Video is cut at the first keyframe at or after each `targetDuration` boundary (counted from the
/// session's first keyframe), so with 1–2 s GOPs segments come out at ~6 s. Audio segment N ends at the
/// first audio frame at or after video segment N's end, so both renditions share numbers and times.
/// One segmenter lives as long as the stream, across publisher sessions: numbers keep counting and the
/// first segment after a reconnect is flagged as a discontinuity.
public struct LiveSegmenter: Sendable {
    public enum Output: Equatable, Sendable {
        /// A new or changed init segment for a rendition, to be stored as `init-<number>.mp4`: `number` is
        /// the first segment number that may use it, and no other init of the rendition ever gets it.
        case initSegment(Rendition, number: Int, bytes: [UInt8])
        /// A finished media segment; `rendition` carries bitrates measured so far. Its samples may still be
        /// in their spool file (`SegmentBytes`).
        case segment(Rendition, SegmentInfo, bytes: SegmentBytes)
        /// Low latency: a finished part of the segment being collected (the segment's last part comes
        /// just before the segment).
        case part(Rendition, PartInfo, bytes: [UInt8])

        var renditionID: SafeName {
            switch self {
            case .initSegment(let rendition, _, _), .segment(let rendition, _, _), .part(let rendition, _, _): return rendition.id
            }
        }
    }

    public static let videoRendition = SafeName("video")!
    public static let audioRendition = SafeName("audio")!
    static let videoTimescale: Int64 = 90_000

    public let targetDurationMs: Int64
    /// Low latency: parts (CMAF chunks) are cut so that none lasts longer than this; nil cuts none.
    public let partDurationMs: Int64?
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
    /// Media seconds where each rendition's segments of an earlier run ended; new tracks continue there.
    let resumeAtSeconds: [SafeName: Double]
    /// Transcoded rungs (`LiveSegmenter+Rungs.swift`), cut where the source is cut.
    var rungs: [SafeName: RungTrack] = [:]
    /// Presentation ms (source clock) of the keyframe that opened the segment being collected.
    var openSegmentStartMs: Int64?
    /// A transcoded stream: the video media this segmenter takes (from whichever input is active) is kept
    /// for the transcoder until `takeForwarded`.
    var forwardsTaken = false
    private var forwarded: [TranscoderInput] = []
    /// Where tracks keep the bytes of the segment being collected (`SampleSpool`): the stream's
    /// directory in a server; nil keeps them in memory.
    public var spoolDirectory: URL?

    /// `firstNumber` continues after segments already on disk (a restarted server never reuses a name);
    /// `resumeAtSeconds` says where their media timeline ended, per rendition.
    /// `partDuration` (seconds) turns on low-latency parts.
    public init(targetDuration: Double = 6, partDuration: Double? = nil, firstNumber: Int = 1, resumeAtSeconds: [SafeName: Double] = [:]) {
        targetDurationMs = Int64((targetDuration * 1000).rounded())
        partDurationMs = partDuration.map { max(1, Int64(($0 * 1000).rounded())) }
        openNumber = firstNumber
        self.resumeAtSeconds = resumeAtSeconds
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
        if forwardsTaken {
            switch arrived.event {
            case .video, .videoConfig, .metadata: forwarded.append(.media(arrived))
            default: break
            }
        }
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
        case .codedAudio:
            // The listener converts non-AAC audio to AAC first (Live's `AudioToAAC`); none should get here.
            return []
        }
    }

    /// The media taken since the last call, for the transcoder.
    mutating func takeForwarded() -> [TranscoderInput] {
        defer { forwarded.removeAll(keepingCapacity: true) }
        return forwarded
    }

    /// The publisher went away: emit what is collected as the (short) last segment of the session.
    public mutating func endSession() -> [Output] {
        var out: [Output] = []
        if let cut = video?.cut(number: openNumber, nextDTS: nil), let video {
            out += Self.outputs(cut, rendition: video.rendition(frameRate: frameRate))
        }
        // Audio still owing earlier numbers gets them first, then the rest is the open segment.
        for pendingCut in audioCuts { out += cutAudio(number: pendingCut.number, nextDTS: nil) }
        out += cutAudio(number: openNumber, nextDTS: nil)
        if forwardsTaken, !rungs.isEmpty {
            // The rungs' encoders still hold pictures of this session: their last segments are cut when the
            // transcoder has encoded them (`endRungSessions`), on this session's timeline.
            closeRungs(lastNumber: openNumber)
            forwarded.append(.sessionEnded)
        } else {
            out += endRungs(lastNumber: openNumber)
        }
        audioCuts = []
        openSegmentStartMs = nil
        if !out.isEmpty { openNumber += 1 }
        nextBoundaryMs = nil
        audioOnlyBoundaryMs = nil
        video?.beginSession(discontinuity: true)
        audio?.beginSession(discontinuity: true)
        return out
    }

    private mutating func installVideo(_ config: AVCConfig) -> [Output] {
        let size = config.pictureSize ?? metadataSize ?? (0, 0)
        let track = CMAFTrack(timescale: UInt32(LiveSegmenter.videoTimescale), codecString: config.codecString,
                              media: .video(avcC: config.record, width: size.width, height: size.height))
        var fragmenter = video ?? TrackFragmenter(track: track, renditionID: LiveSegmenter.videoRendition, defaultSampleDuration: 3600)
        let isNew = video == nil
        let out = install(track, on: &fragmenter, isNew: isNew, frameRate: frameRate)
        video = fragmenter
        return out
    }

    private mutating func installAudio(_ config: AudioSpecificConfig) -> [Output] {
        let track = CMAFTrack(timescale: UInt32(config.sampleRate), codecString: config.codecString,
                              media: .audio(audioSpecificConfig: config.bytes, channels: config.channels, sampleRate: config.sampleRate))
        var fragmenter = audio ?? TrackFragmenter(track: track, renditionID: LiveSegmenter.audioRendition, defaultSampleDuration: 1024)
        let isNew = audio == nil
        let out = install(track, on: &fragmenter, isNew: isNew, frameRate: nil)
        audio = fragmenter
        return out
    }

    /// Gives `track` its own init name: `init-<openNumber>.mp4`, the first segment that will use it. If the
    /// rendition's previous init already holds that number (no segment was cut since), the number is
    /// skipped so the name never returns with other bytes (a CDN may still hold the old ones under that URL).
    mutating func install(_ track: CMAFTrack, on fragmenter: inout TrackFragmenter, isNew: Bool, frameRate: Rational?) -> [Output] {
        if fragmenter.initNumber == openNumber { openNumber += 1 }
        fragmenter.track = track
        fragmenter.initNumber = openNumber
        if isNew {
            if let seconds = resumeAtSeconds[fragmenter.renditionID] { fragmenter.resume(atSeconds: seconds) }
            fragmenter.beginSession(discontinuity: discontinuityNext)
        }
        return [.initSegment(fragmenter.rendition(frameRate: frameRate), number: openNumber, bytes: CMAFWriter.initSegment(track))]
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
                if frame.dts >= boundary, video!.pendingStart != nil || !video!.segmentParts.isEmpty {
                    if let cut = video!.cut(number: openNumber, nextDTS: dts) {
                        out += Self.outputs(cut, rendition: video!.rendition(frameRate: frameRate))
                    }
                    if audio != nil { audioCuts.append((frame.pts, openNumber)) }  // video-only: nothing to align
                    noteSourceCut(atMs: frame.pts, number: openNumber)
                    openNumber += 1
                    openSegmentStartMs = frame.pts
                }
                var next = boundary
                while next <= frame.dts { next += targetDurationMs }
                nextBoundaryMs = next
            } else {
                nextBoundaryMs = frame.dts + targetDurationMs
                noteSegmentOpened(atMs: frame.pts)
            }
        }
        if let partMs = partDurationMs, let last = video!.lastPendingDTS,
           video!.pendingDuration(until: dts + (dts - last)) > partMs * 90,
           let part = video!.cutPart(number: openNumber, nextDTS: dts) {
            out.append(.part(video!.rendition(frameRate: frameRate), part.0, bytes: part.1))
        }
        video!.append(dts: dts, compositionOffset: Int32(clamping: (frame.pts - frame.dts) * 90), isSync: frame.isKeyframe,
                      data: frame.data, receivedAt: receivedAt)
        return out
    }

    /// A cut as outputs: the low-latency last part (when there is one), then the segment.
    static func outputs(_ cut: (info: SegmentInfo, bytes: SegmentBytes, part: (PartInfo, [UInt8])?), rendition: Rendition) -> [Output] {
        var out: [Output] = []
        if let part = cut.part { out.append(.part(rendition, part.0, bytes: part.1)) }
        out.append(.segment(rendition, cut.info, bytes: cut.bytes))
        return out
    }
}

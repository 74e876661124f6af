import MediaCore

/// Passthrough (`--copy`): which streams can go into CMAF unchanged, and where segments are cut.
public struct CopyPlan: Hashable, Sendable {
    public var videoStream: Int?
    public var audioStream: Int?
    public var video: VideoRenditionPlan?
    public var audio: AudioRenditionPlan?
    public var segmentSeconds: Int
    public var duration: Double?

    /// Checks the source is H.264 (8-bit 4:2:0) and/or AAC; anything else needs a transcode.
    public static func make(source: SourceProbe, segmentSeconds: Int = 6) throws(IngestError) -> CopyPlan {
        let video = source.primaryVideo
        let sound = source.primaryAudio
        guard video != nil || sound != nil else { throw .noMediaStreams(path: source.path) }
        var plan = CopyPlan(videoStream: video?.index, audioStream: sound?.index, segmentSeconds: segmentSeconds,
                            duration: source.duration)
        if let video {
            guard video.codec == "h264" else { throw .cannotCopy(path: source.path, reason: "video is \(video.codec), not H.264") }
            if let depth = video.bitDepth, depth > 8 { throw .cannotCopy(path: source.path, reason: "video is \(depth)-bit") }
            if let format = video.pixelFormat, !["yuv420p", "yuvj420p"].contains(format) {
                throw .cannotCopy(path: source.path, reason: "video pixel format is \(format), not 8-bit 4:2:0")
            }
            if video.isInterlaced { throw .cannotCopy(path: source.path, reason: "video is interlaced") }
            guard let width = video.width, let height = video.height, width > 0, height > 0 else {
                throw .unreadableVideo(path: source.path, reason: "no picture size")
            }
            let kbps = (video.bitRate ?? 0) / 1000
            plan.video = VideoRenditionPlan(id: SafeName("video-\(height)p")!, width: width, height: height,
                                            frameRate: video.frameRate ?? Rational(0, 1), bitrateKbps: kbps, maxrateKbps: kbps,
                                            bufferKbits: 0, profile: .high)
        }
        if let sound {
            guard sound.codec == "aac" else { throw .cannotCopy(path: source.path, reason: "audio is \(sound.codec), not AAC") }
            let settings = AudioSettings(bitrateKbps: (sound.bitRate ?? 0) / 1000, sampleRate: sound.sampleRate ?? 0,
                                         channels: sound.channels ?? 0)
            plan.audio = AudioRenditionPlan(id: SafeName("audio")!, settings: settings)
        }
        return plan
    }

    /// Segment starts (seconds) chosen from the source's keyframe times: for each multiple of the target
    /// duration, the keyframe nearest to it (later than the previous cut). The first keyframe always starts
    /// segment 1. Pure, so the choice is unit-tested.
    public static func cutTimes(keyframes: [Double], segmentSeconds: Int) -> [Double] {
        let sorted = Array(Set(keyframes)).sorted()
        guard let first = sorted.first, let last = sorted.last else { return [] }
        let length = Double(segmentSeconds)
        var cuts = [first]
        var target = length
        while target < last + length / 2 {
            let previous = cuts[cuts.count - 1]
            let later = sorted.filter { $0 > previous }
            guard let nearest = later.min(by: { abs($0 - target) < abs($1 - target) }) else { break }
            // No segment shorter than half the target, except the last one.
            if nearest - previous >= length / 2 { cuts.append(nearest) }
            target += length
        }
        return cuts
    }
}

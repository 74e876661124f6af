import FFmpegKit

/// Pass one of `--copy`: the video keyframe times (for the cuts) and how far each stream reaches before
/// the source's start (for the presentation lead), seconds from the source start.
struct SourceScan {
    var keyframes: [Double] = []
    /// The earliest video decode time: minus x264's (or any encoder's) B-frame reorder delay.
    var firstVideoDecode = 0.0
    /// The earliest audio time: minus the AAC priming the container's edit list hides, or audio that
    /// simply starts before the video (MPEG-TS).
    var firstAudio = 0.0
    /// The first audio packet's leading bytes (an ADTS header, when the container carries no AAC config).
    var firstAudioBytes: [UInt8] = []
    /// The first video keyframe (its parameter sets, when the container carries no H.264 config).
    var firstKeyframeBytes: [UInt8] = []

    /// Audio that starts this much before the video at most is kept (priming and small leads); more is
    /// sound with no picture, dropped as before.
    static let longestAudioLead = 0.1

    /// The lead both tracks get, and how many silent AAC frames of `audioFrameSeconds` (nil: the audio
    /// cannot be padded) go before the audio so it starts at 0 like the video.
    ///
    /// The lead is at least the audio's priming and the video's reorder delay (`PresentationLead`). When
    /// the video's is longer (B-frames: 33-80 ms against AAC's 21 ms), the copied audio would start after
    /// 0; the packager maps each rendition's first segment start to the period start, so it is padded
    /// with whole silent frames and the lead rounded up to match.
    func lead(audioFrameSeconds: Double?) -> (lead: PresentationLead, silentFrames: Int) {
        let priming = -firstAudio <= Self.longestAudioLead ? max(-firstAudio, 0) : 0
        let reorder = max(-firstVideoDecode, 0)
        guard let frame = audioFrameSeconds, frame > 0, reorder > priming else {
            return (PresentationLead(audioPriming: priming, videoReorder: reorder), 0)
        }
        let count = Int(((reorder - priming) / frame - 1e-9).rounded(.up))
        return (PresentationLead(audioPriming: priming + Double(count) * frame, videoReorder: reorder), count)
    }

    static func read(_ input: InputFile, video: Int?, audio: Int?, origin: Double) throws -> SourceScan {
        var scan = SourceScan()
        let packet = Packet()
        let videoBase = video.map { input.timeBase(ofStream: $0).value } ?? 0
        let audioBase = audio.map { input.timeBase(ofStream: $0).value } ?? 0
        var readVideo = false
        var readAudio = false
        while try input.readPacket(into: packet) {
            if packet.streamIndex == video {
                if packet.isKeyframe, let pts = packet.pts {
                    if scan.keyframes.isEmpty { scan.firstKeyframeBytes = packet.bytes }
                    scan.keyframes.append(Double(pts) * videoBase - origin)
                }
                if let dts = packet.dts ?? packet.pts {
                    let t = Double(dts) * videoBase - origin
                    scan.firstVideoDecode = readVideo ? min(scan.firstVideoDecode, t) : t
                    readVideo = true
                }
            } else if packet.streamIndex == audio, let pts = packet.pts {
                let t = Double(pts) * audioBase - origin
                scan.firstAudio = readAudio ? min(scan.firstAudio, t) : t
                if !readAudio { scan.firstAudioBytes = Array(packet.bytes.prefix(16)) }
                readAudio = true
            }
        }
        return scan
    }
}

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

    /// The lead both tracks get: the larger of the video's reorder delay and the audio's priming.
    var lead: PresentationLead {
        let priming = -firstAudio <= Self.longestAudioLead ? max(-firstAudio, 0) : 0
        return PresentationLead(audioPriming: priming, videoReorder: max(-firstVideoDecode, 0))
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

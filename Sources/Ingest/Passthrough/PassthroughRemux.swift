import FFmpegKit
import Foundation
import MediaCore

/// `--copy`: an H.264/AAC source rewrapped into CMAF without re-encoding. Pass one reads the video
/// keyframe times; pass two writes every packet, cutting video at the chosen keyframes and audio at the
/// first packet at or after each video cut, so the renditions stay aligned.
public struct PassthroughRemux {
    public var plan: CopyPlan

    public init(plan: CopyPlan) {
        self.plan = plan
    }

    public func run(source path: String, into directory: URL, cancellation: CancellationFlag = CancellationFlag(),
                    progress: (TranscodeProgress) -> Void = { _ in }) throws -> [RenditionIndex] {
        let scanned = try InputFile(path: path)
        let origin = (plan.videoStream ?? plan.audioStream).flatMap { scanned.startTime(ofStream: $0) } ?? 0
        let scan = try SourceScan.read(scanned, video: plan.videoStream, audio: plan.audioStream, origin: origin)
        let cuts = CopyPlan.cutTimes(keyframes: scan.keyframes.filter { $0 >= -0.001 }, segmentSeconds: plan.segmentSeconds)
        // Pass two opens the file again: seeking back to the start skips an MP4's priming packet (it lies
        // before the edit list's start), and the priming is what keeps the first real sample in place.
        let input = try InputFile(path: path)
        let tracks = try makeTracks(input: input, directory: directory, cuts: cuts, origin: origin, scan: scan)
        let packet = Packet()
        let started = Date()
        var lastReport = Date.distantPast
        while try input.readPacket(into: packet) {
            if cancellation.isCancelled { throw IngestError.cancelled }
            guard let track = tracks.first(where: { $0.streamIndex == packet.streamIndex }) else { continue }
            try track.write(packet)
            if Date().timeIntervalSince(lastReport) >= 0.25 {
                lastReport = Date()
                let done = tracks.map(\.writtenSeconds).min() ?? 0
                progress(TranscodeProgress(encodedSeconds: done, totalSeconds: plan.duration, frames: 0,
                                           elapsed: lastReport.timeIntervalSince(started)))
            }
        }
        var result: [RenditionIndex] = []
        for track in tracks {
            try track.writer.finish()
            result.append(try RenditionIndexer.index(track.template, directory: track.writer.directory,
                                                     segmentCount: track.writer.segmentCount))
        }
        return result
    }

    private func makeTracks(input: InputFile, directory: URL, cuts: [Double], origin: Double,
                            scan: SourceScan) throws -> [CopyTrack] {
        var tracks: [CopyTrack] = []
        let (lead, silentFrameCount) = scan.lead(audioFrameSeconds: try paddableAudio(input: input, scan: scan))
        if let stream = plan.videoStream, let video = plan.video {
            // MP4 sources carry an avcC; MPEG-TS ones Annex B parameter sets (libavformat extracts them
            // while probing), else they are taken from the first keyframe.
            var config = input.codecExtradata(ofStream: stream)
            if config.isEmpty { config = AnnexB.parameterSets(in: scan.firstKeyframeBytes) }
            guard let codecs = EncodedCodec.avc1(annexB: config) else {
                throw IngestError.cannotCopy(path: input.path, reason: "no H.264 parameter sets (SPS/PPS) found in the stream")
            }
            let template = Rendition(id: video.id, kind: .video, codecs: codecs, peakBitrate: 0, averageBitrate: 0,
                                     timescale: 0, width: video.width, height: video.height,
                                     frameRate: video.frameRate.numerator > 0 ? video.frameRate : nil)
            tracks.append(try CopyTrack(input: input, stream: stream, template: template, directory: directory,
                                        cuts: cuts, origin: origin, lead: lead, keyframesOnly: true,
                                        codecConfig: config == input.codecExtradata(ofStream: stream) ? nil : config))
        }
        if let stream = plan.audioStream, let audio = plan.audio {
            let (config, adts) = try audioConfig(input: input, stream: stream, scan: scan)
            guard let codecs = CodecString.mp4a(audioSpecificConfig: config) else {
                throw IngestError.cannotCopy(path: input.path, reason: "no AAC configuration in the container or the stream")
            }
            let silence = try silentFrames(count: silentFrameCount, config: config, settings: audio.settings)
            let template = Rendition(id: audio.id, kind: .audio, codecs: codecs, peakBitrate: 0, averageBitrate: 0,
                                     timescale: 0, sampleRate: audio.settings.sampleRate, channels: audio.settings.channels)
            // Audio-only sources have no video cuts: cut on the plain 6 s grid.
            let audioCuts = cuts.isEmpty ? nil : cuts
            tracks.append(try CopyTrack(input: input, stream: stream, template: template, directory: directory,
                                        cuts: audioCuts ?? [], origin: origin, lead: lead, keyframesOnly: false,
                                        gridSeconds: audioCuts == nil ? plan.segmentSeconds : nil,
                                        codecConfig: adts ? config : nil, stripsADTS: adts, silence: silence))
        }
        return tracks
    }

    /// Seconds per AAC frame when the copied audio can be padded with silent frames of FFmpeg's encoder
    /// (AAC-LC, mono or stereo); nil otherwise (HE-AAC, other codecs: the audio then starts after 0).
    private func paddableAudio(input: InputFile, scan: SourceScan) throws -> Double? {
        guard let stream = plan.audioStream, let settings = plan.audio?.settings, settings.sampleRate > 0,
              let config = try? audioConfig(input: input, stream: stream, scan: scan).config, config.count >= 2 else { return nil }
        let objectType = config[0] >> 3
        let channels = (config[1] >> 3) & 0x0F
        guard objectType == 2, (1...2).contains(channels), Int(channels) == settings.channels else { return nil }
        return 1024 / Double(settings.sampleRate)
    }

    private func silentFrames(count: Int, config: [UInt8], settings: AudioSettings) throws -> [[UInt8]] {
        guard count > 0 else { return [] }
        return try Encoder.silentAACFrames(count: count, sampleRate: settings.sampleRate, channels: settings.channels)
    }

    /// The AudioSpecificConfig: the container's, or (MPEG-TS) built from the first ADTS header, in which
    /// case every packet's ADTS header is stripped on the way.
    private func audioConfig(input: InputFile, stream: Int, scan: SourceScan) throws -> (config: [UInt8], adts: Bool) {
        let stored = input.codecExtradata(ofStream: stream)
        guard stored.isEmpty, let header = ADTSHeader(scan.firstAudioBytes) else { return (stored, false) }
        guard header.rawFrames == 1 else {
            throw IngestError.cannotCopy(path: input.path, reason: "its ADTS frames hold \(header.rawFrames) AAC frames each")
        }
        return (header.audioSpecificConfig, true)
    }
}

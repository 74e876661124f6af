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
        let tracks = try makeTracks(input: input, directory: directory, cuts: cuts, origin: origin, lead: scan.lead)
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
                            lead: PresentationLead) throws -> [CopyTrack] {
        var tracks: [CopyTrack] = []
        if let stream = plan.videoStream, let video = plan.video {
            guard let codecs = EncodedCodec.avc1(annexB: input.codecExtradata(ofStream: stream)),
                  CodecString.avc1(avcC: input.codecExtradata(ofStream: stream)) != nil else {
                throw IngestError.cannotCopy(path: input.path, reason: "the container does not carry the H.264 configuration (avcC)")
            }
            let template = Rendition(id: video.id, kind: .video, codecs: codecs, peakBitrate: 0, averageBitrate: 0,
                                     timescale: 0, width: video.width, height: video.height,
                                     frameRate: video.frameRate.numerator > 0 ? video.frameRate : nil)
            tracks.append(try CopyTrack(input: input, stream: stream, template: template, directory: directory,
                                        cuts: cuts, origin: origin, lead: lead, keyframesOnly: true))
        }
        if let stream = plan.audioStream, let audio = plan.audio {
            guard let codecs = CodecString.mp4a(audioSpecificConfig: input.codecExtradata(ofStream: stream)) else {
                throw IngestError.cannotCopy(path: input.path, reason: "the container does not carry the AAC configuration")
            }
            let template = Rendition(id: audio.id, kind: .audio, codecs: codecs, peakBitrate: 0, averageBitrate: 0,
                                     timescale: 0, sampleRate: audio.settings.sampleRate, channels: audio.settings.channels)
            // Audio-only sources have no video cuts: cut on the plain 6 s grid.
            let audioCuts = cuts.isEmpty ? nil : cuts
            tracks.append(try CopyTrack(input: input, stream: stream, template: template, directory: directory,
                                        cuts: audioCuts ?? [], origin: origin, lead: lead, keyframesOnly: false,
                                        gridSeconds: audioCuts == nil ? plan.segmentSeconds : nil))
        }
        return tracks
    }
}

/// One copied stream: shifts timestamps to the common origin and cuts at the planned times.
final class CopyTrack {
    let streamIndex: Int
    let template: Rendition
    let writer: RenditionWriter
    private let timeBase: Rational
    private let originTicks: Int64
    private let leadTicks: Int64
    private let cutTicks: [Int64]
    private let keyframesOnly: Bool
    private let grid: Bool
    // Segment 1 opens with the first packet written (audio priming may come before the first cut).
    private var nextCut = 1
    private(set) var writtenSeconds = 0.0

    init(input: InputFile, stream: Int, template: Rendition, directory: URL, cuts: [Double], origin: Double,
         lead: PresentationLead, keyframesOnly: Bool, gridSeconds: Int? = nil) throws {
        streamIndex = stream
        self.template = template
        let timeBase = input.timeBase(ofStream: stream)
        self.timeBase = timeBase
        originTicks = Int64((origin / timeBase.value).rounded())
        leadTicks = Int64((lead.seconds / timeBase.value).rounded())
        cutTicks = cuts.map { Int64(($0 / timeBase.value).rounded()) }
        self.keyframesOnly = keyframesOnly
        grid = gridSeconds != nil
        writer = try RenditionWriter(id: template.id, directory: directory.appendingPathComponent(template.id.rawValue),
                                     muxer: FragmentedMP4Writer(copying: input, streamIndex: stream), timeBase: timeBase,
                                     segmentSeconds: gridSeconds ?? 6)
    }

    /// Writes one source packet: moved to the output timeline (source start + lead), cut as planned.
    func write(_ packet: Packet) throws {
        packet.shiftTimestamps(by: -originTicks)
        // Video from the source's start and its first keyframe on; audio from the lead on (its priming).
        guard let pts = packet.pts, pts >= (keyframesOnly ? 0 : -leadTicks) else { return }
        if keyframesOnly, writer.segmentCount == 0, !packet.isKeyframe { return }
        let first = writer.segmentCount == 0
        packet.shiftTimestamps(by: leadTicks)
        // A first picture decoded after 0 (its lead is longer than the reorder delay) is decoded at 0.
        if first, keyframesOnly, let dts = packet.dts, dts > 0 { packet.setDecodeTimestamp(0) }
        if grid {
            try writer.write(packet, cuttable: true)
        } else {
            var cut = false
            // A video cut falls exactly on a keyframe; audio cuts at its first packet at or after it.
            while nextCut < cutTicks.count, pts >= cutTicks[nextCut] {
                if keyframesOnly, !packet.isKeyframe { break }
                cut = true
                nextCut += 1
            }
            try writer.write(packet, startingSegment: cut && !first)
        }
        writtenSeconds = max(writtenSeconds, Double(pts + packet.duration) * timeBase.value)
    }
}

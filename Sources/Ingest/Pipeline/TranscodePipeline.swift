import FFmpegKit
import Foundation
import MediaCore

/// Decode the source once, fan each picture out to one encoding thread per rung, encode audio once, and
/// write every rendition as CMAF into `directory/<rendition>/`. Returns the verified segment index.
public struct TranscodePipeline {
    public var plan: IngestPlan
    public var settings: TranscodeSettings

    public init(plan: IngestPlan, settings: TranscodeSettings = TranscodeSettings()) {
        self.plan = plan
        self.settings = settings
    }

    public func run(source path: String, into directory: URL, cancellation: CancellationFlag = CancellationFlag(),
                    progress: (TranscodeProgress) -> Void = { _ in }) throws -> [RenditionIndex] {
        let input = try InputFile(path: path)
        let topPixels = plan.video.map { $0.width * $0.height }.max() ?? 0
        let audio = try plan.audio.map {
            try AudioTrack(plan: $0, segmentSeconds: plan.segmentSeconds, directory: directory.appendingPathComponent($0.id.rawValue))
        }
        let workers = try plan.video.map {
            try VideoRungWorker(plan: $0, preparation: plan.preparation, settings: settings,
                                keyframeInterval: plan.keyframeInterval, timescale: plan.videoTimescale,
                                encoderThreads: settings.threads(forPixels: $0.width * $0.height, topPixels: topPixels),
                                segmentSeconds: plan.segmentSeconds,
                                directory: directory.appendingPathComponent($0.id.rawValue), flag: cancellation)
        }
        let lead = PresentationLead(audioPriming: audio?.primingSeconds ?? 0,
                                    videoReorder: workers.map(\.reorderSeconds).max() ?? 0)
        audio?.lead = lead
        for worker in workers { worker.leadTicks = lead.ticks(timescale: plan.videoTimescale) }
        let group = DispatchGroup()
        for worker in workers {
            group.enter()
            let thread = Thread { worker.run(); group.leave() }
            thread.name = "ingest-\(worker.plan.id)"
            thread.start()
        }
        var demux = try Demuxer(input: input, plan: plan, workers: workers, audio: audio, flag: cancellation)
        do {
            try demux.run(progress: progress)
        } catch {
            cancellation.fail(error)
        }
        for worker in workers {
            if cancellation.isCancelled { worker.queue.abandon() } else { worker.queue.close() }
        }
        group.wait()
        if let failure = cancellation.firstFailure { throw failure }
        if cancellation.isCancelled { throw IngestError.cancelled }
        try audio?.finish()
        return try index(workers: workers, audio: audio, directory: directory, input: input)
    }

    private func index(workers: [VideoRungWorker], audio: AudioTrack?, directory: URL, input: InputFile) throws -> [RenditionIndex] {
        var result: [RenditionIndex] = []
        for worker in workers {
            guard let codecs = EncodedCodec.avc1(annexB: worker.encoder.extradata) else {
                throw IngestError.outputMismatch(rendition: worker.plan.id.rawValue, reason: "the encoder produced no SPS")
            }
            let p = worker.plan
            let template = Rendition(id: p.id, kind: .video, codecs: codecs, peakBitrate: 0, averageBitrate: 0,
                                     timescale: Int32(plan.videoTimescale), width: p.width, height: p.height, frameRate: p.frameRate)
            result.append(try RenditionIndexer.index(template, directory: directory.appendingPathComponent(p.id.rawValue),
                                                     segmentCount: worker.writer.segmentCount))
        }
        if let audio {
            guard let codecs = CodecString.mp4a(audioSpecificConfig: audio.encoder.extradata) else {
                throw IngestError.outputMismatch(rendition: audio.plan.id.rawValue, reason: "the encoder produced no AudioSpecificConfig")
            }
            let s = audio.plan.settings
            let template = Rendition(id: audio.plan.id, kind: .audio, codecs: codecs, peakBitrate: 0, averageBitrate: 0,
                                     timescale: Int32(s.sampleRate), sampleRate: s.sampleRate, channels: s.channels)
            result.append(try RenditionIndexer.index(template, directory: directory.appendingPathComponent(audio.plan.id.rawValue),
                                                     segmentCount: audio.writer.segmentCount))
        }
        return result
    }
}

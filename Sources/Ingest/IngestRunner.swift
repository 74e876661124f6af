import FFmpegKit
import Foundation
import MediaCore

/// What one ingest should do, independent of where the request came from (CLI flags, the admin API's
/// job queue).
public struct IngestRequest: Sendable {
    public var source: String
    public var ladder: [LadderRung]
    public var audio: AudioSettings
    public var segmentSeconds: Int
    public var maxFrameRate: Double
    public var settings: TranscodeSettings
    /// Rewrap H.264/AAC without re-encoding instead of transcoding the ladder.
    public var copy: Bool

    public init(source: String, ladder: [LadderRung], audio: AudioSettings = .standard, segmentSeconds: Int = 6,
                maxFrameRate: Double = LadderPlanner.maximumFrameRate, settings: TranscodeSettings = TranscodeSettings(),
                copy: Bool = false) {
        self.source = source
        self.ladder = ladder
        self.audio = audio
        self.segmentSeconds = segmentSeconds
        self.maxFrameRate = maxFrameRate
        self.settings = settings
        self.copy = copy
    }
}

/// The result: what the source held and the verified index of every rendition written to staging.
public struct IngestOutput: Sendable {
    public var probe: SourceProbe
    public var renditions: [RenditionIndex]
}

/// Probe, plan, then transcode (or remux with `copy`) into a staging folder. Publishing is the caller's
/// step, after this returns, so nothing partial is ever visible.
public enum IngestRunner {
    public static func run(_ request: IngestRequest, into staging: URL, cancellation: CancellationFlag = CancellationFlag(),
                           progress: (TranscodeProgress) -> Void = { _ in }) throws -> IngestOutput {
        do {
            return try transcode(request, into: staging, cancellation: cancellation, progress: progress)
        } catch let error as FFmpegError where error.code == -ENOSPC {
            throw IngestError.diskFull(path: error.subject ?? staging.path)
        }
    }

    private static func transcode(_ request: IngestRequest, into staging: URL, cancellation: CancellationFlag,
                                  progress: (TranscodeProgress) -> Void) throws -> IngestOutput {
        let probe = try InputFile.probe(path: request.source)
        let renditions: [RenditionIndex]
        if request.copy {
            let plan = try CopyPlan.make(source: probe, segmentSeconds: request.segmentSeconds)
            renditions = try PassthroughRemux(plan: plan).run(source: request.source, into: staging,
                                                              cancellation: cancellation, progress: progress)
        } else {
            let plan = try LadderPlanner.plan(source: probe, ladder: request.ladder, audio: request.audio,
                                              segmentSeconds: request.segmentSeconds, maxFrameRate: request.maxFrameRate)
            renditions = try TranscodePipeline(plan: plan, settings: request.settings)
                .run(source: request.source, into: staging, cancellation: cancellation, progress: progress)
        }
        // Posters are decoded from the source again (one frame), after the renditions are complete.
        try PosterPlan(renditions: renditions, durationSeconds: probe.duration)?.write(source: request.source, into: staging)
        return IngestOutput(probe: probe, renditions: renditions)
    }
}

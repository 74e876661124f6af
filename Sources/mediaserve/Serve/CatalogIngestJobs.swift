import Catalog
import Config
import FFmpegKit
import Foundation
import Ingest
import MediaCore
import Origin
import Storage

/// The server's ingest jobs: claimed from the catalog, transcoded in-process by the Ingest pipeline into
/// a staging folder, published into vod/ in one rename and recorded in the catalog, exactly as
/// `mediaserve ingest` does. The transcode runs on its own threads (it blocks), never on Swift's pool.
struct CatalogIngestJobs: IngestJobs {
    let catalog: Catalog
    let data: DataDirectory
    let ladder: LadderConfig
    let preset: String

    func claimNext() async throws -> ClaimedJob? {
        try catalog.claimNextJob().map { ClaimedJob(id: $0.id, asset: $0.assetID.rawValue, source: $0.sourcePath) }
    }

    func run(_ job: ClaimedJob, progress: @escaping @Sendable (Double) -> Void) async throws {
        let flag = CancellationFlag()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let thread = Thread {
                    continuation.resume(with: Result { try transcodeAndPublish(job, flag: flag, progress: progress) })
                }
                thread.name = "job-\(job.id)"
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }

    private func transcodeAndPublish(_ job: ClaimedJob, flag: CancellationFlag, progress: @escaping @Sendable (Double) -> Void) throws {
        guard let asset = job.asset.flatMap(AssetID.init) else { throw ServeError.badJob(id: job.id, reason: "it names no valid asset id") }
        let staging = try data.newStaging(job: "job-\(job.id)")
        let throttle = ProgressThrottle(catalog: catalog, job: job.id, report: progress)
        do {
            let output = try IngestRunner.run(request(source: job.source), into: staging, cancellation: flag, progress: throttle.update)
            // Files first (one rename), then the catalog; if the catalog refuses, the files go again.
            // Stamped with the catalog's next version (1, or after a delete of the id, the deleted one's + 1).
            try data.stampVersion(try catalog.nextVersion(of: asset), staging: staging)
            try data.publish(staging: staging, asset: asset, replace: false)
            do {
                let title = try catalog.job(id: job.id).flatMap { try? $0.decodeOptions(as: IngestJobOptions.self) }?.originalName
                try catalog.publishAsset(AssetRecord(id: asset, title: title, sourceProbe: output.probe), renditions: output.renditions,
                                         replace: false)
            } catch {
                _ = try? data.removeAsset(asset)
                throw error
            }
        } catch IngestError.cancelled {
            try? FileManager.default.removeItem(at: staging)
            throw CancellationError()
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    /// The same request `mediaserve ingest` makes from the configuration: ladder, audio, segment length,
    /// frame-rate cap and x264 preset (the loader already put a configured `ingest.preset` into the ladder).
    private func request(source: String) -> IngestRequest {
        IngestRequest(source: source, ladder: ladder.rungs,
                      audio: AudioSettings(bitrateKbps: ladder.audio.bitrateKbps, sampleRate: ladder.audio.sampleRate,
                                           channels: ladder.audio.channels),
                      segmentSeconds: max(Int(ladder.segmentSeconds.rounded()), 1), maxFrameRate: ladder.maxFrameRate,
                      settings: TranscodeSettings(preset: preset))
    }

    func finish(_ job: ClaimedJob) async throws {
        try catalog.finishJob(id: job.id)
        // The source is no longer needed once the asset is published.
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: job.source).deletingLastPathComponent())
    }

    /// The source stays in uploads/ so a person can requeue the job after fixing the cause.
    func fail(_ job: ClaimedJob, error: String) async throws {
        try catalog.failJob(id: job.id, error: error)
    }

    func counts() async throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try catalog.jobCounts().map { ($0.key.rawValue, $0.value) })
    }
}

/// Writes job progress to the catalog at most every whole percent (the pipeline reports per frame).
final class ProgressThrottle: @unchecked Sendable {
    private let catalog: Catalog
    private let job: String
    private let report: @Sendable (Double) -> Void
    private var last = -1.0
    private let lock = NSLock()

    init(catalog: Catalog, job: String, report: @escaping @Sendable (Double) -> Void) {
        self.catalog = catalog
        self.job = job
        self.report = report
    }

    func update(_ progress: TranscodeProgress) {
        guard let total = progress.totalSeconds, total > 0 else { return }
        let percent = min(99, (progress.encodedSeconds / total * 100).rounded(.down))
        lock.lock()
        let changed = percent > last
        if changed { last = percent }
        lock.unlock()
        guard changed else { return }
        try? catalog.updateJobProgress(id: job, percent: percent)
        report(percent)
    }
}

import Catalog
import Config
import Foundation
import Ingest
import MediaCore
import Storage

/// The server's ingest jobs: claimed from the catalog, transcoded in-process by the Ingest pipeline into
/// a staging folder and published through `AssetPublisher`, exactly as `mediaserve ingest` does. The
/// transcode runs on its own threads (it blocks), never on Swift's pool.
public struct CatalogIngestJobs: IngestJobs {
    let catalog: any CatalogStore
    let store: any MediaStore
    let ladder: LadderConfig
    let preset: String

    public init(catalog: any CatalogStore, store: any MediaStore, ladder: LadderConfig, preset: String) {
        self.catalog = catalog
        self.store = store
        self.ladder = ladder
        self.preset = preset
    }

    public func claimNext() async throws -> ClaimedJob? {
        try catalog.claimNextJob().map { ClaimedJob(id: $0.id, asset: $0.assetID.rawValue, source: $0.sourcePath) }
    }

    public func run(_ job: ClaimedJob, progress: @escaping @Sendable (Double) -> Void) async throws {
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
        guard let asset = job.asset.flatMap(AssetID.init) else { throw PublishingError.badJob(id: job.id, reason: "it names no valid asset id") }
        let throttle = ProgressThrottle(catalog: catalog, job: job.id, report: progress)
        let metadata = try catalog.job(id: job.id).flatMap { try? $0.decodeOptions(as: IngestJobOptions.self) }?.metadata
            ?? ContentMetadataChange()
        // Received on another node when the store is shared: fetched from it first.
        let source = try store.localUpload(URL(fileURLWithPath: job.source)).path
        do {
            try AssetPublisher(store: store, catalog: catalog).publish(asset: asset, job: "job-\(job.id)", replace: false) { staging in
                let output = try IngestRunner.run(IngestRequest(source: source, ladder: ladder, preset: preset), into: staging,
                                                  cancellation: flag, progress: throttle.update)
                return .init(record: AssetRecord(id: asset, title: metadata.title, sourceProbe: output.probe), renditions: output.renditions,
                             metadata: metadata)
            }
        } catch IngestError.cancelled {
            throw CancellationError()
        }
    }

    public func finish(_ job: ClaimedJob) async throws {
        try catalog.finishJob(id: job.id)
        // The source is no longer needed once the asset is published.
        store.discardUpload(URL(fileURLWithPath: job.source))
    }

    /// The source stays in uploads/ so a person can requeue the job after fixing the cause.
    public func fail(_ job: ClaimedJob, error: String) async throws {
        try catalog.failJob(id: job.id, error: error)
    }

    public func counts() async throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try catalog.jobCounts().map { ($0.key.rawValue, $0.value) })
    }
}

/// Writes job progress to the catalog at most every whole percent (the pipeline reports per frame).
final class ProgressThrottle: @unchecked Sendable {
    private let catalog: any CatalogStore
    private let job: String
    private let report: @Sendable (Double) -> Void
    private var last = -1.0
    private let lock = NSLock()

    init(catalog: any CatalogStore, job: String, report: @escaping @Sendable (Double) -> Void) {
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

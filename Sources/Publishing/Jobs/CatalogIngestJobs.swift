import Catalog
import Config
import Foundation
import Ingest
import MediaCore
import Storage

/// The server's ingest jobs: claimed from the catalog, transcoded in-process by the Ingest pipeline into
/// a staging folder and published through `AssetPublisher`, exactly as `mediaserve ingest` does. The
/// transcode runs on its own threads (it blocks), never on Swift's pool.
///
/// Every job is claimed under a lease (issue 14): `leaseSeconds` long, renewed every third of it while the
/// job runs. When a renewal finds the lease gone (this worker stalled past it and another took the job
/// over), the transcode is cancelled and the job is left to its new holder; the publish itself commits
/// only under a live lease, so one publish results however the workers race.
public struct CatalogIngestJobs: IngestJobs {
    let catalog: any CatalogStore
    let store: any MediaStore
    let ladder: LadderConfig
    let preset: String
    /// This worker's name in `jobs.lease_owner` (host, process and a random part: unique per process).
    let owner: String
    let leaseSeconds: Double

    public init(catalog: any CatalogStore, store: any MediaStore, ladder: LadderConfig, preset: String,
                owner: String = CatalogIngestJobs.defaultOwner(), leaseSeconds: Double = 30) {
        self.catalog = catalog
        self.store = store
        self.ladder = ladder
        self.preset = preset
        self.owner = owner
        self.leaseSeconds = leaseSeconds
    }

    /// `<host>-<pid>-<8 hex>`.
    public static func defaultOwner() -> String {
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        return "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(random)"
    }

    public func claimNext() async throws -> ClaimedJob? {
        try catalog.claimNextJob(lease: JobLeaseTerms(owner: owner, seconds: leaseSeconds)).map {
            ClaimedJob(id: $0.id, asset: $0.assetID.rawValue, source: $0.sourcePath, lease: $0.lease)
        }
    }

    public func run(_ job: ClaimedJob, progress: @escaping @Sendable (Double) -> Void) async throws {
        let flag = CancellationFlag()
        let heartbeat = job.lease.map { startHeartbeat($0, flag: flag) }
        defer { heartbeat?.task.cancel() }
        do {
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
        } catch {
            if heartbeat?.lost.isCancelled == true { throw CatalogError.leaseLost(job: job.id) }
            throw error
        }
        if heartbeat?.lost.isCancelled == true { throw CatalogError.leaseLost(job: job.id) }
    }

    /// Renews the lease every third of its length until cancelled; a lost lease cancels the transcode.
    /// A renewal that fails for another reason (the catalog briefly unreachable) is tried again at the
    /// next beat: the lease is three beats long.
    private func startHeartbeat(_ lease: JobLease, flag: CancellationFlag) -> (task: Task<Void, Never>, lost: CancellationFlag) {
        let lost = CancellationFlag()
        let catalog = self.catalog, seconds = leaseSeconds
        let task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(seconds / 3))
                if Task.isCancelled { return }
                do {
                    try catalog.renewJobLease(lease, seconds: seconds)
                } catch CatalogError.leaseLost {
                    lost.cancel()
                    flag.cancel()
                    return
                } catch {
                    continue
                }
            }
        }
        return (task, lost)
    }

    private func transcodeAndPublish(_ job: ClaimedJob, flag: CancellationFlag, progress: @escaping @Sendable (Double) -> Void) throws {
        guard let asset = job.asset.flatMap(AssetID.init) else { throw PublishingError.badJob(id: job.id, reason: "it names no valid asset id") }
        let throttle = ProgressThrottle(catalog: catalog, job: job.id, report: progress)
        let metadata = try catalog.job(id: job.id).flatMap { try? $0.decodeOptions(as: IngestJobOptions.self) }?.metadata
            ?? ContentMetadataChange()
        do {
            try AssetPublisher(store: store, catalog: catalog).publish(asset: asset, job: "job-\(job.id)", replace: false,
                                                                       lease: job.lease) { staging in
                let output = try IngestRunner.run(IngestRequest(source: job.source, ladder: ladder, preset: preset), into: staging,
                                                  cancellation: flag, progress: throttle.update)
                return .init(record: AssetRecord(id: asset, title: metadata.title, sourceProbe: output.probe), renditions: output.renditions,
                             metadata: metadata)
            }
        } catch IngestError.cancelled {
            throw CancellationError()
        }
    }

    /// A leased job already succeeded with its publish; one claimed without a lease is finished here.
    public func finish(_ job: ClaimedJob) async throws {
        let stillRunning = try job.lease == nil || catalog.job(id: job.id)?.state == .running
        if stillRunning { try catalog.finishJob(id: job.id) }
        // The source is no longer needed once the asset is published.
        store.discardUpload(URL(fileURLWithPath: job.source))
    }

    /// The source stays in uploads/ so a person can requeue the job after fixing the cause.
    /// A job whose lease moved to another worker is that worker's to finish or fail, not this one's.
    public func fail(_ job: ClaimedJob, error: String) async throws {
        if let lease = job.lease, let current = try catalog.job(id: job.id), current.lease != lease { return }
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

import Catalog
import Logging
import ServiceLifecycle

/// A claimed ingest job, as the worker pool sees it.
public struct ClaimedJob: Sendable {
    public var id: String
    public var asset: String?
    /// Path of the uploaded source file.
    public var source: String
    /// The worker's hold on this attempt (issue 14): renewed while it runs, checked by the publish.
    public var lease: JobLease?

    public init(id: String, asset: String?, source: String, lease: JobLease? = nil) {
        self.id = id
        self.asset = asset
        self.source = source
        self.lease = lease
    }
}

/// Where the worker pool reports progress and queue sizes (the origin's `/metrics`).
public protocol IngestJobMetrics: Sendable {
    func recordIngestProgress(worker: Int, percent: Double)
    func recordJobCounts(_ counts: [String: Int])
}

/// The job queue and the ingest pipeline behind the worker pool; implemented over Catalog + Ingest.
public protocol IngestJobs: Sendable {
    /// Takes the oldest queued job and marks it running (nil when the queue is empty).
    func claimNext() async throws -> ClaimedJob?
    /// Runs the ingest pipeline for the job in-process, reporting percent done (0-100); publishes on success.
    func run(_ job: ClaimedJob, progress: @escaping @Sendable (Double) -> Void) async throws
    func finish(_ job: ClaimedJob) async throws
    func fail(_ job: ClaimedJob, error: String) async throws
    /// Jobs by state, for `/metrics`.
    func counts() async throws -> [String: Int]
}

/// Runs queued ingest jobs, `workers` at a time (default one: a transcode already uses every core).
/// Workers poll the queue each `pollInterval` and wake at once when `wake()` is called after an upload.
/// On graceful shutdown a running job is cancelled; the catalog marks it interrupted at the next start
/// and it is retried then.
public final class IngestWorkerPool: Service, Sendable {
    let jobs: any IngestJobs
    let workers: Int
    let metrics: any IngestJobMetrics
    let logger: Logger
    let pollInterval: Duration
    private let doorbell = Doorbell()

    public init(jobs: any IngestJobs, workers: Int, metrics: any IngestJobMetrics, logger: Logger, pollInterval: Duration = .seconds(2)) {
        self.jobs = jobs
        self.workers = max(1, workers)
        self.metrics = metrics
        self.logger = logger
        self.pollInterval = pollInterval
    }

    /// Tells an idle worker that a job was queued.
    public func wake() { Task { await doorbell.ring() } }

    public func run() async throws {
        await recordCounts()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for worker in 0..<self.workers {
                    group.addTask { await self.workerLoop(worker) }
                }
            }
        }
    }

    private func workerLoop(_ worker: Int) async {
        while !Task.isCancelled {
            do {
                if let job = try await jobs.claimNext() {
                    await runOne(job, worker: worker)
                    continue
                }
            } catch {
                logger.error("job queue unavailable: \(error)")
            }
            await idle()
        }
    }

    /// Waits for a wake-up or the poll interval, whichever comes first.
    private func idle() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [doorbell] in await doorbell.wait() }
            group.addTask { [pollInterval] in try? await Task.sleep(for: pollInterval) }
            await group.next()
            group.cancelAll()
        }
    }

    private func runOne(_ job: ClaimedJob, worker: Int) async {
        logger.info("ingest job \(job.id) started", metadata: ["job": .string(job.id)])
        await recordCounts()
        let metrics = self.metrics
        do {
            try await jobs.run(job) { percent in metrics.recordIngestProgress(worker: worker, percent: percent) }
            try await jobs.finish(job)
            metrics.recordIngestProgress(worker: worker, percent: 100)
            logger.info("ingest job \(job.id) finished", metadata: ["job": .string(job.id)])
        } catch is CancellationError {
            logger.notice("ingest job \(job.id) interrupted by shutdown; it is retried at the next start")
        } catch CatalogError.leaseLost {
            logger.warning("ingest job \(job.id) abandoned: its lease lapsed and another worker runs it now")
        } catch {
            logger.error("ingest job \(job.id) failed: \(error)", metadata: ["job": .string(job.id)])
            try? await jobs.fail(job, error: String(describing: error))
        }
        await recordCounts()
    }

    private func recordCounts() async {
        if let counts = try? await jobs.counts() { metrics.recordJobCounts(counts) }
    }
}

/// Wakes every waiting worker; a waiter that is cancelled (poll interval elapsed) just returns.
actor Doorbell {
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { waiters.append($0) }
        } onCancel: {
            Task { await self.ring() }
        }
    }

    func ring() {
        let woken = waiters
        waiters.removeAll()
        for waiter in woken { waiter.resume() }
    }
}

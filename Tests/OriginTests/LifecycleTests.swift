import Foundation
import Logging
import MediaCore
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport
import Glibc
@testable import Origin
import Publishing
import Storage

/// Graceful shutdown lets a response in flight finish; the worker pool runs jobs one at a time.
@Suite struct LifecycleTests {
    @Test func gracefulShutdownFinishesAResponseInFlight() async throws {
        let data = try TempDataDirectory()
        defer { data.remove() }
        let size = 24 << 20
        try data.write("vod", "big", "video-360p", "seg-1.m4s", bytes: patternBytes(count: size))
        try data.stamp("big", "1\n")  // the stamp says which version the files are
        // The index lists the rendition (its kind gives the segment's Content-Type; unlisted renditions are 404).
        let index = StaticIndex(vod: [SafeName("big")!: MediaListing(renditions: [sampleRendition("video-360p", kind: .video)])])
        var logger = Logger(label: "lifecycle-test")
        logger.logLevel = .warning
        let server = OriginServer(configuration: OriginConfiguration(port: 0), dataDirectory: try DataDirectory(root: data.url),
                                  index: index, renderer: ListingText(), readiness: { nil }, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try server.makeApplication { continuation.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let socket = try SlowReader(port: port)
            try socket.send("GET /vod/big/video-360p/seg-1.m4s HTTP/1.1\r\nHost: a\r\n\r\n")
            var received = try await offPool { try socket.read(upTo: 256 * 1024) }
            await group.triggerGracefulShutdown()
            received += try await offPool { try socket.readToEnd() }
            let text = String(decoding: received.prefix(400), as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200"))
            let headerEnd = try #require(received.firstRange(of: Array("\r\n\r\n".utf8)))
            #expect(received.count - headerEnd.upperBound == size)
            try await tasks.waitForAll()
        }
    }

    @Test func workerPoolRunsQueuedJobsOneAtATimeAndRecordsOutcomes() async throws {
        let jobs = ScriptedJobs(ids: ["job-a", "job-b", "job-c"], failing: ["job-b"])
        let metrics = OriginMetrics()
        var logger = Logger(label: "pool-test")
        logger.logLevel = .critical
        let pool = IngestWorkerPool(jobs: jobs, workers: 1, metrics: metrics, logger: logger, pollInterval: .milliseconds(50))
        let group = ServiceGroup(configuration: .init(services: [pool], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let settled = await jobs.waitForOutcomes(3, timeout: .seconds(60))
            #expect(settled, "the pool recorded \(jobs.snapshot().finished) finished, \(jobs.snapshot().failed) failed in 60 s")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let outcome = jobs.snapshot()
        #expect(outcome.finished == ["job-a", "job-c"])
        #expect(outcome.failed == ["job-b"])
        #expect(outcome.maxConcurrent == 1)
        let text = metrics.exposition()
        #expect(text.contains(#"mediaserve_ingest_progress_percent{worker="0"} 100"#))
        #expect(text.contains(#"mediaserve_jobs{state="failed"}"#))
    }
}

/// A job queue whose jobs take a few milliseconds, report progress, and fail when listed in `failing`.
final class ScriptedJobs: IngestJobs, Sendable {
    struct State {
        var queue: [String]
        var running = 0
        var maxConcurrent = 0
        var finished: [String] = []
        var failed: [String] = []
    }
    private let state: Mutex<State>
    private let failing: Set<String>
    /// One element per recorded outcome (finish or fail), so the test waits on the pool's own events.
    private let outcomes: AsyncStream<Void>
    private let outcome: AsyncStream<Void>.Continuation

    init(ids: [String], failing: Set<String>) {
        state = Mutex(State(queue: ids))
        self.failing = failing
        (outcomes, outcome) = AsyncStream.makeStream()
    }

    func snapshot() -> State { state.withLock { $0 } }

    /// True once `count` outcomes were recorded, false when `timeout` passed first.
    func waitForOutcomes(_ count: Int, timeout: Duration) async -> Bool {
        let timer = Task { [outcome] in
            try? await Task.sleep(for: timeout)
            outcome.finish()
        }
        defer { timer.cancel() }
        var seen = 0
        for await _ in outcomes {
            seen += 1
            if seen == count { return true }
        }
        return false
    }

    func claimNext() async throws -> ClaimedJob? {
        state.withLock { state in
            guard !state.queue.isEmpty else { return nil }
            return ClaimedJob(id: state.queue.removeFirst(), asset: nil, source: "/dev/null")
        }
    }

    func run(_ job: ClaimedJob, progress: @escaping @Sendable (Double) -> Void) async throws {
        state.withLock { $0.running += 1; $0.maxConcurrent = max($0.maxConcurrent, $0.running) }
        defer { state.withLock { $0.running -= 1 } }
        for percent in stride(from: 25.0, through: 75, by: 25) {
            progress(percent)
            try await Task.sleep(for: .milliseconds(5))
        }
        if failing.contains(job.id) { throw OriginError.internalError("scripted failure") }
    }

    func finish(_ job: ClaimedJob) async throws {
        state.withLock { $0.finished.append(job.id) }
        outcome.yield()
    }
    func fail(_ job: ClaimedJob, error: String) async throws {
        state.withLock { $0.failed.append(job.id) }
        outcome.yield()
    }
    func counts() async throws -> [String: Int] {
        state.withLock { ["queued": $0.queue.count, "succeeded": $0.finished.count, "failed": $0.failed.count] }
    }
}

/// A blocking TCP client that reads at its own pace (to keep a response in flight).
final class SlowReader: Sendable {
    let fd: CInt

    init(port: Int) throws {
        fd = try Loopback.connect(port: port, receiveTimeoutSeconds: 20, receiveBuffer: 32 * 1024)
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
    }

    func read(upTo limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    /// Reads until the server closes the connection (it does after a graceful shutdown).
    func readToEnd() throws -> [UInt8] { try read(upTo: Int.max) }
}

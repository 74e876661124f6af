import Logging
import Synchronization

/// Takes the access-log line and the metrics of finished requests off the response's path: the
/// middleware queues a small value and returns; a detached task writes the lines (a write(2) each with
/// swift-log's stream handler) and records the counters. The task starts `drainDelay` after the first
/// request of a batch, not at once: a task started per request (when the writer had just caught up) cost a
/// thread wake-up, a futex pair and a task allocation per request on the event loop (perf, session 6).
/// `/metrics` flushes the queue first, so what it
/// shows includes every request answered before it. When the writer falls behind by `backlogLimit`
/// requests, the request that finds it so writes a batch itself: the queue never grows without bound.
final class RequestRecorder: Sendable {
    struct Finished: Sendable {
        var method: String
        var path: String
        var status: Int
        var bytes: Int
        var nanoseconds: Int64
        var requestID: String
        var kind: RouteKind
    }

    /// A request's duration in whole nanoseconds, as `Finished` records it.
    static func nanoseconds(_ elapsed: Duration) -> Int64 {
        elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }

    let logger: Logger
    let metrics: OriginMetrics
    let backlogLimit: Int
    private let pending = Mutex<(queue: [Finished], draining: Bool)>(([], false))
    /// Held while a batch is written, so `flush` returns only after every queued request is recorded.
    private let writing = Mutex<Void>(())

    /// How long the first request of a batch waits for others before the batch is written.
    let drainDelay: Duration

    init(logger: Logger, metrics: OriginMetrics, backlogLimit: Int = 4096, drainDelay: Duration = .milliseconds(20)) {
        self.logger = logger
        self.metrics = metrics
        self.backlogLimit = backlogLimit
        self.drainDelay = drainDelay
    }

    func record(_ finished: Finished) {
        let (startDrain, behind) = pending.withLock { pending -> (Bool, Bool) in
            pending.queue.append(finished)
            if pending.queue.count >= backlogLimit { return (false, true) }
            if pending.draining { return (false, false) }
            pending.draining = true
            return (true, false)
        }
        if behind { flush() }
        if startDrain {
            let delay = drainDelay
            Task.detached(priority: .utility) {
                try? await Task.sleep(for: delay)
                self.drain()
            }
        }
    }

    /// Records everything queued now, on the caller's thread.
    func flush() {
        writing.withLock { _ in
            while case let batch = take(), !batch.isEmpty { write(batch) }
        }
    }

    private func drain() {
        while true {
            let more = writing.withLock { _ -> Bool in
                let batch = pending.withLock { pending -> [Finished] in
                    let batch = pending.queue
                    pending.queue.removeAll(keepingCapacity: true)
                    if batch.isEmpty { pending.draining = false }
                    return batch
                }
                write(batch)
                return !batch.isEmpty
            }
            if !more { return }
        }
    }

    private func take() -> [Finished] {
        pending.withLock { pending in
            let batch = pending.queue
            pending.queue.removeAll(keepingCapacity: true)
            return batch
        }
    }

    private func write(_ batch: [Finished]) {
        metrics.recordRequests(batch)
        guard logger.logLevel <= .info else { return }
        for request in batch {
            logger.info("\(request.method) \(request.path) \(request.status) \(request.bytes)B \(request.nanoseconds / 1000)us",
                        metadata: ["request_id": .string(request.requestID), "kind": .string(request.kind.rawValue)])
        }
    }
}

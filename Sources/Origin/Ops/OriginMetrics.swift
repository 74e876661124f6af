import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// The origin's metrics, recorded through swift-metrics into a Prometheus registry owned by this server
/// (not the process-wide bootstrap, so several servers in one test process keep separate counts).
public final class OriginMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    /// Metric objects per (kind, status), made once: the factory's registry lookup is the costly part.
    private let requestMetrics = Mutex<[RequestKey: RequestMetrics]>([:])

    private struct RequestKey: Hashable {
        var kind: RouteKind
        var status: Int
    }

    private struct RequestMetrics: @unchecked Sendable {
        let requests: CoreMetrics.Counter
        let bytes: CoreMetrics.Counter
        let duration: CoreMetrics.Timer
    }

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Origin latencies live well under the default 5 ms first bucket; resolve them.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.registry = registry
        self.factory = factory
    }

    /// Finished requests (`RequestRecorder`'s batches): counted by route kind and status, bytes sent, each
    /// request's duration. The two counters move once per kind and status and batch, the durations each:
    /// per request, a string key, the lock and two counter updates were most of the recorder's work, a few
    /// percent of the server's CPU at 35,000 manifests a second (session 9).
    func recordRequests(_ batch: [RequestRecorder.Finished]) {
        var totals: [RequestKey: (metrics: RequestMetrics, count: Int, bytes: Int)] = [:]
        for request in batch {
            let key = RequestKey(kind: request.kind, status: request.status)
            var total = totals[key] ?? (metrics(for: key), 0, 0)
            total.count += 1
            total.bytes += max(0, request.bytes)
            total.metrics.duration.recordNanoseconds(request.nanoseconds)
            totals[key] = total
        }
        for total in totals.values {
            total.metrics.requests.increment(by: total.count)
            if total.bytes > 0 { total.metrics.bytes.increment(by: total.bytes) }
        }
    }

    private func metrics(for key: RequestKey) -> RequestMetrics {
        requestMetrics.withLock { cache -> RequestMetrics in
            if let known = cache[key] { return known }
            let kind = key.kind.rawValue
            let made = RequestMetrics(
                requests: CoreMetrics.Counter(label: "mediaserve_http_requests_total",
                                  dimensions: [("kind", kind), ("status", String(key.status))], factory: factory),
                bytes: CoreMetrics.Counter(label: "mediaserve_http_response_bytes_total", dimensions: [("kind", kind)], factory: factory),
                duration: CoreMetrics.Timer(label: "mediaserve_http_request_duration_seconds", dimensions: [("kind", kind)],
                                        factory: factory))
            cache[key] = made
            return made
        }
    }

    /// Jobs by state, as the catalog counts them.
    public func recordJobCounts(_ counts: [String: Int]) {
        for (state, count) in counts {
            Gauge(label: "mediaserve_jobs", dimensions: [("state", state)], factory: factory).record(count)
        }
    }

    /// Percent done (0-100) of the job a worker runs now; labelled by worker, not job, so the number of
    /// series stays fixed however many jobs the server has run.
    public func recordIngestProgress(worker: Int, percent: Double) {
        Gauge(label: "mediaserve_ingest_progress_percent", dimensions: [("worker", String(worker))], factory: factory)
            .record(percent)
    }

    /// Run before each exposition: gauges computed on demand (viewer figures) refresh themselves here.
    private let collectors = Mutex<[@Sendable () -> Void]>([])

    func addCollector(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// The Prometheus text exposition (format 0.0.4).
    public func exposition() -> String {
        for collect in collectors.withLock({ $0 }) { collect() }
        return registry.emitToString()
    }
}

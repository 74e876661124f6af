import Analytics
import Prometheus
import Synchronization

/// Viewer figures as Prometheus gauges: global ones, and concurrent viewers for at most `topAssets`
/// assets or streams (those with the most viewers now). A subject that drops out of the top is
/// unregistered, so the number of series stays bounded however many assets and sessions there are.
final class AnalyticsGauges: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let topAssets: Int
    private let perSubject = Mutex<[String: Gauge]>([:])
    private let concurrent: Gauge
    private let active: Gauge
    private let startupP50: Gauge
    private let startupP95: Gauge
    private let rebuffer: Gauge
    private let failures: Gauge
    private let exits: Gauge

    init(registry: PrometheusCollectorRegistry, topAssets: Int) {
        self.registry = registry
        self.topAssets = topAssets
        concurrent = registry.makeGauge(name: "mediaserve_viewers_concurrent", help: "Sessions heard from in the last 30 s, not ended")
        active = registry.makeGauge(name: "mediaserve_viewer_sessions_recent", help: "Sessions heard from in the last few minutes")
        startupP50 = registry.makeGauge(name: "mediaserve_viewer_startup_seconds_p50", help: "Startup time p50 of recent sessions")
        startupP95 = registry.makeGauge(name: "mediaserve_viewer_startup_seconds_p95", help: "Startup time p95 of recent sessions")
        rebuffer = registry.makeGauge(name: "mediaserve_viewer_rebuffer_ratio", help: "Stall / (stall + playing) of recent sessions")
        failures = registry.makeGauge(name: "mediaserve_viewer_failures_recent", help: "Recent sessions that ended in a playback failure")
        exits = registry.makeGauge(name: "mediaserve_viewer_exits_before_start_recent", help: "Recent sessions that exited before video start")
    }

    /// Sets every gauge from the sessions in memory (those heard from in the last few minutes).
    func update(sessions: [PlaybackSession], now: Int64) {
        let summary = AnalyticsSummary(sessions: sessions, now: now)
        concurrent.set(Double(summary.concurrentViewers))
        active.set(Double(summary.sessions))
        startupP50.set(Double(summary.startupTimeMs?.p50 ?? 0) / 1000)
        startupP95.set(Double(summary.startupTimeMs?.p95 ?? 0) / 1000)
        rebuffer.set(summary.rebufferRatio ?? 0)
        failures.set(Double(summary.failures))
        exits.set(Double(summary.exitsBeforeVideoStart))
        let top = SubjectFigures.top(sessions, now: now, limit: topAssets).filter { $0.summary.concurrentViewers > 0 }
        perSubject.withLock { gauges in
            let keep = Set(top.map { "\($0.subject.kind.rawValue)/\($0.subject.id)" })
            for (key, gauge) in gauges where !keep.contains(key) {
                registry.unregisterGauge(gauge)
                gauges[key] = nil
            }
            for figures in top {
                let key = "\(figures.subject.kind.rawValue)/\(figures.subject.id)"
                let gauge = gauges[key] ?? registry.makeGauge(
                    name: "mediaserve_viewers_concurrent_by_subject",
                    labels: [("kind", figures.subject.kind.rawValue), ("id", figures.subject.id)],
                    help: "Concurrent viewers of the assets and streams with the most viewers")
                gauge.set(Double(figures.summary.concurrentViewers))
                gauges[key] = gauge
            }
        }
    }
}

/// One metric over time (`GET /api/v1/analytics/timeseries`), bucketed by `step`. Counts and startup
/// figures go to the bucket where the session began; concurrency is sampled at each bucket's end.
public enum TimeseriesMetric: String, Sendable, CaseIterable, Codable {
    case concurrent
    case plays
    case startupP50 = "startup_p50"
    case startupP95 = "startup_p95"
    case rebufferRatio = "rebuffer_ratio"
    case failures
    case exits
    case watchTime = "watch_time"
}

public struct TimeseriesPoint: Sendable, Hashable, Codable {
    /// Bucket start, ms since 1970.
    public var time: Int64
    /// Nil where the bucket has nothing to measure (no startups, no playing time).
    public var value: Double?
}

public struct TimeseriesQuery: Sendable, Hashable {
    public var metric: TimeseriesMetric
    public var from: Int64
    public var to: Int64
    public var step: Int64
    /// Upper bound on points per series, so a query cannot ask the server for millions of buckets.
    public static let maxPoints = 2_000

    public init(metric: TimeseriesMetric, from: Int64, to: Int64, step: Int64) throws(AnalyticsError) {
        guard to > from else { throw .badQuery("'to' must be after 'from'") }
        guard step >= 1_000 else { throw .badQuery("'step' must be at least 1 second") }
        guard (to - from) / step < Int64(Self.maxPoints) else {
            throw .badQuery("from..to / step gives more than \(Self.maxPoints) points: use a larger step")
        }
        self.metric = metric
        self.from = from
        self.to = to
        self.step = step
    }

    public func points(_ sessions: [PlaybackSession]) -> [TimeseriesPoint] {
        var buckets: [[PlaybackSession]] = Array(repeating: [], count: Int((to - from + step - 1) / step))
        if metric != .concurrent {
            for session in sessions where session.firstSeen >= from && session.firstSeen < to {
                buckets[Int((session.firstSeen - from) / step)].append(session)
            }
        }
        return buckets.enumerated().map { index, members in
            let start = from + Int64(index) * step
            return TimeseriesPoint(time: start, value: value(members, all: sessions, end: min(start + step, to)))
        }
    }

    private func value(_ members: [PlaybackSession], all: [PlaybackSession], end: Int64) -> Double? {
        switch metric {
        case .concurrent: return Double(all.filter { QoE.isConcurrent($0, at: end) }.count)
        case .plays: return Double(members.filter(QoE.isPlay).count)
        case .startupP50: return QoE.percentile(members.compactMap(\.startupMs), 50).map(Double.init)
        case .startupP95: return QoE.percentile(members.compactMap(\.startupMs), 95).map(Double.init)
        case .rebufferRatio:
            return QoE.rebufferRatio(stallMs: members.reduce(0) { $0 + $1.stallMs }, playingMs: members.reduce(0) { $0 + $1.playingMs })
        case .failures: return Double(members.filter(QoE.failed).count)
        case .exits: return Double(members.filter { QoE.exitedBeforeStart($0, now: end) }.count)
        case .watchTime: return Double(members.reduce(Int64(0)) { $0 + QoE.watchMs($1) }) / 1000
        }
    }
}

/// Per-subject figures for the dashboard's table and the bounded Prometheus top-N.
public struct SubjectFigures: Sendable, Hashable, Codable {
    public var subject: PlaybackSubject
    public var summary: AnalyticsSummary

    /// Subjects ordered by concurrent viewers, then plays; at most `limit`.
    public static func top(_ sessions: [PlaybackSession], now: Int64, limit: Int) -> [SubjectFigures] {
        let grouped = Dictionary(grouping: sessions, by: \.subject)
        return grouped.map { SubjectFigures(subject: $0.key, summary: AnalyticsSummary(sessions: $0.value, now: now)) }
            .sorted {
                ($0.summary.concurrentViewers, $0.summary.plays, $1.subject.id) > ($1.summary.concurrentViewers, $1.summary.plays, $0.subject.id)
            }
            .prefix(limit).map { $0 }
    }
}

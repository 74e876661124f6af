/// The figures of `GET /api/v1/analytics/summary` for a set of sessions: see `QoE` for each definition.
public struct AnalyticsSummary: Sendable, Hashable, Codable {
    public var sessions: Int
    public var plays: Int
    public var concurrentViewers: Int
    public var exitsBeforeVideoStart: Int
    public var failures: Int
    /// failures / sessions that requested playback or played.
    public var playbackFailureRate: Double?
    public var exitBeforeVideoStartRate: Double?
    public var startupTimeMs: Distribution?
    /// Over all sessions: total stall / (total stall + total playing).
    public var rebufferRatio: Double?
    /// Per session, p50/p95 of each session's own ratio.
    public var sessionRebufferRatio: RatioDistribution?
    public var stallCount: Int
    public var watchTimeSeconds: Double
    public var playingTimeSeconds: Double
    /// Time-weighted over playing time, bit/s.
    public var averageBitrate: Int?
    /// Share of playing time per rendition bitrate (bit/s as text -> 0...1).
    public var renditionDistribution: [String: Double]

    public struct Distribution: Sendable, Hashable, Codable {
        public var count: Int
        public var mean: Double
        public var p50: Int64
        public var p95: Int64

        public init(count: Int, mean: Double, p50: Int64, p95: Int64) {
            self.count = count
            self.mean = mean
            self.p50 = p50
            self.p95 = p95
        }
    }

    public struct RatioDistribution: Sendable, Hashable, Codable {
        public var p50: Double
        public var p95: Double
    }

    /// `now` (server ms) decides concurrency and silent exits.
    public init(sessions list: [PlaybackSession], now: Int64) {
        sessions = list.count
        plays = list.filter(QoE.isPlay).count
        concurrentViewers = list.filter { QoE.isConcurrent($0, at: now) }.count
        exitsBeforeVideoStart = list.filter { QoE.exitedBeforeStart($0, now: now) }.count
        failures = list.filter(QoE.failed).count
        let attempts = list.filter { $0.requestedAt != nil || QoE.isPlay($0) || $0.errorCount > 0 }.count
        playbackFailureRate = attempts > 0 ? Double(failures) / Double(attempts) : nil
        exitBeforeVideoStartRate = attempts > 0 ? Double(exitsBeforeVideoStart) / Double(attempts) : nil
        let startups = list.compactMap(\.startupMs)
        if !startups.isEmpty {
            startupTimeMs = Distribution(count: startups.count,
                                         mean: Double(startups.reduce(0, +)) / Double(startups.count),
                                         p50: QoE.percentile(startups, 50)!, p95: QoE.percentile(startups, 95)!)
        }
        let stall = list.reduce(Int64(0)) { $0 + $1.stallMs }
        let playing = list.reduce(Int64(0)) { $0 + $1.playingMs }
        rebufferRatio = QoE.rebufferRatio(stallMs: stall, playingMs: playing)
        // Ratios scaled to parts per million so the integer percentile serves them too.
        let ratios = list.compactMap { QoE.rebufferRatio(stallMs: $0.stallMs, playingMs: $0.playingMs) }.map { Int64(($0 * 1e6).rounded()) }
        if !ratios.isEmpty {
            sessionRebufferRatio = RatioDistribution(p50: Double(QoE.percentile(ratios, 50)!) / 1e6,
                                                     p95: Double(QoE.percentile(ratios, 95)!) / 1e6)
        }
        stallCount = list.reduce(0) { $0 + $1.stallCount }
        watchTimeSeconds = Double(list.reduce(Int64(0)) { $0 + QoE.watchMs($1) }) / 1000
        playingTimeSeconds = Double(playing) / 1000
        let weighted = list.reduce(0.0) { $0 + $1.bitrateMsProduct }
        let timed = list.reduce(Int64(0)) { $0 + ($1.bitrateMsProduct > 0 ? $1.playingMs : 0) }
        averageBitrate = timed > 0 ? Int((weighted / Double(timed)).rounded()) : nil
        var perRendition: [Int: Int64] = [:]
        for session in list { perRendition.merge(session.renditionMs, uniquingKeysWith: +) }
        let total = perRendition.values.reduce(0, +)
        renditionDistribution = total > 0
            ? Dictionary(uniqueKeysWithValues: perRendition.map { (String($0.key), Double($0.value) / Double(total)) }) : [:]
    }
}

import Analytics
import Foundation
import Hummingbird

/// `GET /api/v1/analytics/summary`, `/timeseries` and `/sessions` (admin key). `from`/`to` are epoch ms or
/// ISO 8601 (default: the last hour up to now), `step` is seconds (default 60). `/sessions` lists the
/// sessions themselves (newest first, at most `limit`, default 100), so a support person or a test can
/// find one viewer's session by the id its player sent (event `sessionId` or CMCD `sid`).
struct AnalyticsQueryRoutes: Sendable {
    let recorder: AnalyticsRecorder

    func register(on api: RouterGroup<OriginRequestContext>) {
        api.get("analytics/summary") { request, _ in
            let window = try Self.window(request)
            let summary = try recorder.summary(subject: try Self.subject(request), from: window.from, to: window.to)
            return try AdminAPIRoutes.json(SummaryBody(from: window.from, to: window.to, summary: summary))
        }
        api.get("analytics/timeseries") { request, _ in
            let window = try Self.window(request)
            guard let name = request.uri.queryParameters["metric"].map(String.init), let metric = TimeseriesMetric(rawValue: name) else {
                throw OriginError.badRequest("metric must be one of \(TimeseriesMetric.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let step = try request.uri.queryParameters["step"].map { raw -> Int64 in
                guard let seconds = Int64(raw), seconds > 0 else { throw OriginError.badRequest("step must be a whole number of seconds") }
                return seconds * 1000
            } ?? 60_000
            let query: TimeseriesQuery
            do {
                query = try TimeseriesQuery(metric: metric, from: window.from, to: window.to, step: step)
            } catch {
                throw OriginError.badRequest("\(error)")
            }
            let sessions = try recorder.sessions(subject: try Self.subject(request), from: window.from, to: window.to)
            return try AdminAPIRoutes.json(TimeseriesBody(metric: metric.rawValue, step: step / 1000, points: query.points(sessions)))
        }
        api.get("analytics/sessions") { request, _ in
            let window = try Self.window(request)
            let limit = try request.uri.queryParameters["limit"].map { raw -> Int in
                guard let limit = Int(raw), (1...Self.maxSessionsListed).contains(limit) else {
                    throw OriginError.badRequest("limit must be a whole number from 1 to \(Self.maxSessionsListed)")
                }
                return limit
            } ?? 100
            let sessions = try recorder.sessions(subject: try Self.subject(request), from: window.from, to: window.to)
            let newest = sessions.sorted { ($0.lastSeen, $0.id) > ($1.lastSeen, $1.id) }
            return try AdminAPIRoutes.json(SessionsBody(from: window.from, to: window.to, total: newest.count,
                                                        sessions: Array(newest.prefix(limit))))
        }
    }

    /// The most sessions one `/sessions` answer lists (the summary covers any number).
    static let maxSessionsListed = 1000

    struct SessionsBody: Encodable {
        var from: Int64
        var to: Int64
        /// Sessions in the window, of which `sessions` holds the newest `limit`.
        var total: Int
        var sessions: [PlaybackSession]
    }

    struct SummaryBody: Encodable {
        var from: Int64
        var to: Int64
        var summary: AnalyticsSummary
    }

    struct TimeseriesBody: Encodable {
        var metric: String
        var step: Int64
        var points: [TimeseriesPoint]
    }

    static func subject(_ request: Request) throws -> PlaybackSubject? {
        let asset = request.uri.queryParameters["asset"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let stream = request.uri.queryParameters["stream"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        switch (asset, stream) {
        case (nil, nil): return nil
        case (let asset?, nil): return .asset(asset)
        case (nil, let stream?): return .stream(stream)
        default: throw OriginError.badRequest("give asset or stream, not both")
        }
    }

    static func window(_ request: Request) throws -> (from: Int64, to: Int64) {
        let now = AnalyticsFeatures.nowMilliseconds()
        let to = try time(request, "to") ?? now
        let from = try time(request, "from") ?? (to - 3_600_000)
        guard from < to else { throw OriginError.badRequest("'from' must be before 'to'") }
        return (from, to)
    }

    static func time(_ request: Request, _ name: String) throws -> Int64? {
        guard let raw = request.uri.queryParameters[name[...]].map(String.init), !raw.isEmpty else { return nil }
        if let ms = Int64(raw), ms >= 0 { return ms }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = raw.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: raw) else {
            throw OriginError.badRequest("'\(name)' must be epoch milliseconds or an ISO 8601 date-time")
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}

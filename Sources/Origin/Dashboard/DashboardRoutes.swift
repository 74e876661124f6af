import Analytics
import Foundation
import Hummingbird

/// `/dashboard` (admin key, HTTP Basic password): viewer figures over a chosen range as server-drawn
/// charts and a per-asset table; the page reloads itself every 5 s, so a viewer of the preview sees
/// their own session appear.
struct DashboardRoutes: Sendable {
    let recorder: AnalyticsRecorder
    let apiKey: String?

    /// `?range=` choices: span and bucket (ms).
    static let ranges: [(name: String, span: Int64, step: Int64)] = [
        ("15m", 900_000, 15_000), ("1h", 3_600_000, 60_000), ("6h", 21_600_000, 300_000), ("24h", 86_400_000, 900_000),
    ]

    func register(on router: Router<OriginRequestContext>) {
        router.group("dashboard").add(middleware: DashboardAuthMiddleware(apiKey: apiKey)).get { request, _ in
            let name = request.uri.queryParameters["range"].map(String.init) ?? "15m"
            guard let range = Self.ranges.first(where: { $0.name == name }) else {
                throw OriginError.badRequest("range must be one of \(Self.ranges.map(\.name).joined(separator: ", "))")
            }
            let now = AnalyticsFeatures.nowMilliseconds()
            let to = now - now % range.step + range.step
            let from = to - range.span
            let sessions = try recorder.sessions(subject: nil, from: from, to: now)
            let page = DashboardPage(sessions: sessions, from: from, to: to, step: range.step, now: now,
                                     rangeName: range.name, rangeNames: Self.ranges.map(\.name)).html()
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: CachePolicy.noStore.headerValue],
                            body: .init(byteBuffer: .init(string: page)))
        }
    }
}

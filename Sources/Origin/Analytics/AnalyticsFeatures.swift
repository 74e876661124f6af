import Analytics
import Foundation

/// What the origin needs for viewer analytics and the content API (issue 16); nil in `OriginServer`
/// turns both off.
public struct AnalyticsFeatures: Sendable {
    /// Nil (`analytics.enabled: false`): no events endpoint, CMCD crediting, queries or dashboard.
    public var recorder: AnalyticsRecorder?
    /// The content API's catalogue; nil leaves `/api/v1/content` and asset metadata routes out.
    public var content: (any ContentCatalog)?
    /// `content_api.public`: false puts the content API behind the admin key.
    public var contentPublic: Bool
    /// `analytics.country_header`: the request header a CDN puts the viewer's country in (nil: none).
    public var countryHeader: String?
    /// `analytics.metrics_top_assets`: how many assets get their own Prometheus series.
    public var metricsTopAssets: Int

    public init(recorder: AnalyticsRecorder?, content: (any ContentCatalog)?, contentPublic: Bool = true,
                countryHeader: String? = "CF-IPCountry", metricsTopAssets: Int = 10) {
        self.recorder = recorder
        self.content = content
        self.contentPublic = contentPublic
        self.countryHeader = countryHeader
        self.metricsTopAssets = metricsTopAssets
    }

    /// The server clock in ms, as the recorder counts time.
    static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

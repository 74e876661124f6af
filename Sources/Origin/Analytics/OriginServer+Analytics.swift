import Analytics
import Hummingbird

extension OriginServer {
    /// Playback events, CMCD on media requests, analytics queries, the dashboard, the content API and
    /// posters, and the viewer gauges on `/metrics`.
    func registerAnalytics(_ analytics: AnalyticsFeatures, on router: Router<OriginRequestContext>) {
        let auth = BearerAuthMiddleware(apiKey: configuration.apiKey, limiter: adminLimiter, metrics: metrics)
        if let recorder = analytics.recorder {
            router.add(middleware: CMCDMiddleware(recorder: recorder, countryHeader: analytics.countryHeader))
            PlaybackEventRoutes(recorder: recorder, countryHeader: analytics.countryHeader).register(on: router)
            AnalyticsQueryRoutes(recorder: recorder)
                .register(on: router.group("api/v1").add(middleware: auth))
            DashboardRoutes(recorder: recorder, apiKey: configuration.apiKey).register(on: router)
            let gauges = AnalyticsGauges(registry: metrics.registry, topAssets: analytics.metricsTopAssets)
            metrics.addCollector { gauges.update(sessions: recorder.activeSessions(), now: AnalyticsFeatures.nowMilliseconds()) }
        }
        if let content = analytics.content {
            ContentRoutes(catalog: content, isPublic: analytics.contentPublic, auth: auth,
                          store: store, files: files).register(on: router)
        }
    }
}

import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Storage

/// The origin's HTTP application: middleware (request id + access log + metrics, path guard, CORS) in
/// front of the media, ops, admin API and preview routes.
public struct OriginServer: Sendable {
    public let configuration: OriginConfiguration
    public let metrics: OriginMetrics
    let media: MediaRoutes
    let ops: OpsRoutes
    let api: AdminAPIRoutes?
    let preview: PreviewRoutes
    let logger: Logger
    let handoff: FileRegionHandoff?
    /// Extra services run beside the HTTP server and shut down with it (the ingest worker pool).
    let services: [any Service]

    public init(
        configuration: OriginConfiguration, dataDirectory: DataDirectory, index: any MediaIndex, renderer: any ManifestRendering,
        readiness: @escaping @Sendable () async -> String?, admin: (any AdminBackend)? = nil,
        liveStreams: @escaping @Sendable () async throws -> [AssetSummary] = { [] },
        services: [any Service] = [], metrics: OriginMetrics = OriginMetrics(),
        clock: @escaping @Sendable () -> Double = OriginClock.system, protection: ProtectionService? = nil, logger: Logger
    ) {
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.services = services
        let handoff = configuration.useSendfile ? FileRegionHandoff() : nil
        self.handoff = handoff
        let files = FileResponder(handoff: handoff, chunkLength: configuration.segmentChunkBytes)
        let media = MediaRoutes(store: dataDirectory, index: index, renderer: renderer, files: files, clock: clock,
                                protection: protection)
        self.media = media
        let root = dataDirectory.root
        ops = OpsRoutes(metrics: metrics, clock: clock) {
            if let problem = await readiness() { return problem }
            return OpsRoutes.dataDirectoryWritable(root)
        }
        api = admin.map { AdminAPIRoutes(backend: $0, configuration: configuration, media: media) }
        preview = PreviewRoutes(configuration: configuration, files: files) {
            PreviewCatalog(assets: try await admin?.listAssets() ?? [], live: try await liveStreams())
        }
    }

    func makeRouter() -> Router<OriginRequestContext> {
        let router = Router(context: OriginRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: AccessLogMiddleware(logger: logger, metrics: metrics))
        router.add(middleware: PathGuardMiddleware())
        router.add(middleware: CORSHeadersMiddleware(allowOrigin: configuration.corsAllowOrigin))
        media.register(on: router)
        ops.register(on: router)
        api?.register(on: router)
        preview.register(on: router)
        return router
    }

    /// The Hummingbird application; `onListening` gets the bound port (useful with port 0).
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let handoff = self.handoff
        var app = Application(
            router: makeRouter(),
            server: .http1(configuration: .init(
                additionalChannelHandlers: handoff.map { [$0.installer()] } ?? [],
                idleTimeout: .seconds(75))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "mediaserve"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        app.addServices(contentsOf: services)
        return app
    }
}

extension Application {
    mutating func addServices(contentsOf services: [any Service]) {
        for service in services { addServices(service) }
    }
}

import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
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
    /// Open connections, in all and per address, shared by every connection of this server.
    public let admission: ConnectionAdmission
    /// Extra services run beside the HTTP server and shut down with it (the ingest worker pool).
    let services: [any Service]
    /// Access control on `/vod/` and `/live/` (issue 12); nil serves every item publicly.
    let access: AccessGate?
    let adminLimiter = FailedAuthLimiter()
    /// Access-log lines and request metrics, written off the response's path.
    let recorder: RequestRecorder
    /// Viewer analytics and the content API (issue 16); nil leaves them out.
    let analytics: AnalyticsFeatures?
    let store: any MediaStore
    let files: FileResponder
    /// VOD GET/HEAD answered on the event loop from memory (plain HTTP with sendfile only); nil when off.
    let fastPath: MediaFastPath?

    public init(
        configuration: OriginConfiguration, dataDirectory: DataDirectory, store: (any MediaStore)? = nil,
        index: any MediaIndex, renderer: any ManifestRendering,
        readiness: @escaping @Sendable () async -> String?, admin: (any AdminBackend)? = nil,
        liveStreams: @escaping @Sendable () async throws -> [AssetSummary] = { [] },
        services: [any Service] = [], metrics: OriginMetrics = OriginMetrics(), access: AccessGate? = nil,
        clock: @escaping @Sendable () -> Double = OriginClock.system, analytics: AnalyticsFeatures? = nil, protection: ProtectionService? = nil, logger: Logger
    ) {
        self.access = access
        self.analytics = analytics
        // Published media: the data directory unless another store (an S3 bucket, issue 14) is given.
        let store = store ?? dataDirectory
        self.store = store
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        self.services = services
        let recorder = RequestRecorder(logger: logger, metrics: metrics)
        self.recorder = recorder
        // sendfile(2) writes plain bytes: never under TLS.
        let handoff = configuration.useSendfile && configuration.tls == nil ? FileRegionHandoff() : nil
        self.handoff = handoff
        admission = ConnectionAdmission(limits: configuration.connections.fitted(toDescriptorLimit: Self.descriptorLimit()))
        let files = FileResponder(handoff: handoff, chunkLength: configuration.segmentChunkBytes)
        self.files = files
        let media = MediaRoutes(store: store, index: index, renderer: renderer, files: files, clock: clock,
                                protection: protection, keyAccess: access.map { GatedKeyAccess(gate: $0) })
        self.media = media
        if let protection { EncryptedCacheMetrics.register(protection.encryptedObjects, on: metrics) }
        let root = dataDirectory.root
        ops = OpsRoutes(metrics: metrics, recorder: recorder, clock: clock) {
            if let problem = await readiness() { return problem }
            return OpsRoutes.dataDirectoryWritable(root)
        }
        if configuration.useFastPath, handoff != nil, let cached = index as? any CachedMediaIndex {
            fastPath = MediaFastPath(
                media: media, index: cached, access: access, cors: CORSHeadersMiddleware(allowOrigin: configuration.corsAllowOrigin),
                cmcd: analytics?.recorder.map { CMCDMiddleware(recorder: $0, countryHeader: analytics?.countryHeader) },
                recorder: recorder, serverName: Self.serverName,
                answers: ManifestAnswerCache(maxEntries: configuration.manifestAnswerCacheEntries,
                                             maxBytes: configuration.manifestAnswerCacheBytes))
        } else {
            fastPath = nil
        }
        api = admin.map {
            AdminAPIRoutes(backend: $0, configuration: configuration, media: media, access: access, content: analytics?.content)
        }
        preview = PreviewRoutes(configuration: configuration, files: files) {
            PreviewCatalog(assets: try await admin?.listAssets() ?? [], live: try await liveStreams())
        }
    }

    func makeRouter() -> Router<OriginRequestContext> {
        let router = Router(context: OriginRequestContext.self, options: .autoGenerateHeadEndpoints)
        // Outermost, so errors turned into responses by the access log (404, 403, 5xx) carry it too.
        if configuration.tls != nil { router.add(middleware: HSTSMiddleware()) }
        router.add(middleware: AccessLogMiddleware(recorder: recorder))
        router.add(middleware: PathGuardMiddleware())
        if configuration.opsOnly {
            ops.register(on: router)
            return router
        }
        if let access { router.add(middleware: AccessMiddleware(gate: access, metrics: metrics)) }
        router.add(middleware: CORSHeadersMiddleware(allowOrigin: configuration.corsAllowOrigin))
        if let analytics { registerAnalytics(analytics, on: router) }
        router.add(middleware: MediaMethodsMiddleware())
        media.register(on: router)
        ops.register(on: router)
        api?.register(on: router, limiter: adminLimiter, metrics: metrics)
        preview.register(on: router)
        return router
    }

    /// The Hummingbird application; `onListening` gets the bound port (useful with port 0).
    /// With `configuration.tls`: HTTPS with HTTP/2 and HTTP/1.1 by ALPN, certificate reload on SIGHUP,
    /// and the optional redirect port.
    public func makeApplication(onListening: @escaping @Sendable (Int) async -> Void = { _ in },
                                onRedirectListening: @escaping @Sendable (Int) async -> Void = { _ in })
        throws -> some ApplicationProtocol {
        let handoff = self.handoff
        let server: HTTPServerBuilder
        var extra = services
        if let tls = configuration.tls {
            // HTTPS keeps the connection limits and a handshake/first-request deadline (OriginTLSChannel).
            server = try .originTLS(tls.serverConfiguration(), limits: admission.limits, admission: admission, logger: logger)
            extra.append(CertificateReloadService(store: tls, logger: logger))
            if let redirectPort = configuration.redirectPort {
                extra.append(Application(
                    router: HTTPSRedirect.router(httpsPort: configuration.port),
                    configuration: .init(address: .hostname(configuration.host, port: redirectPort), serverName: "mediaserve"),
                    onServerRunning: { channel in await onRedirectListening(channel.localAddress?.port ?? 0) },
                    logger: logger))
            }
        } else {
            // Plain HTTP/1.1 through our own connection setup: connection limits, header/idle/write
            // timeouts and pipelining back-pressure (issue 17).
            let admission = self.admission, fastPath = self.fastPath
            server = .origin(limits: admission.limits, admission: admission, logger: logger,
                             additionalChannelHandlers: { handoff.map { [$0.installer()] } ?? [] },
                             lastHandler: { fastPath.flatMap { fastPath in handoff.map { FastPathHandler(fastPath: fastPath, handoff: $0) } } },
                             fastPath: fastPath)
        }
        var app = Application(
            router: makeRouter(),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: Self.serverName,
                                 backlog: Self.listenBacklog),
            onServerRunning: { channel in
                // Hummingbird offers no server-channel option but the backlog; set on the listening channel here.
                try? await channel.setOption(ChannelOptions.maxMessagesPerRead, value: Self.acceptsPerRead).get()
                await onListening(channel.localAddress?.port ?? 0)
            },
            logger: logger)
        app.addServices(contentsOf: extra)
        return app
    }
}

extension OriginServer {
    /// The `Server` header of every response.
    static let serverName = "mediaserve"

    /// Connections the kernel queues before they are accepted (capped by net.core.somaxconn). Hummingbird's
    /// default of 256 overflowed when 500 clients connected at once while the event loops were busy: the
    /// kernel dropped their handshakes' last ACK, and their first requests waited for a retransmission
    /// (~1 s; the p99 of 1-1.2 s at 500 connections in `make bench-origin`). nginx listens with 511.
    static let listenBacklog = 4096

    /// Connections accepted per read of the listening socket (NIO's default is 4). The accepting event loop
    /// also serves its share of the connections, and it took one batch per turn of the loop: with 250 busy
    /// keep-alive connections on it a turn took ~15 ms, so 500 clients connecting at once waited up to 2 s
    /// for their first answer (the p99 of ~1 s on manifests at 500 connections in `make bench-origin`;
    /// docs/perf-notes.md, session 7). nginx with `multi_accept` takes every pending connection at once.
    static let acceptsPerRead: UInt = 256

    /// The process's soft open-file limit (RLIMIT_NOFILE); the connection total is kept below it.
    static func descriptorLimit() -> Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < rlim_t(Int32.max) else { return Int(Int32.max) }
        return Int(limit.rlim_cur)
    }
}

extension Application {
    mutating func addServices(contentsOf services: [any Service]) {
        for service in services { addServices(service) }
    }
}

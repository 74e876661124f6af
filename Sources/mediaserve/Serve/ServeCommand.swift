import Analytics
import ArgumentParser
import Catalog
import CatalogPostgres
import Config
import Foundation
import Live
import LiveSegmenting
import LiveTranscoding
import Logging
import MediaCore
import Origin
import Publishing
import ServiceLifecycle
import Storage
import Synchronization

/// `mediaserve serve`: the HTTP origin (manifests, segments, admin API, metrics, preview page) and the
/// ingest worker pool, in one process. SIGTERM/SIGINT shut it down gracefully: the listener closes,
/// responses in flight finish, a running ingest job is stopped and retried at the next start.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve published assets as a CDN origin (HLS, DASH, segments), the admin API and a preview page.")

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "Address to listen on (overrides http.host).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (overrides http.port).")
    var port: Int?

    @Option(help: "What this node runs, comma-separated: origin, worker, live (overrides node.roles; default all three).")
    var roles: String?

    func run() async throws {
        do {
            try await serve()
        } catch {
            CLIExit.fail(error)
        }
    }

    private func serve() async throws {
        var extra = ConfigOverrides()
        if let host { extra.set("http.host", host, flag: "--host") }
        if let port { extra.set("http.port", String(port), flag: "--port") }
        if let roles { extra.set("node.roles", roles, flag: "--roles") }
        let loaded = try configOptions.load(extra: extra)
        let config = loaded.config
        var logger = Logger(label: "mediaserve.origin")
        logger.logLevel = loaded.loggerLevel
        let roles = try NodeRoles(names: config.node.roles)
        try AccessWiring.checkAdminKey(config)
        let certificates = try AccessWiring.certificates(config)
        if config.usesDevelopmentAPIKey, roles.contains(.origin) {
            logger.warning("the admin API uses the development key from the defaults: set api.key (MEDIASERVE_API_KEY) before exposing this server")
        }

        let stores = try DataStores.open(config)
        try stores.recoverInterruptedWork(roles: roles, logger: logger)
        try ConfiguredLiveStreams.sync(loaded, catalog: stores.catalog, logger: logger)
        let protection = try ServeProtection.make(config.drm, catalog: stores.catalog, logger: logger)
        let metrics = OriginMetrics()
        let pool = roles.contains(.worker) ? IngestWorkerPool(
            jobs: CatalogIngestJobs(catalog: stores.catalog, store: stores.media, ladder: loaded.ladder, preset: loaded.ladder.preset,
                                    leaseSeconds: Double(config.catalog.jobLeaseSeconds)),
            workers: config.ingest.workers, metrics: metrics, logger: Logger(label: "mediaserve.jobs", level: loaded.loggerLevel)) : nil
        let catalog = stores.catalog
        let liveService = roles.contains(.live) ? Self.liveService(config, store: stores.media, catalog: catalog, metrics: metrics, level: loaded.loggerLevel) : nil
        // Without the live role, live manifests come from the journals the live nodes write into the store.
        let live: any LiveListings = liveService?.streams ?? StoredLiveStreams(
            store: stores.media, configuration: Self.liveConfiguration(config),
            dvrWindow: { stream in (try? catalog.liveStream(id: stream)).flatMap { $0 }.map(LiveService.dvrWindow) },
            publishing: { ((try? catalog.listLiveStreams()) ?? []).filter { $0.state == .live }.map(\.id) })
        if let streams = liveService?.streams { metrics.followInputSwitches(of: streams) }
        let rtmpPort = ListenerPort()
        let srtPort = ListenerPort()
        let listeners = liveService.map { liveService in
            LiveListenersService(live: liveService) { ports in
                rtmpPort.value.withLock { $0 = ports.rtmp }
                Self.printRTMP(host: config.rtmp.host, port: ports.rtmp)
                if let port = ports.srt {
                    srtPort.value.withLock { $0 = port }
                    Self.printSRT(host: config.srt.host, port: port)
                }
            }
        }
        // Listings are checked against the store the media are in (an asset's files in the bucket when
        // `storage.url` names one), so a replace seen there is seen here.
        let vodIndex = CatalogMediaIndex(catalog: catalog, store: stores.media)
        // Other nodes' publishes, replaces and deletes drop this node's cached listings at once, and make
        // the bucket's pointer of the asset be read again.
        let changes = stores.postgres.map { [objectStore = stores.objectStore] in
            PostgresChangeListener(catalog: $0) { change in
                vodIndex.apply(change)
                objectStore?.apply(change)
            }
        }
        changes?.start()
        defer { changes?.stop() }
        let index = CombinedMediaIndex(vod: vodIndex, live: LiveMediaIndex(streams: live, isEvent: { stream in
            (try? catalog.liveStream(id: stream))??.eventMode == true
        }) { stream in
            (try? catalog.liveStream(id: stream))??.state == .ended
        })
        let admin = CatalogAdminBackend(catalog: catalog, data: stores.media, index: vodIndex,
                                        liveDVRWindowSeconds: config.live.dvrWindowSeconds,
                                        liveLowLatencyDefault: config.live.lowLatencyEnabled, live: liveService?.streams, rtmpPort: { rtmpPort.value.withLock { $0 } },
                                        srtPort: { srtPort.value.withLock { $0 } },
                                        publishingStreams: { live.publishingStreams }) { pool?.wake() }
        var origin = OriginConfiguration(
            host: config.http.host, port: config.http.port, corsAllowOrigin: config.http.corsAllowOrigin,
            maxUploadBytes: config.http.maxUploadBytes, apiKey: config.api.key,
            playerBaseURL: Self.playerBaseURL(config.player), playerDirectory: config.player.localDir.map { URL(fileURLWithPath: $0) },
            connections: HTTPConnectionLimits(
                maxConnections: config.http.maxConnections, maxConnectionsPerAddress: config.http.maxConnectionsPerAddress,
                headerTimeout: .seconds(config.http.headerTimeoutSeconds), idleTimeout: .seconds(config.http.idleTimeoutSeconds),
                writeTimeout: .seconds(config.http.writeTimeoutSeconds)))
        origin.tls = certificates
        origin.useFastPath = config.http.fastPath
        origin.manifestAnswerCacheEntries = config.http.manifestAnswerCacheEntries
        origin.manifestAnswerCacheBytes = config.http.manifestAnswerCacheMiB << 20
        origin.opsOnly = !roles.contains(.origin)
        origin.redirectPort = config.http.redirectPort > 0 ? config.http.redirectPort : nil
        let access = try await AccessWiring.gate(config, rules: CatalogAccessRules(catalog: catalog), index: index, logger: logger)
        let analytics = Self.analytics(config, catalog: catalog, level: loaded.loggerLevel)
        let server = OriginServer(
            configuration: origin, dataDirectory: stores.data, store: stores.media, index: index,
            renderer: PackagingRenderer(dvrWindowSeconds: Double(config.live.dvrWindowSeconds), hlsLiveSegmentCount: config.live.hlsWindowSegments),
            readiness: { [objectStore = stores.objectStore] in
                if let problem = Self.catalogProblem(catalog) { return problem }
                // Without it this node would not hear other nodes' replaces and deletes.
                if let changes, !changes.isListening { return "catalog change listener is not connected to PostgreSQL" }
                return await objectStore?.problem()
            }, admin: admin,
            liveStreams: { live.publishingStreams.map { AssetSummary(liveStream: $0, renditions: live.indexes(for: $0)) } },
            services: ([pool, listeners] as [(any Service)?]).compactMap { $0 } + (analytics.service.map { [$0] } ?? []),
            metrics: metrics, access: access,
            analytics: analytics.features, protection: protection, logger: logger)
        let scheme = certificates == nil ? "http" : "https"
        let app = try server.makeApplication { port in
            Self.printBanner(host: config.http.host, port: port, data: stores.data.root.path, scheme: scheme, roles: roles)
        }
        try await app.runService()
    }

    /// The recorder over the catalog (none when `analytics.enabled` is false), the routes' view of it and
    /// the loop that flushes and purges.
    static func analytics(_ config: MediaServeConfig, catalog: any ServerCatalog, level: Logger.Level)
        -> (features: AnalyticsFeatures, service: AnalyticsService?) {
        let settings = AnalyticsRecorder.Settings(
            batchesPerMinutePerAddress: config.analytics.batchesPerMinutePerAddress,
            batchesPerMinutePerSession: config.analytics.batchesPerMinutePerSession,
            sessionTTLDays: config.analytics.sessionTTLDays, eventTTLDays: config.analytics.eventTTLDays)
        let recorder = AnalyticsRecorder(store: catalog, settings: settings) {
            Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        }
        let features = AnalyticsFeatures(
            recorder: config.analytics.enabled ? recorder : nil, content: catalog, contentPublic: config.contentAPI.isPublic,
            countryHeader: config.analytics.countryHeader.isEmpty ? nil : config.analytics.countryHeader,
            metricsTopAssets: config.analytics.metricsTopAssets)
        return (features, config.analytics.enabled
            ? AnalyticsService(recorder: recorder, logger: Logger(label: "mediaserve.analytics", level: level)) : nil)
    }

    /// The address to print for a listener: a wildcard bind is reachable on this machine at 127.0.0.1.
    static func displayHost(_ host: String) -> String {
        host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
    }

    static func printRTMP(host: String, port: Int) {
        let text = "  RTMP       rtmp://\(displayHost(host)):\(port)/live/<stream-key>   (keys: POST /api/v1/live-streams or live.streams_file)\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func printSRT(host: String, port: Int) {
        let text = "  SRT        srt://\(displayHost(host)):\(port)?streamid=<stream-key>   (MPEG-TS; same keys as RTMP)\n"
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Where the preview page loads Video.js from: the configured URL, else /player/ when a local folder is
    /// served, else the same path (the page then says the player is missing).
    static func playerBaseURL(_ player: MediaServeConfig.Player) -> String {
        guard let url = player.scriptURL, !url.isEmpty else { return "/player/" }
        // player.script_url names video.min.js; the page also needs the CSS beside it.
        return url.hasSuffix("/") ? url : String(url[...(url.lastIndex(of: "/") ?? url.startIndex)])
    }

    static func catalogProblem(_ catalog: any CatalogStore) -> String? {
        do {
            _ = try catalog.jobCounts()
            return nil
        } catch {
            return "catalog is not readable: \(error)"
        }
    }

    static func printBanner(host: String, port: Int, data: String, scheme: String = "http", roles: NodeRoles = .all) {
        let shown = displayHost(host)
        let base = "\(scheme)://\(shown.contains(":") ? "[\(shown)]" : shown):\(port)"
        guard roles.contains(.origin) else {
            let text = """
                mediaserve: node roles \(roles) (no origin) using \(data), operations at \(base)/
                  health     \(base)/healthz  \(base)/readyz  \(base)/metrics  \(base)/time

                """
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        let text = """
            mediaserve: serving \(data) at \(base)/
              preview    \(base)/
              HLS        \(base)/vod/<asset>/master.m3u8
              DASH       \(base)/vod/<asset>/manifest.mpd
              admin API  \(base)/api/v1/assets   (Authorization: Bearer <api.key>; spec at /api/v1/openapi.yaml)
              health     \(base)/healthz  \(base)/readyz  \(base)/metrics  \(base)/time

            """
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

extension Logger {
    init(label: String, level: Logger.Level) {
        self.init(label: label)
        logLevel = level
    }
}

/// A listener's port (RTMP, SRT) once it is bound (the admin API shows it in publishing URLs).
final class ListenerPort: Sendable {
    let value = Mutex<Int?>(nil)
}

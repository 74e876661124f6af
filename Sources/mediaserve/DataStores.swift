import Analytics
import Catalog
import CatalogPostgres
import Config
import Foundation
import Logging
import Origin
import S3Storage
import Storage

/// Everything `serve` asks of a catalog, which both backends provide: the catalog seam, content keys,
/// analytics and the content API's metadata.
typealias ServerCatalog = CatalogStore & ContentKeyStore & AnalyticsStore & ContentCatalog

extension PostgresCatalog: ContentCatalog {}

/// The data directory and the catalog, opened from the configuration: what `serve`, `ingest` and
/// `assets` all start from, so they agree on where things live.
struct DataStores: Sendable {
    let data: DataDirectory
    let catalog: any ServerCatalog
    /// The same catalog when it is PostgreSQL (`catalog.url`): its change notices and its readiness.
    let postgres: PostgresCatalog?
    /// Where published media live: `data` itself, or an S3 bucket (`storage.url`, issue 14).
    let media: any MediaStore
    let objectStore: S3MediaStore?

    /// Opens (creating if needed) `data_dir` and the catalog (`data_dir/catalog.sqlite`, or the PostgreSQL
    /// database `catalog.url` names, migrated), and the bucket when `storage.url` names one. Safe for any
    /// command. `serving` has inotify watch the published folders for the origin's open-file cache.
    static func open(_ config: MediaServeConfig, serving: Bool = false,
                     environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DataStores {
        let data = try DataDirectory(root: config.dataDirectoryURL, watchFolders: serving)
        let postgres = try openPostgres(config.catalog)
        let catalog: any ServerCatalog = try postgres ?? Catalog(path: data.catalogFile)
        guard let url = config.storage.url else {
            return DataStores(data: data, catalog: catalog, postgres: postgres, media: data, objectStore: nil)
        }
        guard let location = try S3StorageLocation(url) else {
            throw StorageError.notWritable(path: url, reason: "storage.url must be s3://BUCKET/PREFIX (or null for data_dir)")
        }
        let cache = config.storage.cacheDir.map { URL(fileURLWithPath: $0) } ?? data.root.appendingPathComponent("cache")
        let store = try S3MediaStore.open(location: location, endpoint: config.storage.s3Endpoint, region: config.storage.s3Region,
                                          pathStyle: config.storage.s3PathStyle, cacheDirectory: cache,
                                          cacheMaxBytes: config.storage.cacheMaxBytes, work: data, environment: environment)
        return DataStores(data: data, catalog: catalog, postgres: postgres, media: store, objectStore: store)
    }

    /// The PostgreSQL catalog when `catalog.url` names one; nil keeps SQLite.
    private static func openPostgres(_ settings: MediaServeConfig.CatalogSettings) throws -> PostgresCatalog? {
        guard let url = settings.url else { return nil }
        do {
            guard let location = try PostgresLocation(url: url) else {
                throw CatalogError.cannotOpen(path: "catalog.url", reason: "it must be postgres://USER:PASS@HOST:PORT/DB (or null for data_dir/catalog.sqlite)")
            }
            return try PostgresCatalog(location: location)
        } catch let error as PostgresLocationError {
            throw CatalogError.cannotOpen(path: "catalog.url", reason: error.description)
        }
    }

    /// Start-up recovery of the long-running server, after a crash or kill, as far as this node's roles
    /// make it safe (issue 14):
    /// - staging/ is this node's own work space (jobs, live archives): emptied on every node;
    /// - jobs left `running` are put back in the queue only by a worker, and only while the catalog is
    ///   this node's own (SQLite in `data_dir`): no other process can be running them then (on PostgreSQL
    ///   a lapsed lease hands the job to another worker);
    /// - upload bodies no job names are removed only by an origin (the node that receives them), on its
    ///   own catalog for the same reason.
    /// A one-off command running beside a server must not call it: it would delete the server's work.
    func recoverInterruptedWork(roles: NodeRoles, logger: Logger) throws {
        let removed = try data.cleanStaging()
        let jobs = roles.contains(.worker) && !sharedCatalog ? try catalog.markInterruptedJobs() : InterruptedJobs(requeued: [], interrupted: [])
        if roles.contains(.origin) && !sharedCatalog { try removeOrphanUploads(logger: logger) }
        if roles.contains(.worker) { sweepBucket(logger: logger) }
        if removed > 0 || !jobs.requeued.isEmpty || !jobs.interrupted.isEmpty {
            logger.notice("recovered after an unclean stop", metadata: [
                "staging_removed": "\(removed)",
                "jobs_requeued": "\(jobs.requeued.count)",
                "jobs_interrupted": "\(jobs.interrupted.count)",
            ])
        }
    }

    /// Publishes into the bucket that crashed an hour or more ago leave folders no pointer names: deleted
    /// here (younger ones may be uploads in flight on another worker). A store that does not answer now
    /// is logged, not fatal: the next worker start tries again.
    func sweepBucket(logger: Logger) {
        guard let objectStore else { return }
        do {
            let removed = try objectStore.sweepUnfinishedPublishes(olderThan: Self.unfinishedPublishAge)
            if removed > 0 { logger.notice("deleted \(removed) folder(s) of unfinished publishes from the bucket") }
        } catch {
            logger.warning("could not sweep unfinished publishes from the bucket", metadata: ["error": "\(error)"])
        }
    }

    /// Seconds after which a publish marker counts as abandoned (no publish uploads for this long).
    static let unfinishedPublishAge: TimeInterval = 3_600

    /// True when other nodes use the same catalog (PostgreSQL, `catalog.url`): a job left `running` there
    /// may be another worker's, and goes back to the queue only when its lease lapses.
    var sharedCatalog: Bool { postgres != nil }
}

extension LoadedConfig {
    /// `log.level` as swift-log's level (the names are the same).
    var loggerLevel: Logger.Level { Logger.Level(rawValue: config.log.level.rawValue) ?? .info }
}

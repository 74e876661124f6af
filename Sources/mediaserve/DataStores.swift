import Catalog
import Config
import Foundation
import Logging
import S3Storage
import Storage

/// The data directory and the catalog in it, opened from the configuration: what `serve`, `ingest` and
/// `assets` all start from, so they agree on where things live.
struct DataStores: Sendable {
    let data: DataDirectory
    let catalog: Catalog
    /// Where published media live: `data` itself, or an S3 bucket (`storage.url`, issue 14).
    let media: any MediaStore
    let objectStore: S3MediaStore?

    /// Opens (creating if needed) `data_dir` and `data_dir/catalog.sqlite`, and the bucket when
    /// `storage.url` names one. Safe for any command.
    static func open(_ config: MediaServeConfig, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DataStores {
        let data = try DataDirectory(root: config.dataDirectoryURL)
        let catalog = try Catalog(path: data.catalogFile)
        guard let url = config.storage.url else {
            return DataStores(data: data, catalog: catalog, media: data, objectStore: nil)
        }
        guard let location = try S3StorageLocation(url) else {
            throw StorageError.notWritable(path: url, reason: "storage.url must be s3://BUCKET/PREFIX (or null for data_dir)")
        }
        let cache = config.storage.cacheDir.map { URL(fileURLWithPath: $0) } ?? data.root.appendingPathComponent("cache")
        let store = try S3MediaStore.open(location: location, endpoint: config.storage.s3Endpoint, region: config.storage.s3Region,
                                          pathStyle: config.storage.s3PathStyle, cacheDirectory: cache,
                                          cacheMaxBytes: config.storage.cacheMaxBytes, work: data, environment: environment)
        return DataStores(data: data, catalog: catalog, media: store, objectStore: store)
    }

    /// Start-up recovery of the long-running server, after a crash or kill, as far as this node's roles
    /// make it safe (issue 14):
    /// - staging/ is this node's own work space (jobs, live archives): emptied on every node;
    /// - jobs left `running` are put back in the queue only by a worker, and only while the catalog is
    ///   this node's own (SQLite in `data_dir`): no other process can be running them then;
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

    /// True when other nodes use the same catalog. The catalog is SQLite in `data_dir` today, one node's
    /// own; a PostgreSQL catalog (`catalog.url`) will be shared.
    var sharedCatalog: Bool { false }
}

extension LoadedConfig {
    /// `log.level` as swift-log's level (the names are the same).
    var loggerLevel: Logger.Level { Logger.Level(rawValue: config.log.level.rawValue) ?? .info }
}

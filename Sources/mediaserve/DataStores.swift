import Catalog
import Config
import Foundation
import Logging
import Storage

/// The data directory and the catalog in it, opened from the configuration: what `serve`, `ingest` and
/// `assets` all start from, so they agree on where things live.
struct DataStores: Sendable {
    let data: DataDirectory
    let catalog: Catalog

    /// Opens (creating if needed) `data_dir` and `data_dir/catalog.sqlite`. Safe for any command.
    static func open(_ config: MediaServeConfig) throws -> DataStores {
        let data = try DataDirectory(root: config.dataDirectoryURL)
        return DataStores(data: data, catalog: try Catalog(path: data.catalogFile))
    }

    /// Start-up recovery of the long-running server, after a crash or kill: deletes staging/ (partial
    /// output nobody will finish) and puts jobs left `running` back in the queue. Only the process that
    /// runs jobs may call it: a one-off command running beside a server would delete its work.
    func recoverInterruptedWork(logger: Logger) throws {
        let removed = try data.cleanStaging()
        let jobs = try catalog.markInterruptedJobs()
        try removeOrphanUploads(logger: logger)
        if removed > 0 || !jobs.requeued.isEmpty || !jobs.interrupted.isEmpty {
            logger.notice("recovered after an unclean stop", metadata: [
                "staging_removed": "\(removed)",
                "jobs_requeued": "\(jobs.requeued.count)",
                "jobs_interrupted": "\(jobs.interrupted.count)",
            ])
        }
    }
}

extension LoadedConfig {
    /// `log.level` as swift-log's level (the names are the same).
    var loggerLevel: Logger.Level { Logger.Level(rawValue: config.log.level.rawValue) ?? .info }
}

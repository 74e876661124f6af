import Catalog
import Config
import Logging

/// Start-up step of `serve`: the streams file (`live.streams_file`) into the catalog, before the RTMP and
/// SRT listeners accept publishers, so a key from the file works from the first connection.
enum ConfiguredLiveStreams {
    /// Reads the file (errors name file:line) and syncs it; logs one line with counts and ids, never a key.
    /// Without a file, streams an earlier file managed become ordinary API streams (deletable again).
    static func sync(_ loaded: LoadedConfig, catalog: any CatalogStore, logger: Logger) throws {
        let config = loaded.config
        guard config.live.streamsFile != nil else {
            let released = try catalog.syncConfiguredLiveStreams([]).released
            if !released.isEmpty {
                logger.notice("live.streams_file is not set: streams it listed are now managed by the API",
                              metadata: ["streams": "\(released.map(\.rawValue).joined(separator: ","))"])
            }
            return
        }
        let streams = try ConfigLoader().loadLiveStreams(config, source: loaded.sources["live.streams_file"] ?? .builtIn)
        let records = streams.map {
            LiveStreamRecord(id: $0.id, key: $0.key, dvrWindowSeconds: $0.dvrWindowSeconds ?? config.live.dvrWindowSeconds,
                             eventMode: $0.eventMode, configManaged: true, backupKey: $0.backupKey, lowLatency: $0.lowLatency)
        }
        let sync = try catalog.syncConfiguredLiveStreams(records)
        var metadata: Logger.Metadata = [:]
        for (name, ids) in [("created", sync.created), ("updated", sync.updated), ("no_longer_in_file", sync.released)] where !ids.isEmpty {
            metadata[name] = "\(ids.map(\.rawValue).joined(separator: ","))"
        }
        logger.info("synced \(sync.total) live streams from \(config.live.streamsFile ?? "")", metadata: metadata)
    }
}

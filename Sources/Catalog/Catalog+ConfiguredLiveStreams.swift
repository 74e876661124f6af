import Foundation
import GRDB
import MediaCore

/// What `syncConfiguredLiveStreams` did, for the start-up log line (ids only, never keys).
public struct LiveStreamSync: Sendable, Equatable {
    public var created: [SafeName] = []
    public var updated: [SafeName] = []
    public var unchanged: [SafeName] = []
    /// Streams that were config-managed but are no longer listed: now ordinary API streams.
    public var released: [SafeName] = []

    public init() {}

    public var total: Int { created.count + updated.count + unchanged.count }
}

extension Catalog {
    @discardableResult
    public func syncConfiguredLiveStreams(_ streams: [LiveStreamRecord]) throws -> LiveStreamSync {
        try perform("sync live streams from the streams file") {
            try writer.write { db in
                let existing = try Row.fetchAll(db, sql: "SELECT * FROM live_streams").map(Self.liveStreamRecord)
                let listed = Set(streams.map(\.id))
                for stream in streams {
                    let keys = [stream.key, stream.backupKey].compactMap { $0 }
                    if let holder = existing.first(where: { other in
                        other.id != stream.id && !listed.contains(other.id) && keys.contains { $0 == other.key || $0 == other.backupKey }
                    }) {
                        throw CatalogError.liveStreamKeyCollision(configured: stream.id, holder: holder.id)
                    }
                }
                var sync = LiveStreamSync()
                sync.released = existing.filter { $0.configManaged && !listed.contains($0.id) }.map(\.id)
                try db.execute(sql: "UPDATE live_streams SET config_managed = 0 WHERE config_managed = 1")
                // Keys may move between listed streams (a swap): free them all before writing the new ones,
                // so the UNIQUE index never sees two streams with one key mid-way (a placeholder with a space:
                // no real key has one, so it cannot collide).
                for stream in streams where existing.contains(where: { $0.id == stream.id && $0.key != stream.key }) {
                    try db.execute(sql: "UPDATE live_streams SET key = ? WHERE id = ?",
                                   arguments: ["pending sync " + stream.id.rawValue, stream.id.rawValue])
                }
                for stream in streams where existing.contains(where: { $0.id == stream.id && $0.backupKey != nil }) {
                    try db.execute(sql: "UPDATE live_streams SET backup_key = NULL WHERE id = ?", arguments: [stream.id.rawValue])
                }
                for stream in streams {
                    try apply(stream, existing: existing.first { $0.id == stream.id }, db: db, sync: &sync)
                }
                return sync
            }
        }
    }

    private func apply(_ stream: LiveStreamRecord, existing: LiveStreamRecord?, db: Database, sync: inout LiveStreamSync) throws {
        guard let existing else {
            try db.execute(sql: """
                INSERT INTO live_streams (id, key, state, dvr_window_seconds, event_mode, created_at, config_managed, backup_key,
                                          low_latency)
                VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                """, arguments: [stream.id.rawValue, stream.key, LiveStreamState.idle.rawValue, stream.dvrWindowSeconds,
                                 stream.eventMode, clock(), stream.backupKey, stream.lowLatency])
            sync.created.append(stream.id)
            return
        }
        try db.execute(sql: """
            UPDATE live_streams SET key = ?, dvr_window_seconds = ?, event_mode = ?, config_managed = 1, backup_key = ?,
                                    low_latency = ? WHERE id = ?
            """, arguments: [stream.key, stream.dvrWindowSeconds, stream.eventMode, stream.backupKey, stream.lowLatency,
                             stream.id.rawValue])
        let same = existing.key == stream.key && existing.dvrWindowSeconds == stream.dvrWindowSeconds
            && existing.eventMode == stream.eventMode && existing.backupKey == stream.backupKey
            && existing.lowLatency == stream.lowLatency
        if same { sync.unchanged.append(stream.id) } else { sync.updated.append(stream.id) }
    }
}

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

/// What syncing the streams file into the catalog does, decided from values alone (both backends apply
/// it): the key collision that refuses it, the streams to create, update or leave, and the placeholder
/// keys that free a key moving between listed streams (a swap) before the new ones are written, so the
/// UNIQUE index never sees two streams with one key mid-way (a placeholder has a space: no real key has
/// one, so it cannot collide).
public struct LiveStreamSyncPlan: Sendable {
    public var sync = LiveStreamSync()
    public var placeholderKeys: [(SafeName, String)] = []
    /// Listed streams whose backup key is cleared before the new ones are written (for the same reason).
    public var clearedBackupKeys: [SafeName] = []

    public init(existing: [LiveStreamRecord], configured streams: [LiveStreamRecord]) throws {
        let listed = Set(streams.map(\.id))
        for stream in streams {
            let keys = [stream.key, stream.backupKey].compactMap { $0 }
            if let holder = existing.first(where: { other in
                other.id != stream.id && !listed.contains(other.id) && keys.contains { $0 == other.key || $0 == other.backupKey }
            }) {
                throw CatalogError.liveStreamKeyCollision(configured: stream.id, holder: holder.id)
            }
        }
        sync.released = existing.filter { $0.configManaged && !listed.contains($0.id) }.map(\.id)
        for stream in streams {
            guard let old = existing.first(where: { $0.id == stream.id }) else {
                sync.created.append(stream.id)
                continue
            }
            if old.key != stream.key { placeholderKeys.append((stream.id, "pending sync " + stream.id.rawValue)) }
            if old.backupKey != nil { clearedBackupKeys.append(stream.id) }
            let same = old.key == stream.key && old.dvrWindowSeconds == stream.dvrWindowSeconds && old.eventMode == stream.eventMode
                && old.backupKey == stream.backupKey && old.lowLatency == stream.lowLatency
            if same { sync.unchanged.append(stream.id) } else { sync.updated.append(stream.id) }
        }
    }
}

extension Catalog {
    @discardableResult
    public func syncConfiguredLiveStreams(_ streams: [LiveStreamRecord]) throws -> LiveStreamSync {
        try perform("sync live streams from the streams file") {
            try writer.write { db in
                let existing = try Row.fetchAll(db, sql: "SELECT * FROM live_streams").map(Self.liveStreamRecord)
                let plan = try LiveStreamSyncPlan(existing: existing, configured: streams)
                try db.execute(sql: "UPDATE live_streams SET config_managed = 0 WHERE config_managed = 1")
                for (id, placeholder) in plan.placeholderKeys {
                    try db.execute(sql: "UPDATE live_streams SET key = ? WHERE id = ?", arguments: [placeholder, id.rawValue])
                }
                for id in plan.clearedBackupKeys {
                    try db.execute(sql: "UPDATE live_streams SET backup_key = NULL WHERE id = ?", arguments: [id.rawValue])
                }
                for stream in streams {
                    if plan.sync.created.contains(stream.id) {
                        try db.execute(sql: """
                            INSERT INTO live_streams (id, key, state, dvr_window_seconds, event_mode, created_at, config_managed,
                                                      backup_key, low_latency)
                            VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                            """, arguments: [stream.id.rawValue, stream.key, LiveStreamState.idle.rawValue, stream.dvrWindowSeconds,
                                             stream.eventMode, clock(), stream.backupKey, stream.lowLatency])
                    } else {
                        try db.execute(sql: """
                            UPDATE live_streams SET key = ?, dvr_window_seconds = ?, event_mode = ?, config_managed = 1, backup_key = ?,
                                                    low_latency = ? WHERE id = ?
                            """, arguments: [stream.key, stream.dvrWindowSeconds, stream.eventMode, stream.backupKey, stream.lowLatency,
                                             stream.id.rawValue])
                    }
                }
                return plan.sync
            }
        }
    }
}

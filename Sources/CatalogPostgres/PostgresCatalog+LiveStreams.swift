import Catalog
import Foundation
import MediaCore

extension PostgresCatalog {
    public func createLiveStream(_ stream: LiveStreamRecord) throws -> LiveStreamRecord {
        var stored = stream
        stored.createdAt = clock()
        try pool.transaction("create live stream \(stream.id)") { session in
            if try session.queryOne("SELECT 1 FROM live_streams WHERE id = $1", [stream.id.rawValue]) != nil {
                throw CatalogError.liveStreamExists(stream.id)
            }
            for key in [stream.key, stream.backupKey].compactMap({ $0 })
                where try session.queryOne("SELECT 1 FROM live_streams WHERE key = $1 OR backup_key = $1", [key]) != nil {
                throw CatalogError.liveStreamKeyInUse
            }
            if stream.backupKey == stream.key { throw CatalogError.liveStreamKeyInUse }
            try session.execute("""
                INSERT INTO live_streams (id, key, state, dvr_window_seconds, event_mode, created_at, config_managed, backup_key, low_latency)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """, [stored.id.rawValue, stored.key, stored.state.rawValue, stored.dvrWindowSeconds, stored.eventMode,
                      stored.createdAt, stored.configManaged, stored.backupKey, stored.lowLatency])
        }
        return stored
    }

    public func liveStream(id: SafeName) throws -> LiveStreamRecord? {
        try fetchLiveStream(where: "id = $1", id.rawValue)
    }

    /// The stream whose primary or backup key is `key` (the record's `key` tells which).
    public func liveStream(key: String) throws -> LiveStreamRecord? {
        try fetchLiveStream(where: "key = $1 OR backup_key = $1", key)
    }

    public func listLiveStreams() throws -> [LiveStreamRecord] {
        try pool.withSession("list live streams") { session in
            try session.query("SELECT * FROM live_streams ORDER BY id").map(Self.liveStreamRecord)
        }
    }

    public func setLiveStreamState(id: SafeName, state: LiveStreamState) throws {
        try pool.withSession("update live stream \(id)") { session in
            try session.execute("UPDATE live_streams SET state = $1 WHERE id = $2", [state.rawValue, id.rawValue])
        }
    }

    @discardableResult
    public func deleteLiveStream(id: SafeName) throws -> Bool {
        try pool.transaction("delete live stream \(id)") { session in
            let deleted = try session.execute("DELETE FROM live_streams WHERE id = $1", [id.rawValue]) > 0
            if deleted {
                try session.execute("DELETE FROM content_metadata WHERE kind = 'stream' AND id = $1", [id.rawValue])
                try Self.notify(session, kind: "stream", id: id.rawValue)
            }
            return deleted
        }
    }

    @discardableResult
    public func syncConfiguredLiveStreams(_ streams: [LiveStreamRecord]) throws -> LiveStreamSync {
        try pool.transaction("sync live streams from the streams file") { session in
            // Nodes starting together sync one at a time.
            try session.execute("LOCK TABLE live_streams IN SHARE ROW EXCLUSIVE MODE")
            let existing = try session.query("SELECT * FROM live_streams").map(Self.liveStreamRecord)
            let plan = try LiveStreamSyncPlan(existing: existing, configured: streams)
            try session.execute("UPDATE live_streams SET config_managed = FALSE WHERE config_managed")
            for (id, placeholder) in plan.placeholderKeys {
                try session.execute("UPDATE live_streams SET key = $1 WHERE id = $2", [placeholder, id.rawValue])
            }
            for id in plan.clearedBackupKeys {
                try session.execute("UPDATE live_streams SET backup_key = NULL WHERE id = $1", [id.rawValue])
            }
            for stream in streams {
                if plan.sync.created.contains(stream.id) {
                    try session.execute("""
                        INSERT INTO live_streams (id, key, state, dvr_window_seconds, event_mode, created_at, config_managed,
                                                  backup_key, low_latency)
                        VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8)
                        """, [stream.id.rawValue, stream.key, LiveStreamState.idle.rawValue, stream.dvrWindowSeconds,
                              stream.eventMode, clock(), stream.backupKey, stream.lowLatency])
                } else {
                    try session.execute("""
                        UPDATE live_streams SET key = $1, dvr_window_seconds = $2, event_mode = $3, config_managed = TRUE,
                                                backup_key = $4, low_latency = $5 WHERE id = $6
                        """, [stream.key, stream.dvrWindowSeconds, stream.eventMode, stream.backupKey, stream.lowLatency,
                              stream.id.rawValue])
                }
            }
            return plan.sync
        }
    }

    public func accessRules(tree: String, owner: SafeName) throws -> AccessRulesRecord? {
        try pool.withSession("read access rules of \(tree)/\(owner)") { session in
            try session.queryOne("SELECT * FROM access_rules WHERE tree = $1 AND owner = $2", [tree, owner.rawValue]).map { row in
                AccessRulesRecord(policy: try row.get("policy"), blockedCountries: CatalogRules.codes(try row.get("blocked_countries")),
                                  allowedCountries: CatalogRules.codes(try row.get("allowed_countries")))
            }
        }
    }

    public func setAccessRules(tree: String, owner: SafeName, _ rules: AccessRulesRecord?) throws {
        try pool.withSession("store access rules of \(tree)/\(owner)") { session in
            guard let rules else {
                try session.execute("DELETE FROM access_rules WHERE tree = $1 AND owner = $2", [tree, owner.rawValue])
                return
            }
            try session.execute("""
                INSERT INTO access_rules (tree, owner, policy, blocked_countries, allowed_countries) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (tree, owner) DO UPDATE SET policy = excluded.policy,
                    blocked_countries = excluded.blocked_countries, allowed_countries = excluded.allowed_countries
                """, [tree, owner.rawValue, rules.policy, rules.blockedCountries.joined(separator: ","),
                      rules.allowedCountries.joined(separator: ",")])
        }
    }

    private func fetchLiveStream(where condition: String, _ value: String) throws -> LiveStreamRecord? {
        try pool.withSession("read live stream") { session in
            try session.queryOne("SELECT * FROM live_streams WHERE \(condition)", [value]).map(Self.liveStreamRecord)
        }
    }

    static func liveStreamRecord(_ row: SQLRow) throws -> LiveStreamRecord {
        let idText: String = try row.get("id")
        guard let id = SafeName(idText) else {
            throw CatalogError.invalidStoredValue(table: "live_streams", column: "id", value: idText)
        }
        return LiveStreamRecord(id: id, key: try row.get("key"), state: LiveStreamState(rawValue: try row.get("state")),
                                dvrWindowSeconds: try row.get("dvr_window_seconds"), eventMode: try row.get("event_mode"),
                                createdAt: try row.get("created_at"), configManaged: try row.get("config_managed"),
                                backupKey: try row.get("backup_key"), lowLatency: try row.get("low_latency"))
    }
}

import Foundation
import GRDB
import MediaCore

extension Catalog {
    public func createLiveStream(_ stream: LiveStreamRecord) throws -> LiveStreamRecord {
        var stored = stream
        stored.createdAt = clock()
        try perform("create live stream \(stream.id)") {
            try writer.write { db in
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM live_streams WHERE id = ?", arguments: [stream.id.rawValue]) != nil {
                    throw CatalogError.liveStreamExists(stream.id)
                }
                for key in [stream.key, stream.backupKey].compactMap({ $0 }) where try Self.keyInUse(key, db: db) {
                    throw CatalogError.liveStreamKeyInUse
                }
                if stream.backupKey == stream.key { throw CatalogError.liveStreamKeyInUse }
                try db.execute(sql: """
                    INSERT INTO live_streams (id, key, state, dvr_window_seconds, event_mode, created_at, config_managed,
                                              backup_key, low_latency)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [stored.id.rawValue, stored.key, stored.state.rawValue, stored.dvrWindowSeconds,
                                     stored.eventMode, stored.createdAt, stored.configManaged, stored.backupKey, stored.lowLatency])
            }
        }
        return stored
    }

    public func liveStream(id: SafeName) throws -> LiveStreamRecord? {
        try fetchLiveStream(where: "id = ?", id.rawValue)
    }

    /// The stream whose primary or backup key is `key` (the record's `key` tells which).
    public func liveStream(key: String) throws -> LiveStreamRecord? {
        try perform("read live stream") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM live_streams WHERE key = ? OR backup_key = ?", arguments: [key, key])
                    .map(Self.liveStreamRecord)
            }
        }
    }

    /// Whether any stream publishes with `key`, as its primary or its backup key.
    static func keyInUse(_ key: String, db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM live_streams WHERE key = ? OR backup_key = ?", arguments: [key, key]) != nil
    }

    public func listLiveStreams() throws -> [LiveStreamRecord] {
        try perform("list live streams") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM live_streams ORDER BY id").map(Self.liveStreamRecord)
            }
        }
    }

    public func setLiveStreamState(id: SafeName, state: LiveStreamState) throws {
        try perform("update live stream \(id)") {
            try writer.write { db in
                try db.execute(sql: "UPDATE live_streams SET state = ? WHERE id = ?", arguments: [state.rawValue, id.rawValue])
            }
        }
    }

    @discardableResult
    public func deleteLiveStream(id: SafeName) throws -> Bool {
        try perform("delete live stream \(id)") {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM live_streams WHERE id = ?", arguments: [id.rawValue])
                return db.changesCount > 0
            }
        }
    }

    private func fetchLiveStream(where condition: String, _ value: String) throws -> LiveStreamRecord? {
        try perform("read live stream") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM live_streams WHERE \(condition)", arguments: [value])
                    .map(Self.liveStreamRecord)
            }
        }
    }

    static func liveStreamRecord(_ row: Row) throws -> LiveStreamRecord {
        let idText: String = row["id"]
        guard let id = SafeName(idText) else {
            throw CatalogError.invalidStoredValue(table: "live_streams", column: "id", value: idText)
        }
        return LiveStreamRecord(id: id, key: row["key"], state: LiveStreamState(rawValue: row["state"]),
                                dvrWindowSeconds: row["dvr_window_seconds"], eventMode: row["event_mode"],
                                createdAt: row["created_at"], configManaged: row["config_managed"],
                                backupKey: row["backup_key"], lowLatency: row["low_latency"])
    }
}

import Analytics
import Foundation
import GRDB

/// Viewer analytics storage: `AnalyticsStore` over the catalog database.
extension Catalog: AnalyticsStore {
    public func saveAnalytics(sessions: [PlaybackSession], events: [StoredPlaybackEvent]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try perform("save playback sessions") {
            try writer.write { db in
                let upsert = try db.cachedStatement(sql: """
                    INSERT INTO playback_sessions (id, subject_kind, subject_id, first_seen, last_seen, ended, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                        ended = excluded.ended, data = excluded.data
                    """)
                for session in sessions {
                    let data = String(decoding: try encoder.encode(session), as: UTF8.self)
                    try upsert.execute(arguments: [session.id, session.subject.kind.rawValue, session.subject.id,
                                                   session.firstSeen, session.lastSeen, session.ended, data])
                }
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO playback_events (session_id, type, time, received, subject_kind, subject_id, data)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for stored in events {
                    let event = stored.event
                    let data = String(decoding: try encoder.encode(event), as: UTF8.self)
                    try insert.execute(arguments: [event.sessionID, event.type.rawValue, event.time, stored.received,
                                                   event.subject.kind.rawValue, event.subject.id, data])
                }
            }
        }
    }

    public func playbackSessions(ids: [String]) throws -> [PlaybackSession] {
        guard !ids.isEmpty else { return [] }
        return try perform("read playback sessions") {
            try writer.read { db in
                var found: [PlaybackSession] = []
                // SQLite's default limit on bound variables is far above this chunk.
                for start in stride(from: 0, to: ids.count, by: 500) {
                    let chunk = Array(ids[start..<min(start + 500, ids.count)])
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                    found += try String.fetchAll(db, sql: "SELECT data FROM playback_sessions WHERE id IN (\(marks))",
                                                 arguments: StatementArguments(chunk)).map(Self.session)
                }
                return found
            }
        }
    }

    public func playbackSessions(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> [PlaybackSession] {
        try perform("read playback sessions") {
            try writer.read { db in
                var sql = "SELECT data FROM playback_sessions WHERE first_seen <= ? AND last_seen >= ?"
                var arguments: StatementArguments = [to, from]
                if let subject {
                    sql += " AND subject_kind = ? AND subject_id = ?"
                    arguments += [subject.kind.rawValue, subject.id]
                }
                return try String.fetchAll(db, sql: sql + " ORDER BY first_seen, id", arguments: arguments).map(Self.session)
            }
        }
    }

    public func purgeAnalytics(sessionsBefore: Int64, eventsBefore: Int64) throws -> PurgeCount {
        try perform("purge analytics") {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM playback_sessions WHERE last_seen < ?", arguments: [sessionsBefore])
                let sessions = db.changesCount
                try db.execute(sql: "DELETE FROM playback_events WHERE received < ?", arguments: [eventsBefore])
                let events = db.changesCount
                try db.execute(sql: "DELETE FROM playback_rollups WHERE minute < ?", arguments: [sessionsBefore])
                return PurgeCount(sessions: sessions, events: events)
            }
        }
    }

    public func saveRollups(_ rollups: [MinuteRollup]) throws {
        guard !rollups.isEmpty else { return }
        try perform("save playback rollups") {
            try writer.write { db in
                let upsert = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO playback_rollups (minute, subject_kind, subject_id, sessions, plays, failures, exits,
                        startup_count, startup_total_ms, playing_ms, stall_ms, concurrent)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rollups {
                    try upsert.execute(arguments: [row.minute, row.subject.kind.rawValue, row.subject.id, row.sessions, row.plays,
                                                   row.failures, row.exits, row.startupCount, row.startupTotalMs, row.playingMs,
                                                   row.stallMs, row.concurrent])
                }
            }
        }
    }

    public func rollups(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> [MinuteRollup] {
        try perform("read playback rollups") {
            try writer.read { db in
                var sql = "SELECT * FROM playback_rollups WHERE minute >= ? AND minute < ?"
                var arguments: StatementArguments = [from, to]
                if let subject {
                    sql += " AND subject_kind = ? AND subject_id = ?"
                    arguments += [subject.kind.rawValue, subject.id]
                }
                return try Row.fetchAll(db, sql: sql + " ORDER BY minute, subject_kind, subject_id", arguments: arguments).map { row in
                    MinuteRollup(
                        minute: row["minute"],
                        subject: PlaybackSubject(kind: PlaybackSubject.Kind(rawValue: row["subject_kind"]) ?? .asset, id: row["subject_id"]),
                        sessions: row["sessions"], plays: row["plays"], failures: row["failures"], exits: row["exits"],
                        startupCount: row["startup_count"], startupTotalMs: row["startup_total_ms"], playingMs: row["playing_ms"],
                        stallMs: row["stall_ms"], concurrent: row["concurrent"])
                }
            }
        }
    }

    static func session(_ data: String) throws -> PlaybackSession { try CatalogRules.playbackSession(data) }
}

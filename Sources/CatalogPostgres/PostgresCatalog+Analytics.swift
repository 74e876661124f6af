import Analytics
import Catalog
import Foundation

/// Viewer analytics on PostgreSQL: the same rows as the SQLite catalog's (`AnalyticsSchema`), so the
/// Analytics module's definitions compute the figures from either.
extension PostgresCatalog: AnalyticsStore {
    public func saveAnalytics(sessions: [PlaybackSession], events: [StoredPlaybackEvent]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try pool.transaction("save playback sessions") { session in
            for playback in sessions {
                let data = String(decoding: try encoder.encode(playback), as: UTF8.self)
                try session.execute("""
                    INSERT INTO playback_sessions (id, subject_kind, subject_id, first_seen, last_seen, ended, data)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    ON CONFLICT (id) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                        ended = excluded.ended, data = excluded.data
                    """, [playback.id, playback.subject.kind.rawValue, playback.subject.id, playback.firstSeen,
                          playback.lastSeen, playback.ended, data])
            }
            for stored in events {
                let event = stored.event
                let data = String(decoding: try encoder.encode(event), as: UTF8.self)
                try session.execute("""
                    INSERT INTO playback_events (session_id, type, time, received, subject_kind, subject_id, data)
                    VALUES ($1, $2, $3, $4, $5, $6, $7)
                    """, [event.sessionID, event.type.rawValue, event.time, stored.received, event.subject.kind.rawValue,
                          event.subject.id, data])
            }
        }
    }

    public func playbackSessions(ids: [String]) throws -> [PlaybackSession] {
        guard !ids.isEmpty else { return [] }
        return try pool.withSession("read playback sessions") { session in
            var found: [PlaybackSession] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let marks = (1...chunk.count).map { "$\($0)" }.joined(separator: ", ")
                found += try session.query("SELECT data FROM playback_sessions WHERE id IN (\(marks))", chunk)
                    .map { try CatalogRules.playbackSession(try $0.get("data")) }
            }
            return found
        }
    }

    public func playbackSessions(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> [PlaybackSession] {
        try pool.withSession("read playback sessions") { session in
            var sql = "SELECT data FROM playback_sessions WHERE first_seen <= $1 AND last_seen >= $2"
            var arguments: [any SQLBindable] = [to, from]
            if let subject {
                sql += " AND subject_kind = $3 AND subject_id = $4"
                arguments += [subject.kind.rawValue, subject.id] as [any SQLBindable]
            }
            return try session.query(sql + " ORDER BY first_seen, id", arguments).map { try CatalogRules.playbackSession(try $0.get("data")) }
        }
    }

    public func purgeAnalytics(sessionsBefore: Int64, eventsBefore: Int64) throws -> PurgeCount {
        try pool.transaction("purge analytics") { session in
            let sessions = try session.execute("DELETE FROM playback_sessions WHERE last_seen < $1", [sessionsBefore])
            let events = try session.execute("DELETE FROM playback_events WHERE received < $1", [eventsBefore])
            try session.execute("DELETE FROM playback_rollups WHERE minute < $1", [sessionsBefore])
            return PurgeCount(sessions: sessions, events: events)
        }
    }

    public func saveRollups(_ rollups: [MinuteRollup]) throws {
        guard !rollups.isEmpty else { return }
        try pool.transaction("save playback rollups") { session in
            for row in rollups {
                try session.execute("""
                    INSERT INTO playback_rollups (minute, subject_kind, subject_id, sessions, plays, failures, exits,
                        startup_count, startup_total_ms, playing_ms, stall_ms, concurrent)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                    ON CONFLICT (minute, subject_kind, subject_id) DO UPDATE SET sessions = excluded.sessions,
                        plays = excluded.plays, failures = excluded.failures, exits = excluded.exits,
                        startup_count = excluded.startup_count, startup_total_ms = excluded.startup_total_ms,
                        playing_ms = excluded.playing_ms, stall_ms = excluded.stall_ms, concurrent = excluded.concurrent
                    """, [row.minute, row.subject.kind.rawValue, row.subject.id, row.sessions, row.plays, row.failures, row.exits,
                          row.startupCount, row.startupTotalMs, row.playingMs, row.stallMs, row.concurrent])
            }
        }
    }

    public func rollups(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> [MinuteRollup] {
        try pool.withSession("read playback rollups") { session in
            var sql = "SELECT * FROM playback_rollups WHERE minute >= $1 AND minute < $2"
            var arguments: [any SQLBindable] = [from, to]
            if let subject {
                sql += " AND subject_kind = $3 AND subject_id = $4"
                arguments += [subject.kind.rawValue, subject.id] as [any SQLBindable]
            }
            return try session.query(sql + " ORDER BY minute, subject_kind, subject_id", arguments).map { row in
                MinuteRollup(
                    minute: try row.get("minute"),
                    subject: PlaybackSubject(kind: PlaybackSubject.Kind(rawValue: try row.get("subject_kind")) ?? .asset,
                                             id: try row.get("subject_id")),
                    sessions: try row.get("sessions"), plays: try row.get("plays"), failures: try row.get("failures"),
                    exits: try row.get("exits"), startupCount: try row.get("startup_count"),
                    startupTotalMs: try row.get("startup_total_ms"), playingMs: try row.get("playing_ms"),
                    stallMs: try row.get("stall_ms"), concurrent: try row.get("concurrent"))
            }
        }
    }
}

import GRDB

/// Viewer analytics tables (issue 16). A session row keeps its queried columns (subject, first and last
/// contact, end) beside the whole folded session as JSON, so the Analytics module's definitions stay the
/// one place figures are computed; times are ms since 1970 (INTEGER) to match the events.
enum AnalyticsSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE playback_sessions (
                id TEXT PRIMARY KEY NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                first_seen INTEGER NOT NULL,
                last_seen INTEGER NOT NULL,
                ended INTEGER,
                data TEXT NOT NULL
            );
            CREATE INDEX playback_sessions_by_last_seen ON playback_sessions(last_seen);
            CREATE INDEX playback_sessions_by_subject ON playback_sessions(subject_kind, subject_id, first_seen);
            CREATE INDEX playback_sessions_by_first_seen ON playback_sessions(first_seen);
            CREATE TABLE playback_events (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL,
                type TEXT NOT NULL,
                time INTEGER NOT NULL,
                received INTEGER NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                data TEXT NOT NULL
            );
            CREATE INDEX playback_events_by_received ON playback_events(received);
            CREATE INDEX playback_events_by_session ON playback_events(session_id, time);
            CREATE TABLE playback_rollups (
                minute INTEGER NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                sessions INTEGER NOT NULL,
                plays INTEGER NOT NULL,
                failures INTEGER NOT NULL,
                exits INTEGER NOT NULL,
                startup_count INTEGER NOT NULL,
                startup_total_ms INTEGER NOT NULL,
                playing_ms INTEGER NOT NULL,
                stall_ms INTEGER NOT NULL,
                concurrent INTEGER NOT NULL,
                PRIMARY KEY (minute, subject_kind, subject_id)
            ) WITHOUT ROWID;
            """)
    }
}

/// Titles, descriptions and tags of assets and live streams for the content API, with an FTS5 index kept
/// in step by triggers (Debian's SQLite is built with FTS5).
enum ContentSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE content_metadata (
                kind TEXT NOT NULL CHECK (kind IN ('asset', 'stream')),
                id TEXT NOT NULL,
                title TEXT,
                description TEXT,
                tags TEXT NOT NULL DEFAULT '[]',
                PRIMARY KEY (kind, id)
            );
            CREATE VIRTUAL TABLE content_search USING fts5(
                kind UNINDEXED, id UNINDEXED, title, description, tags, tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE TRIGGER content_metadata_ai AFTER INSERT ON content_metadata BEGIN
                INSERT INTO content_search (kind, id, title, description, tags)
                VALUES (new.kind, new.id, new.title, new.description, new.tags);
            END;
            CREATE TRIGGER content_metadata_au AFTER UPDATE ON content_metadata BEGIN
                DELETE FROM content_search WHERE kind = old.kind AND id = old.id;
                INSERT INTO content_search (kind, id, title, description, tags)
                VALUES (new.kind, new.id, new.title, new.description, new.tags);
            END;
            CREATE TRIGGER content_metadata_ad AFTER DELETE ON content_metadata BEGIN
                DELETE FROM content_search WHERE kind = old.kind AND id = old.id;
            END;
            CREATE TRIGGER content_assets_ad AFTER DELETE ON assets BEGIN
                DELETE FROM content_metadata WHERE kind = 'asset' AND id = old.id;
            END;
            CREATE TRIGGER content_live_streams_ad AFTER DELETE ON live_streams BEGIN
                DELETE FROM content_metadata WHERE kind = 'stream' AND id = old.id;
            END;
            """)
    }
}

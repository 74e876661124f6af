/// The catalog's migrations in PostgreSQL's dialect: the same names, in the same order, as the SQLite
/// catalog's (`Catalog.migrationNames`), so both backends hold the same tables and a test can compare the
/// lists. Append only; never edit one that has shipped. Differences from SQLite, each for a reason:
/// `TIMESTAMPTZ` for times, `BIGSERIAL seq` where SQLite's rowid broke ties in an order, `BYTEA` for
/// sealed keys, and a `tsvector` column with a GIN index where SQLite has an FTS5 table.
enum PostgresSchema {
    static let migrations: [(name: String, sql: String)] = [
        ("v1-assets-renditions-segments", """
            CREATE TABLE assets (
                id TEXT PRIMARY KEY NOT NULL,
                title TEXT,
                state TEXT NOT NULL,
                duration DOUBLE PRECISION,
                version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
                source_probe TEXT,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX assets_by_created_at ON assets(created_at);
            CREATE TABLE renditions (
                asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                id TEXT NOT NULL,
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,
                codecs TEXT NOT NULL,
                width INTEGER,
                height INTEGER,
                frame_rate TEXT,
                sample_rate INTEGER,
                channels INTEGER,
                language TEXT,
                timescale INTEGER NOT NULL CHECK (timescale > 0),
                peak_bitrate BIGINT NOT NULL,
                average_bitrate BIGINT NOT NULL,
                PRIMARY KEY (asset_id, id)
            );
            CREATE TABLE segments (
                asset_id TEXT NOT NULL,
                rendition_id TEXT NOT NULL,
                number BIGINT NOT NULL,
                start BIGINT NOT NULL,
                duration BIGINT NOT NULL,
                size BIGINT NOT NULL,
                discontinuity BOOLEAN NOT NULL DEFAULT FALSE,
                program_date_time DOUBLE PRECISION,
                PRIMARY KEY (asset_id, rendition_id, number),
                FOREIGN KEY (asset_id, rendition_id) REFERENCES renditions(asset_id, id) ON DELETE CASCADE
            );
            """),
        ("v1-jobs", """
            CREATE TABLE jobs (
                seq BIGSERIAL NOT NULL,
                id TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                source_path TEXT NOT NULL,
                options TEXT NOT NULL DEFAULT '{}',
                state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'interrupted')),
                percent DOUBLE PRECISION NOT NULL DEFAULT 0,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX jobs_by_state ON jobs(state, created_at, seq);
            """),
        ("v1-live-streams", """
            CREATE TABLE live_streams (
                id TEXT PRIMARY KEY NOT NULL,
                key TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL,
                dvr_window_seconds INTEGER NOT NULL,
                event_mode BOOLEAN NOT NULL DEFAULT FALSE,
                created_at TIMESTAMPTZ NOT NULL
            );
            """),
        ("v2-asset-version-tombstones", """
            CREATE TABLE asset_tombstones (
                id TEXT PRIMARY KEY NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1)
            );
            """),
        ("v3-live-stream-config-managed", """
            ALTER TABLE live_streams ADD COLUMN config_managed BOOLEAN NOT NULL DEFAULT FALSE;
            """),
        ("v4-access-rules", """
            CREATE TABLE access_rules (
                tree TEXT NOT NULL CHECK (tree IN ('vod', 'live')),
                owner TEXT NOT NULL,
                policy TEXT,
                blocked_countries TEXT NOT NULL DEFAULT '',
                allowed_countries TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (tree, owner)
            );
            """),
        ("v5-analytics-sessions-events-rollups", """
            CREATE TABLE playback_sessions (
                id TEXT PRIMARY KEY NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                first_seen BIGINT NOT NULL,
                last_seen BIGINT NOT NULL,
                ended BIGINT,
                data TEXT NOT NULL
            );
            CREATE INDEX playback_sessions_by_last_seen ON playback_sessions(last_seen);
            CREATE INDEX playback_sessions_by_subject ON playback_sessions(subject_kind, subject_id, first_seen);
            CREATE INDEX playback_sessions_by_first_seen ON playback_sessions(first_seen);
            CREATE TABLE playback_events (
                seq BIGSERIAL PRIMARY KEY,
                session_id TEXT NOT NULL,
                type TEXT NOT NULL,
                time BIGINT NOT NULL,
                received BIGINT NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                data TEXT NOT NULL
            );
            CREATE INDEX playback_events_by_received ON playback_events(received);
            CREATE INDEX playback_events_by_session ON playback_events(session_id, time);
            CREATE TABLE playback_rollups (
                minute BIGINT NOT NULL,
                subject_kind TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                sessions BIGINT NOT NULL,
                plays BIGINT NOT NULL,
                failures BIGINT NOT NULL,
                exits BIGINT NOT NULL,
                startup_count BIGINT NOT NULL,
                startup_total_ms BIGINT NOT NULL,
                playing_ms BIGINT NOT NULL,
                stall_ms BIGINT NOT NULL,
                concurrent BIGINT NOT NULL,
                PRIMARY KEY (minute, subject_kind, subject_id)
            );
            """),
        // The search vector is kept by the statements that write the row (`PostgresCatalog+Content`), and
        // the rows of a deleted asset or stream are deleted with it in the same transaction.
        ("v6-content-metadata-search", """
            CREATE TABLE content_metadata (
                kind TEXT NOT NULL CHECK (kind IN ('asset', 'stream')),
                id TEXT NOT NULL,
                title TEXT,
                description TEXT,
                tags TEXT NOT NULL DEFAULT '[]',
                search TSVECTOR NOT NULL DEFAULT ''::tsvector,
                PRIMARY KEY (kind, id)
            );
            CREATE INDEX content_metadata_search ON content_metadata USING GIN (search);
            """),
        ("v7-content-keys", """
            CREATE TABLE encrypted_items (
                owner_kind TEXT NOT NULL CHECK (owner_kind IN ('vod', 'live')),
                owner_id TEXT NOT NULL,
                PRIMARY KEY (owner_kind, owner_id)
            );
            CREATE TABLE content_keys (
                kid TEXT PRIMARY KEY NOT NULL,
                owner_kind TEXT NOT NULL CHECK (owner_kind IN ('vod', 'live')),
                owner_id TEXT NOT NULL,
                period INTEGER NOT NULL CHECK (period >= 0),
                sealed BYTEA NOT NULL,
                signalling TEXT NOT NULL DEFAULT '[]',
                created_at TIMESTAMPTZ NOT NULL,
                UNIQUE (owner_kind, owner_id, period)
            );
            CREATE TABLE drm_master_key_check (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                sealed BYTEA NOT NULL
            );
            """),
        ("v8-live-stream-backup-key-low-latency", """
            ALTER TABLE live_streams ADD COLUMN backup_key TEXT;
            CREATE UNIQUE INDEX live_streams_by_backup_key ON live_streams(backup_key);
            ALTER TABLE live_streams ADD COLUMN low_latency BOOLEAN;
            """),
        ("v9-job-leases", """
            ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
            ALTER TABLE jobs ADD COLUMN lease_expires_at TIMESTAMPTZ;
            CREATE INDEX jobs_by_lease ON jobs(lease_expires_at) WHERE state = 'running';
            """),
    ]
}

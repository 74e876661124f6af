import GRDB

/// The catalog's schema as an ordered list of named migrations.
///
/// To change the schema, append a migration at the end (e.g. the Live module's columns); never edit or
/// reorder one that has shipped: databases in the field have already run it. A database that has run a
/// migration this list does not know was made by a newer mediaserve and is refused (`newerSchema`).
enum CatalogSchema {
    static let migrations: [(name: String, apply: @Sendable (Database) throws -> Void)] = [
        ("v1-assets-renditions-segments", createAssets),
        ("v1-jobs", createJobs),
        ("v1-live-streams", createLiveStreams),
        ("v2-asset-version-tombstones", createAssetTombstones),
        ("v3-live-stream-config-managed", addLiveStreamConfigManaged),
        ("v4-access-rules", createAccessRules),
        ("v5-analytics-sessions-events-rollups", AnalyticsSchema.create),
        ("v6-content-metadata-search", ContentSchema.create),
        ("v7-content-keys", createContentKeys),
        ("v8-live-stream-backup-key-low-latency", addLiveStreamBackupKeyAndLowLatency),
        ("v9-job-leases", addJobLeases),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.name, migrate: migration.apply)
        }
        return migrator
    }

    private static func createAssets(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE assets (
                id TEXT PRIMARY KEY NOT NULL,
                title TEXT,
                state TEXT NOT NULL,
                duration DOUBLE,
                version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
                source_probe TEXT,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL
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
                peak_bitrate INTEGER NOT NULL,
                average_bitrate INTEGER NOT NULL,
                PRIMARY KEY (asset_id, id)
            ) WITHOUT ROWID;
            CREATE TABLE segments (
                asset_id TEXT NOT NULL,
                rendition_id TEXT NOT NULL,
                number INTEGER NOT NULL,
                start INTEGER NOT NULL,
                duration INTEGER NOT NULL,
                size INTEGER NOT NULL,
                discontinuity BOOLEAN NOT NULL DEFAULT 0,
                program_date_time DOUBLE,
                PRIMARY KEY (asset_id, rendition_id, number),
                FOREIGN KEY (asset_id, rendition_id) REFERENCES renditions(asset_id, id) ON DELETE CASCADE
            ) WITHOUT ROWID;
            """)
    }

    private static func createJobs(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                source_path TEXT NOT NULL,
                options TEXT NOT NULL DEFAULT '{}',
                state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'interrupted')),
                percent DOUBLE NOT NULL DEFAULT 0,
                error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL
            );
            CREATE INDEX jobs_by_state ON jobs(state, created_at);
            """)
    }

    /// The last version of each deleted asset id, so an asset published again under that id continues the
    /// numbering: the origin puts the version in URLs, and a CDN may still hold the deleted asset's v1.
    private static func createAssetTombstones(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE asset_tombstones (
                id TEXT PRIMARY KEY NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1)
            );
            """)
    }

    /// Streams listed in the streams file (`live.streams_file`) are marked so the admin API refuses to
    /// delete them: the next start would create them again.
    private static func addLiveStreamConfigManaged(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE live_streams ADD COLUMN config_managed BOOLEAN NOT NULL DEFAULT 0")
    }

    /// Issue 15: a second, standby publisher per stream (its own secret key, unique like the primary's; no
    /// key of either column may open two streams, which `Catalog` checks across both) and the stream's own
    /// low-latency choice (NULL follows `live.low_latency.enabled`).
    private static func addLiveStreamBackupKeyAndLowLatency(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE live_streams ADD COLUMN backup_key TEXT;
            CREATE UNIQUE INDEX live_streams_by_backup_key ON live_streams(backup_key);
            ALTER TABLE live_streams ADD COLUMN low_latency BOOLEAN;
            """)
    }

    /// Encryption (issue 13): which assets and live streams are delivered encrypted, their content keys
    /// (sealed under the master key; the catalog never sees a clear key) with the DRM signalling a key
    /// server returned, and the check value that tells a wrong master key at start-up. One key per
    /// (owner, key period); a second origin racing to create the same one keeps the first (UNIQUE).
    private static func createContentKeys(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE encrypted_items (
                owner_kind TEXT NOT NULL CHECK (owner_kind IN ('vod', 'live')),
                owner_id TEXT NOT NULL,
                PRIMARY KEY (owner_kind, owner_id)
            ) WITHOUT ROWID;
            CREATE TABLE content_keys (
                kid TEXT PRIMARY KEY NOT NULL,
                owner_kind TEXT NOT NULL CHECK (owner_kind IN ('vod', 'live')),
                owner_id TEXT NOT NULL,
                period INTEGER NOT NULL CHECK (period >= 0),
                sealed BLOB NOT NULL,
                signalling TEXT NOT NULL DEFAULT '[]',
                created_at DATETIME NOT NULL,
                UNIQUE (owner_kind, owner_id, period)
            );
            CREATE TABLE drm_master_key_check (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                sealed BLOB NOT NULL
            );
            """)
    }

    /// Issue 14: the worker holding a running job and until when. A job whose lease lapsed is claimed again
    /// by another worker; NULL (a claim without a lease) never lapses.
    private static func addJobLeases(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
            ALTER TABLE jobs ADD COLUMN lease_expires_at DATETIME;
            """)
    }

    private static func createLiveStreams(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE live_streams (
                id TEXT PRIMARY KEY NOT NULL,
                key TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL,
                dvr_window_seconds INTEGER NOT NULL,
                event_mode BOOLEAN NOT NULL DEFAULT 0,
                created_at DATETIME NOT NULL
            );
            """)
    }

    /// Issue 12: an asset's or live stream's own access policy and country lists (comma-separated ISO
    /// codes). A separate table, so items without rules cost nothing and the item tables stay as they were.
    private static func createAccessRules(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE access_rules (
                tree TEXT NOT NULL CHECK (tree IN ('vod', 'live')),
                owner TEXT NOT NULL,
                policy TEXT,
                blocked_countries TEXT NOT NULL DEFAULT '',
                allowed_countries TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (tree, owner)
            ) WITHOUT ROWID;
            """)
    }
}

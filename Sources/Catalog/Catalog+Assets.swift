import Foundation
import GRDB
import MediaCore

extension Catalog {
    @discardableResult
    public func publishAsset(_ asset: AssetRecord, renditions: [RenditionIndex], replace: Bool,
                             metadata: ContentMetadataChange, lease: JobLease?) throws -> AssetRecord {
        let (asset, content, probeJSON) = try CatalogRules.preparePublish(asset, renditions: renditions, metadata: metadata)
        let tagsJSON = try Self.tagsJSON(content)
        let now = clock()
        return try perform("publish asset \(asset.id)") {
            try writer.write { db in
                if let lease { try Self.completeLeasedJob(lease, now: now, db: db) }
                var stored = asset
                stored.duration = asset.duration ?? renditions.map(\.durationSeconds).max()
                stored.updatedAt = now
                if let existing = try Row.fetchOne(db, sql: "SELECT version, created_at FROM assets WHERE id = ?",
                                                   arguments: [asset.id.rawValue]) {
                    guard replace else { throw CatalogError.assetExists(asset.id) }
                    stored.version = max((existing["version"] as Int) + 1, asset.version)
                    stored.createdAt = existing["created_at"]
                    try db.execute(sql: "DELETE FROM renditions WHERE asset_id = ?", arguments: [asset.id.rawValue])
                    try db.execute(sql: """
                        UPDATE assets SET title = ?, state = ?, duration = ?, version = ?, source_probe = ?, updated_at = ?
                        WHERE id = ?
                        """, arguments: [stored.title, stored.state.rawValue, stored.duration, stored.version,
                                         probeJSON, now, asset.id.rawValue])
                } else {
                    stored.version = max(try Self.deletedVersion(asset.id, db: db) + 1, asset.version)
                    try db.execute(sql: "DELETE FROM asset_tombstones WHERE id = ?", arguments: [asset.id.rawValue])
                    stored.createdAt = now
                    try db.execute(sql: """
                        INSERT INTO assets (id, title, state, duration, version, source_probe, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [asset.id.rawValue, stored.title, stored.state.rawValue, stored.duration,
                                         stored.version, probeJSON, now, now])
                }
                try Self.insert(renditions, asset: asset.id, db: db)
                if !content.isEmpty {
                    try Self.upsertContentMetadata(kind: .asset, id: asset.id.rawValue, change: content, tagsJSON: tagsJSON, db: db)
                }
                return stored
            }
        }
    }

    public func asset(_ id: AssetID) throws -> AssetRecord? {
        try perform("read asset \(id)") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM assets WHERE id = ?", arguments: [id.rawValue])
                    .map(Self.assetRecord)
            }
        }
    }

    public func listAssets() throws -> [AssetRecord] {
        try perform("list assets") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM assets ORDER BY created_at DESC, id").map(Self.assetRecord)
            }
        }
    }

    /// Deletes the asset and remembers its version (`asset_tombstones`): publishing the id again continues
    /// from there, so no versioned URL a CDN may have cached for the deleted asset is reused.
    @discardableResult
    public func deleteAsset(_ id: AssetID) throws -> Bool {
        try perform("delete asset \(id)") {
            try writer.write { db in
                try db.execute(sql: """
                    INSERT INTO asset_tombstones (id, version) SELECT id, version FROM assets WHERE id = ?
                    ON CONFLICT(id) DO UPDATE SET version = excluded.version
                    """, arguments: [id.rawValue])
                try db.execute(sql: "DELETE FROM assets WHERE id = ?", arguments: [id.rawValue])
                return db.changesCount > 0
            }
        }
    }

    public func nextVersion(of id: AssetID) throws -> Int {
        try perform("read version of \(id)") {
            try writer.read { db in
                if let current = try Int.fetchOne(db, sql: "SELECT version FROM assets WHERE id = ?", arguments: [id.rawValue]) {
                    return current + 1
                }
                return try Self.deletedVersion(id, db: db) + 1
            }
        }
    }

    /// The version a deleted asset had under this id; 0 when none was deleted.
    private static func deletedVersion(_ id: AssetID, db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT version FROM asset_tombstones WHERE id = ?", arguments: [id.rawValue]) ?? 0
    }

    public func renditions(of asset: AssetID) throws -> [RenditionIndex] {
        try perform("read renditions of \(asset)") {
            try writer.read { db in
                let renditionRows = try Row.fetchAll(db, sql: "SELECT * FROM renditions WHERE asset_id = ? ORDER BY position",
                                                     arguments: [asset.rawValue])
                var segmentsByRendition: [String: [SegmentInfo]] = [:]
                let segmentRows = try Row.fetchCursor(db, sql: """
                    SELECT rendition_id, number, start, duration, size, discontinuity, program_date_time
                    FROM segments WHERE asset_id = ? ORDER BY rendition_id, number
                    """, arguments: [asset.rawValue])
                // Columns by position: a long asset has thousands of segments and name lookups dominate.
                while let row = try segmentRows.next() {
                    segmentsByRendition[row[0], default: []].append(SegmentInfo(
                        number: row[1], start: row[2], duration: row[3], size: row[4],
                        discontinuity: row[5], programDateTime: row[6]))
                }
                return try renditionRows.map { row in
                    let rendition = try Self.rendition(row)
                    return RenditionIndex(rendition: rendition, segments: segmentsByRendition[rendition.id.rawValue] ?? [])
                }
            }
        }
    }

    // MARK: Rows

    private static func insert(_ renditions: [RenditionIndex], asset: AssetID, db: Database) throws {
        let renditionStatement = try db.makeStatement(sql: """
            INSERT INTO renditions (asset_id, id, position, kind, codecs, width, height, frame_rate, sample_rate,
                                    channels, language, timescale, peak_bitrate, average_bitrate)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let segmentStatement = try db.makeStatement(sql: """
            INSERT INTO segments (asset_id, rendition_id, number, start, duration, size, discontinuity, program_date_time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (position, index) in renditions.enumerated() {
            let r = index.rendition
            try renditionStatement.execute(arguments: [
                asset.rawValue, r.id.rawValue, position, r.kind.rawValue, r.codecs, r.width, r.height,
                r.frameRate.map { "\($0.numerator)/\($0.denominator)" }, r.sampleRate, r.channels, r.language,
                Int(r.timescale), r.peakBitrate, r.averageBitrate,
            ])
            for segment in index.segments {
                try segmentStatement.execute(arguments: [
                    asset.rawValue, r.id.rawValue, segment.number, segment.start, segment.duration, segment.size,
                    segment.discontinuity, segment.programDateTime,
                ])
            }
        }
    }

    static func assetRecord(_ row: Row) throws -> AssetRecord {
        let id: String = row["id"], stateText: String = row["state"]
        guard let assetID = AssetID(id) else { throw CatalogError.invalidStoredValue(table: "assets", column: "id", value: id) }
        guard let state = AssetState(rawValue: stateText) else {
            throw CatalogError.invalidStoredValue(table: "assets", column: "state", value: stateText)
        }
        let probe = try (row["source_probe"] as String?).map(CatalogRules.probe)
        return AssetRecord(id: assetID, title: row["title"], state: state, duration: row["duration"],
                           version: row["version"], sourceProbe: probe, createdAt: row["created_at"],
                           updatedAt: row["updated_at"])
    }

    private static func rendition(_ row: Row) throws -> Rendition {
        try CatalogRules.rendition(id: row["id"], kind: row["kind"], codecs: row["codecs"], peakBitrate: row["peak_bitrate"],
                                   averageBitrate: row["average_bitrate"], timescale: row["timescale"], width: row["width"],
                                   height: row["height"], frameRate: row["frame_rate"], sampleRate: row["sample_rate"],
                                   channels: row["channels"], language: row["language"])
    }
}

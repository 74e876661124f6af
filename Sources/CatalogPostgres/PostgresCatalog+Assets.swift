import Catalog
import Foundation
import MediaCore

extension PostgresCatalog {
    @discardableResult
    public func publishAsset(_ asset: AssetRecord, renditions: [RenditionIndex], replace: Bool,
                             metadata: ContentMetadataChange, lease: JobLease?) throws -> AssetRecord {
        let (asset, content, probeJSON) = try CatalogRules.preparePublish(asset, renditions: renditions, metadata: metadata)
        let now = clock()
        return try pool.transaction("publish asset \(asset.id)") { session in
            if let lease { try Self.completeLeasedJob(lease, now: now, session: session) }
            var stored = asset
            stored.duration = asset.duration ?? renditions.map(\.durationSeconds).max()
            stored.updatedAt = now
            let id = asset.id.rawValue
            // FOR UPDATE: two nodes replacing one asset at once take turns, each bumping the version.
            if let existing = try session.queryOne("SELECT version, created_at FROM assets WHERE id = $1 FOR UPDATE", [id]) {
                guard replace else { throw CatalogError.assetExists(asset.id) }
                stored.version = max(try existing.get("version", as: Int.self) + 1, asset.version)
                stored.createdAt = try existing.get("created_at")
                try session.execute("DELETE FROM renditions WHERE asset_id = $1", [id])
                try session.execute("""
                    UPDATE assets SET title = $1, state = $2, duration = $3, version = $4, source_probe = $5, updated_at = $6
                    WHERE id = $7
                    """, [stored.title, stored.state.rawValue, stored.duration, stored.version, probeJSON, now, id])
            } else {
                stored.version = max(try Self.deletedVersion(id, session: session) + 1, asset.version)
                try session.execute("DELETE FROM asset_tombstones WHERE id = $1", [id])
                stored.createdAt = now
                try session.execute("""
                    INSERT INTO assets (id, title, state, duration, version, source_probe, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    """, [id, stored.title, stored.state.rawValue, stored.duration, stored.version, probeJSON, now, now])
            }
            try Self.insert(renditions, asset: id, session: session)
            if !content.isEmpty {
                try Self.upsertContentMetadata(kind: .asset, id: id, change: content, session: session)
            }
            try Self.notify(session, kind: "asset", id: id)
            return stored
        }
    }

    public func asset(_ id: AssetID) throws -> AssetRecord? {
        try pool.withSession("read asset \(id)") { session in
            try session.queryOne("SELECT * FROM assets WHERE id = $1", [id.rawValue]).map(Self.assetRecord)
        }
    }

    public func listAssets() throws -> [AssetRecord] {
        try pool.withSession("list assets") { session in
            try session.query("SELECT * FROM assets ORDER BY created_at DESC, id").map(Self.assetRecord)
        }
    }

    @discardableResult
    public func deleteAsset(_ id: AssetID) throws -> Bool {
        try pool.transaction("delete asset \(id)") { session in
            try session.execute("""
                INSERT INTO asset_tombstones (id, version) SELECT id, version FROM assets WHERE id = $1
                ON CONFLICT (id) DO UPDATE SET version = excluded.version
                """, [id.rawValue])
            let deleted = try session.execute("DELETE FROM assets WHERE id = $1", [id.rawValue]) > 0
            if deleted {
                try session.execute("DELETE FROM content_metadata WHERE kind = 'asset' AND id = $1", [id.rawValue])
                try Self.notify(session, kind: "asset", id: id.rawValue)
            }
            return deleted
        }
    }

    public func nextVersion(of id: AssetID) throws -> Int {
        try pool.withSession("read version of \(id)") { session in
            if let current = try session.queryOne("SELECT version FROM assets WHERE id = $1", [id.rawValue]) {
                return try current.get("version", as: Int.self) + 1
            }
            return try Self.deletedVersion(id.rawValue, session: session) + 1
        }
    }

    public func renditions(of asset: AssetID) throws -> [RenditionIndex] {
        try pool.transaction("read renditions of \(asset)") { session in
            let renditionRows = try session.query("SELECT * FROM renditions WHERE asset_id = $1 ORDER BY position", [asset.rawValue])
            var segmentsByRendition: [String: [SegmentInfo]] = [:]
            let segmentRows = try session.query("""
                SELECT rendition_id, number, start, duration, size, discontinuity, program_date_time
                FROM segments WHERE asset_id = $1 ORDER BY rendition_id, number
                """, [asset.rawValue])
            for row in segmentRows {
                segmentsByRendition[try row.get(0, as: String.self), default: []].append(SegmentInfo(
                    number: try row.get(1), start: try row.get(2), duration: try row.get(3), size: try row.get(4),
                    discontinuity: try row.get(5), programDateTime: try row.get(6)))
            }
            return try renditionRows.map { row in
                let rendition = try Self.rendition(row)
                return RenditionIndex(rendition: rendition, segments: segmentsByRendition[rendition.id.rawValue] ?? [])
            }
        }
    }

    // MARK: Rows

    private static func deletedVersion(_ id: String, session: PostgresSession) throws -> Int {
        try session.queryOne("SELECT version FROM asset_tombstones WHERE id = $1", [id])?.get("version") ?? 0
    }

    /// One multi-row INSERT per rendition and per 1,000 segments: a long asset has thousands, and a round
    /// trip each would dominate a publish.
    private static func insert(_ renditions: [RenditionIndex], asset: String, session: PostgresSession) throws {
        for (position, index) in renditions.enumerated() {
            let r = index.rendition
            try session.execute("""
                INSERT INTO renditions (asset_id, id, position, kind, codecs, width, height, frame_rate, sample_rate,
                                        channels, language, timescale, peak_bitrate, average_bitrate)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                """, [asset, r.id.rawValue, position, r.kind.rawValue, r.codecs, r.width, r.height,
                      r.frameRate.map { "\($0.numerator)/\($0.denominator)" }, r.sampleRate, r.channels, r.language,
                      Int(r.timescale), r.peakBitrate, r.averageBitrate])
            for start in stride(from: 0, to: index.segments.count, by: 1_000) {
                let chunk = index.segments[start..<min(start + 1_000, index.segments.count)]
                var values: [any SQLBindable] = []
                var rows: [String] = []
                for segment in chunk {
                    let base = values.count
                    rows.append("(" + (1...8).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                    values += [asset, r.id.rawValue, segment.number, segment.start, segment.duration, segment.size,
                               segment.discontinuity, segment.programDateTime] as [any SQLBindable]
                }
                try session.execute("""
                    INSERT INTO segments (asset_id, rendition_id, number, start, duration, size, discontinuity, program_date_time)
                    VALUES \(rows.joined(separator: ", "))
                    """, values)
            }
        }
    }

    static func assetRecord(_ row: SQLRow) throws -> AssetRecord {
        let id: String = try row.get("id"), stateText: String = try row.get("state")
        guard let assetID = AssetID(id) else { throw CatalogError.invalidStoredValue(table: "assets", column: "id", value: id) }
        guard let state = AssetState(rawValue: stateText) else {
            throw CatalogError.invalidStoredValue(table: "assets", column: "state", value: stateText)
        }
        let probe = try (try row.get("source_probe", as: String?.self)).map(CatalogRules.probe)
        return AssetRecord(id: assetID, title: try row.get("title"), state: state, duration: try row.get("duration"),
                           version: try row.get("version"), sourceProbe: probe, createdAt: try row.get("created_at"),
                           updatedAt: try row.get("updated_at"))
    }

    private static func rendition(_ row: SQLRow) throws -> Rendition {
        try CatalogRules.rendition(id: try row.get("id"), kind: try row.get("kind"), codecs: try row.get("codecs"),
                                   peakBitrate: try row.get("peak_bitrate"), averageBitrate: try row.get("average_bitrate"),
                                   timescale: try row.get("timescale"), width: try row.get("width"), height: try row.get("height"),
                                   frameRate: try row.get("frame_rate"), sampleRate: try row.get("sample_rate"),
                                   channels: try row.get("channels"), language: try row.get("language"))
    }
}

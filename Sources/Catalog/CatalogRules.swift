import Analytics
import Foundation
import MediaCore

/// What both catalog backends (SQLite here, PostgreSQL in CatalogPostgres) decide the same way, as pure
/// functions of values: which segment indexes may be published, and how stored text becomes records.
public enum CatalogRules {
    /// Refuses an index no player could use: no renditions, a rendition twice, a zero timescale, a
    /// segment number twice.
    public static func validate(_ renditions: [RenditionIndex], asset: AssetID) throws {
        guard !renditions.isEmpty else { throw CatalogError.invalidIndex(asset: asset, reason: "it has no renditions") }
        var ids = Set<SafeName>()
        for index in renditions {
            guard ids.insert(index.rendition.id).inserted else {
                throw CatalogError.invalidIndex(asset: asset, reason: "rendition '\(index.rendition.id)' appears twice")
            }
            guard index.rendition.timescale > 0 else {
                throw CatalogError.invalidIndex(asset: asset, reason: "rendition '\(index.rendition.id)' has timescale \(index.rendition.timescale)")
            }
            var numbers = Set<Int>()
            for segment in index.segments where !numbers.insert(segment.number).inserted {
                throw CatalogError.invalidIndex(asset: asset, reason: "rendition '\(index.rendition.id)' has segment \(segment.number) twice")
            }
        }
    }

    /// What a publish stores besides the index: the record (the metadata's title, if any, wins), the
    /// content metadata (its title, else the record's), the probe as JSON. Validates the index first.
    public static func preparePublish(_ asset: AssetRecord, renditions: [RenditionIndex], metadata: ContentMetadataChange) throws
        -> (asset: AssetRecord, content: ContentMetadataChange, probeJSON: String?) {
        try validate(renditions, asset: asset.id)
        var asset = asset
        if let title = metadata.title { asset.title = title }
        let content = ContentMetadataChange(title: asset.title, description: metadata.description, tags: metadata.tags)
        return (asset, content, try asset.sourceProbe.map(probeJSON))
    }

    /// A new queued job with its options checked.
    public static func newJob(id: String?, kind: JobKind, assetID: AssetID, sourcePath: String, options: String, now: Date) throws -> JobRecord {
        try checkJobOptions(options)
        return JobRecord(id: id ?? UUID().uuidString.lowercased(), kind: kind, assetID: assetID,
                         sourcePath: sourcePath, options: options, createdAt: now, updatedAt: now)
    }

    /// The content API's relation (published assets and live streams with their metadata) in SQL both
    /// backends read alike; callers add WHERE, ORDER BY and LIMIT.
    public static let contentSelect = """
        SELECT * FROM (
            SELECT 'asset' AS kind, a.id AS id, COALESCE(m.title, a.title) AS title, m.description AS description,
                   COALESCE(m.tags, '[]') AS tags, a.duration AS duration, a.version AS version, CAST(NULL AS TEXT) AS live_state,
                   a.created_at AS created_at
            FROM assets a LEFT JOIN content_metadata m ON m.kind = 'asset' AND m.id = a.id
            WHERE a.state = 'ready'
            UNION ALL
            SELECT 'stream', s.id, m.title, m.description, COALESCE(m.tags, '[]'), NULL, NULL, s.state, s.created_at
            FROM live_streams s LEFT JOIN content_metadata m ON m.kind = 'stream' AND m.id = s.id
        ) AS content
        """

    /// The source probe as the JSON text the `assets.source_probe` column keeps.
    public static func probeJSON(_ probe: SourceProbe) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(probe), as: UTF8.self)
    }

    public static func probe(_ text: String) throws -> SourceProbe {
        do {
            return try JSONDecoder().decode(SourceProbe.self, from: Data(text.utf8))
        } catch {
            throw CatalogError.invalidStoredValue(table: "assets", column: "source_probe", value: String(text.prefix(80)))
        }
    }

    /// A rendition from its stored columns, refusing values this version cannot read.
    public static func rendition(id: String, kind kindText: String, codecs: String, peakBitrate: Int, averageBitrate: Int,
                                 timescale timescaleValue: Int, width: Int?, height: Int?, frameRate frameRateText: String?,
                                 sampleRate: Int?, channels: Int?, language: String?) throws -> Rendition {
        guard let renditionID = SafeName(id) else {
            throw CatalogError.invalidStoredValue(table: "renditions", column: "id", value: id)
        }
        guard let kind = MediaKind(rawValue: kindText) else {
            throw CatalogError.invalidStoredValue(table: "renditions", column: "kind", value: kindText)
        }
        let frameRate = try frameRateText.map { text -> Rational in
            let parts = text.split(separator: "/")
            guard parts.count == 2, let num = Int(parts[0]), let den = Int(parts[1]) else {
                throw CatalogError.invalidStoredValue(table: "renditions", column: "frame_rate", value: text)
            }
            return Rational(num, den)
        }
        guard let timescale = Int32(exactly: timescaleValue), timescale > 0 else {
            throw CatalogError.invalidStoredValue(table: "renditions", column: "timescale", value: String(timescaleValue))
        }
        return Rendition(id: renditionID, kind: kind, codecs: codecs, peakBitrate: peakBitrate, averageBitrate: averageBitrate,
                         timescale: timescale, width: width, height: height, frameRate: frameRate,
                         sampleRate: sampleRate, channels: channels, language: language)
    }

    /// Job options must be a JSON object (text).
    public static func checkJobOptions(_ options: String) throws {
        do {
            guard try JSONSerialization.jsonObject(with: Data(options.utf8)) is [String: Any] else {
                throw CatalogError.invalidJobOptions(reason: "expected {...}, got \(options.prefix(40))")
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError.invalidJobOptions(reason: (error as NSError).localizedDescription)
        }
    }

    /// Tags as the JSON array text the catalog keeps; nil when the change leaves them.
    public static func tagsJSON(_ change: ContentMetadataChange) throws -> String? {
        try change.tags.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
    }

    /// A folded playback session from the JSON text `playback_sessions.data` keeps.
    public static func playbackSession(_ data: String) throws -> PlaybackSession {
        do {
            return try JSONDecoder().decode(PlaybackSession.self, from: Data(data.utf8))
        } catch {
            throw CatalogError.invalidStoredValue(table: "playback_sessions", column: "data", value: String(data.prefix(80)))
        }
    }

    /// Country codes from their stored comma-separated text.
    public static func codes(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map(String.init)
    }
}

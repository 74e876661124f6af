import Catalog
import Foundation
import MediaCore
import Storage

/// The admin API over the catalog and the data directory. Uploads are kept in `data/uploads/<id>/`
/// (not staging/, which start-up empties) so a queued job still finds its source after a restart.
public struct CatalogAdminBackend: AdminBackend {
    let catalog: any CatalogStore
    let data: DataDirectory
    let index: CatalogMediaIndex?
    /// Called after a job is queued (wakes the worker pool).
    let jobQueued: @Sendable () -> Void
    /// Streams with a publisher connected now (from the live segmenter).
    let publishingStreams: @Sendable () -> [SafeName]
    let liveDVRWindowSeconds: Int

    public init(catalog: any CatalogStore, data: DataDirectory, index: CatalogMediaIndex?, liveDVRWindowSeconds: Int = 7200,
                publishingStreams: @escaping @Sendable () -> [SafeName] = { [] }, jobQueued: @escaping @Sendable () -> Void) {
        self.catalog = catalog
        self.data = data
        self.index = index
        self.liveDVRWindowSeconds = liveDVRWindowSeconds
        self.publishingStreams = publishingStreams
        self.jobQueued = jobQueued
    }

    public static func uploadsRoot(_ data: DataDirectory) -> URL { data.root.appendingPathComponent("uploads", isDirectory: true) }

    public func listAssets() async throws -> [AssetSummary] {
        try catalog.listAssets().map { try summary($0) }
    }

    public func asset(_ id: AssetID) async throws -> AssetSummary? {
        try catalog.asset(id).map { try summary($0) }
    }

    /// The catalog entry goes first (manifests stop at once), then the files.
    public func deleteAsset(_ id: AssetID) async throws -> Bool {
        let inCatalog = try catalog.deleteAsset(id)
        index?.forget(id)
        let onDisk = try data.removeAsset(id)
        return inCatalog || onDisk
    }

    public func job(_ id: String) async throws -> JobSummary? {
        try catalog.job(id: id).map(Self.summary)
    }

    public func newUploadFile() async throws -> URL {
        let folder = Self.uploadsRoot(data).appendingPathComponent(UUID().uuidString.lowercased(), isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("source")
    }

    public func enqueueIngest(source: URL, asset: AssetID?, originalName: String?) async throws -> JobSummary {
        let id = asset ?? Self.generatedID(from: originalName)
        if try catalog.asset(id) != nil {
            throw OriginError.conflict("asset '\(id)' already exists: delete it first or upload with another ?id=")
        }
        let job = try catalog.enqueueJob(assetID: id, sourcePath: source.path, options: IngestJobOptions(originalName: originalName))
        jobQueued()
        return Self.summary(job)
    }

    public func createLiveStream(_ id: SafeName) async throws -> LiveStreamSummary {
        if try catalog.liveStream(id: id) != nil { throw OriginError.conflict("live stream '\(id)' already exists") }
        let key = (0..<24).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        let record = try catalog.createLiveStream(LiveStreamRecord(id: id, key: key, dvrWindowSeconds: liveDVRWindowSeconds))
        return LiveStreamSummary(id: record.id, state: record.state.rawValue, publishing: false, key: record.key)
    }

    public func listLiveStreams() async throws -> [LiveStreamSummary] {
        let publishing = Set(publishingStreams())
        return try catalog.listLiveStreams().map {
            LiveStreamSummary(id: $0.id, state: $0.state.rawValue, publishing: publishing.contains($0.id), key: nil)
        }
    }

    public func discardUpload(_ file: URL) async {
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
    }

    func summary(_ record: AssetRecord) throws -> AssetSummary {
        AssetSummary(id: record.id, state: record.state.rawValue, durationSeconds: record.duration,
                     createdAt: ISO8601DateFormatter().string(from: record.createdAt), renditions: try catalog.renditions(of: record.id))
    }

    static func summary(_ job: JobRecord) -> JobSummary {
        JobSummary(id: job.id, assetId: job.assetID.rawValue, state: job.state.rawValue, percent: job.percent, error: job.error)
    }

    /// `upload-<8 hex>`, or the original file's stem made safe when one was given.
    static func generatedID(from name: String?) -> AssetID {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        if let name {
            let stem = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent.lowercased()
            let cleaned = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }.prefix(40))
                .trimmingCharacters(in: CharacterSet(charactersIn: "-_"))
            if let id = AssetID("\(cleaned)-\(suffix)") { return id }
        }
        return AssetID("upload-\(suffix)")!
    }
}

/// Options stored with an ingest job (JSON in the catalog).
public struct IngestJobOptions: Codable, Sendable {
    public var originalName: String?
}

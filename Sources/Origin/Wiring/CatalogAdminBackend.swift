import Access
import Catalog
import Foundation
import LiveSegmenting
import MediaCore
import Publishing
import Storage

/// The admin API over the catalog and the media store. Uploads are kept by the store (`data/uploads/<id>/`,
/// not staging/, which start-up empties) so a queued job still finds its source after a restart.
public struct CatalogAdminBackend: AdminBackend {
    let catalog: any CatalogStore
    let data: any MediaStore
    let index: CatalogMediaIndex?
    /// Called after a job is queued (wakes the worker pool).
    let jobQueued: @Sendable () -> Void
    /// Streams with a publisher connected now (from the live segmenter).
    let publishingStreams: @Sendable () -> [SafeName]
    let liveDVRWindowSeconds: Int
    /// `live.low_latency.enabled`: what a stream without its own choice gets.
    let liveLowLatencyDefault: Bool
    /// The live segment index (for live-to-VOD archives); nil where no live ingest runs.
    let live: LiveStreams?
    let rtmpPortNow: @Sendable () -> Int?
    let srtPortNow: @Sendable () -> Int?

    public init(catalog: any CatalogStore, data: any MediaStore, index: CatalogMediaIndex?, liveDVRWindowSeconds: Int = 7200,
                liveLowLatencyDefault: Bool = false,
                live: LiveStreams? = nil, rtmpPort: @escaping @Sendable () -> Int? = { nil },
                srtPort: @escaping @Sendable () -> Int? = { nil },
                publishingStreams: @escaping @Sendable () -> [SafeName] = { [] }, jobQueued: @escaping @Sendable () -> Void) {
        self.catalog = catalog
        self.live = live
        self.rtmpPortNow = rtmpPort
        self.srtPortNow = srtPort
        self.data = data
        self.index = index
        self.liveDVRWindowSeconds = liveDVRWindowSeconds
        self.liveLowLatencyDefault = liveLowLatencyDefault
        self.publishingStreams = publishingStreams
        self.jobQueued = jobQueued
    }

    public func listAssets() async throws -> [AssetSummary] {
        try catalog.listAssets().map { try summary($0) }
    }

    public func asset(_ id: AssetID) async throws -> AssetSummary? {
        try catalog.asset(id).map { try summary($0) }
    }

    /// The catalog entry goes first (manifests stop at once), then the files. On a full disk SQLite may not
    /// even be able to delete (its journal needs a page): the files go first then, freeing the space the
    /// catalog needs, so an admin can always make room through the API.
    public func deleteAsset(_ id: AssetID) async throws -> Bool {
        let inCatalog: Bool
        do {
            inCatalog = try catalog.deleteAsset(id)
        } catch CatalogError.diskFull {
            index?.forget(id)
            let onDisk = try data.removeAsset(id)
            let deleted = try catalog.deleteAsset(id)
            try? catalog.setAccessRules(tree: "vod", owner: id.name, nil)
            return deleted || onDisk
        }
        try catalog.setAccessRules(tree: "vod", owner: id.name, nil)
        index?.forget(id)
        let onDisk = try data.removeAsset(id)
        return inCatalog || onDisk
    }

    public func job(_ id: String) async throws -> JobSummary? {
        try catalog.job(id: id).map(Self.summary)
    }

    public func newUploadFile() async throws -> URL {
        try data.newUpload()
    }

    public func enqueueIngest(source: URL, asset: AssetID?, originalName: String?, metadata: ContentMetadataChange) async throws -> JobSummary {
        let id = asset ?? AssetNaming.uploadID(forFile: originalName)
        if try catalog.asset(id) != nil {
            throw OriginError.conflict("asset '\(id)' already exists: delete it first or upload with another ?id=")
        }
        let job = try catalog.enqueueJob(assetID: id, sourcePath: source.path, options: IngestJobOptions(originalName: originalName, metadata: metadata))
        jobQueued()
        return Self.summary(job)
    }

    public var rtmpPort: Int? { rtmpPortNow() }
    public var srtPort: Int? { srtPortNow() }

    public func createLiveStream(_ request: LiveStreamCreation) async throws -> LiveStreamSummary {
        let id = request.id ?? SafeName("stream-" + Self.randomHex(bytes: 4))!
        if try catalog.liveStream(id: id) != nil { throw OriginError.conflict("live stream '\(id)' already exists") }
        let record = try catalog.createLiveStream(LiveStreamRecord(
            id: id, key: Self.randomHex(bytes: 24), dvrWindowSeconds: request.dvrWindowSeconds ?? liveDVRWindowSeconds,
            eventMode: request.mode == .event, backupKey: Self.randomHex(bytes: 24), lowLatency: request.lowLatency))
        var created = summary(record, publishing: false)
        created.key = record.key
        created.backupKey = record.backupKey
        return created
    }

    public func listLiveStreams() async throws -> [LiveStreamSummary] {
        let publishing = Set(publishingStreams())
        return try catalog.listLiveStreams().map { summary($0, publishing: publishing.contains($0.id)) }
    }

    public func liveStream(_ id: SafeName) async throws -> LiveStreamSummary? {
        try catalog.liveStream(id: id).map { summary($0, publishing: publishingStreams().contains(id)) }
    }

    public func failbackLiveStream(_ id: SafeName) async throws -> LiveStreamSummary {
        guard let record = try catalog.liveStream(id: id) else { throw OriginError.notFound("live stream '\(id)'") }
        guard let live else { throw OriginError.unavailable("live ingest is not running in this process") }
        do {
            try live.failback(id)
        } catch {
            throw OriginError.conflict(error.description)
        }
        return summary(record, publishing: publishingStreams().contains(id))
    }

    /// The catalog's record with what the live segmenter knows now (inputs, switches).
    func summary(_ record: LiveStreamRecord, publishing: Bool) -> LiveStreamSummary {
        var shown = Self.summary(record, publishing: publishing)
        shown.lowLatency = record.lowLatency ?? liveLowLatencyDefault
        shown.hasBackupKey = record.backupKey != nil
        if let inputs = live?.inputStatus(for: record.id) {
            shown.activeInput = inputs.active?.rawValue
            shown.connectedInputs = inputs.connected.map(\.rawValue)
            shown.inputSwitches = inputs.switches.map(InputSwitchSummary.init)
        }
        return shown
    }

    /// The key stops working at once (new publishers are refused); a connected publisher keeps going
    /// until it disconnects, and its DVR files stay until the ring trims them.
    /// A stream listed in the streams file is refused (409): the next start would create it again.
    public func deleteLiveStream(_ id: SafeName) async throws -> Bool {
        if try catalog.liveStream(id: id)?.configManaged == true {
            throw OriginError.conflict("live stream '\(id)' is managed by the config file (live.streams_file): remove it from that file and restart mediaserve before deleting it")
        }
        return try catalog.deleteLiveStream(id: id)
    }

    public func archiveLiveStream(_ id: SafeName, _ request: LiveArchiveRequest) async throws -> AssetSummary {
        guard let live else { throw OriginError.unavailable("live ingest is not running in this process") }
        let record = try LiveArchiver(catalog: catalog, store: data, streams: live).archive(id, request)
        return try summary(record)
    }

    static func summary(_ record: LiveStreamRecord, publishing: Bool, key: String? = nil) -> LiveStreamSummary {
        // The catalog's state may lag (its write failed on a full disk): "live" needs a publisher now.
        let state = record.state == .live && !publishing ? LiveStreamState.idle : record.state
        return LiveStreamSummary(id: record.id, state: state.rawValue, publishing: publishing,
                          mode: record.eventMode ? .event : .sliding, dvrWindowSeconds: record.dvrWindowSeconds, key: key)
    }

    /// Lower-case hex of `bytes` random bytes (stream keys are secrets: 24 bytes).
    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in
            let text = String(UInt8.random(in: 0...255), radix: 16)
            return text.count == 1 ? "0" + text : text
        }.joined()
    }

    public func accessRules(_ scope: AccessScope) async throws -> ItemAccess {
        try await CatalogAccessRules(catalog: catalog).rules(for: scope)
    }

    public func setAccessRules(_ scope: AccessScope, _ rules: ItemAccess) async throws {
        try CatalogAccessRules(catalog: catalog).store(scope, rules)
    }

    public func discardUpload(_ file: URL) async {
        data.discardUpload(file)
    }

    func summary(_ record: AssetRecord) throws -> AssetSummary {
        AssetSummary(id: record.id, state: record.state.rawValue, durationSeconds: record.duration,
                     createdAt: ISO8601DateFormatter().string(from: record.createdAt), version: record.version,
                     renditions: try catalog.renditions(of: record.id))
    }

    static func summary(_ job: JobRecord) -> JobSummary {
        JobSummary(id: job.id, assetId: job.assetID.rawValue, state: job.state.rawValue, percent: job.percent,
                   error: job.error.map(PathRedaction.redact))
    }
}

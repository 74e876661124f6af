import Foundation
import MediaCore

/// The catalog seam: everything ingest, live and the origin ask of the catalog. `Catalog` (SQLite via
/// GRDB) is the default; `PostgresCatalog` (target CatalogPostgres, `catalog.url: postgres://...`) holds
/// the same tables for many nodes, its job claim `SELECT ... FOR UPDATE SKIP LOCKED` under a lease.
public protocol CatalogStore: Sendable {
    // MARK: Assets

    /// Stores an asset and its segment index in one transaction. Fails with `assetExists` when the id is
    /// taken unless `replace`; a replace keeps `createdAt` and bumps `version`. The stored version is the
    /// id's next (`nextVersion(of:)`), or `asset.version` when that is higher (reindex after a lost catalog
    /// keeps the number the files were published as). `metadata` (title, description, tags for the
    /// content API; its title, else the record's, is also the asset's title) is stored in the same
    /// transaction, so the asset appears searchable at once. Returns the stored record.
    ///
    /// With `lease` (a job worker's publish), the job must still be `running` under that lease (same owner
    /// and attempt, not lapsed) or nothing is stored (`leaseLost`); the job becomes `succeeded` in the same
    /// transaction, so a job whose lease moved to another worker yields exactly one publish.
    @discardableResult
    func publishAsset(_ asset: AssetRecord, renditions: [RenditionIndex], replace: Bool, metadata: ContentMetadataChange,
                      lease: JobLease?) throws -> AssetRecord
    func asset(_ id: AssetID) throws -> AssetRecord?
    /// Renditions in publish order, each with its segments ordered by number; empty for an unknown asset.
    func renditions(of asset: AssetID) throws -> [RenditionIndex]
    /// Newest first.
    func listAssets() throws -> [AssetRecord]
    /// Deletes the asset with its renditions and segments; false when it did not exist. Its version is
    /// remembered: publishing the id again continues the numbering.
    @discardableResult func deleteAsset(_ id: AssetID) throws -> Bool
    /// The version the next publish of `id` gets: the current one + 1, or after a delete the deleted
    /// one's + 1, else 1. Ingest stamps the files with it before publishing them.
    func nextVersion(of id: AssetID) throws -> Int

    // MARK: Jobs

    /// Queues a job; `options` must be a JSON object (text). `id` defaults to a new lower-case UUID.
    func enqueueJob(id: String?, kind: JobKind, assetID: AssetID, sourcePath: String, options: String) throws -> JobRecord
    /// Atomically takes the oldest queued job (queued -> running, attempts + 1); nil when none is queued.
    /// With `lease` the job is held by `lease.owner` until `lease.seconds` from now unless renewed
    /// (`renewJobLease`); a running job whose lease lapsed is taken again like a queued one (from the
    /// start, attempts + 1), or becomes `interrupted` when it has used `lease.maxAttempts`. Without a lease
    /// (one process, SQLite's default) a running job is only requeued by `markInterruptedJobs`.
    func claimNextJob(lease: JobLeaseTerms?) throws -> JobRecord?
    /// The heartbeat of a running job: extends its lease by `seconds` from now. `leaseLost` when the job
    /// is no longer running under that lease (it lapsed and another worker claimed it, or it ended).
    func renewJobLease(_ lease: JobLease, seconds: Double) throws
    func updateJobProgress(id: String, percent: Double) throws
    /// running -> succeeded (percent 100).
    func finishJob(id: String) throws
    /// queued or running -> failed, with the message shown to the user.
    func failJob(id: String, error: String) throws
    func job(id: String) throws -> JobRecord?
    /// Newest first, optionally only one state.
    func listJobs(state: JobState?, limit: Int) throws -> [JobRecord]
    /// At start-up: jobs left `running` by a dead process go back to `queued` while they have attempts
    /// left (fewer than `maxAttempts`), else become `interrupted`.
    @discardableResult func markInterruptedJobs(maxAttempts: Int) throws -> InterruptedJobs
    /// interrupted or failed -> queued (a retry asked for by a person).
    @discardableResult func requeueJob(id: String) throws -> JobRecord
    /// Count per state; every state present (0 when none).
    func jobCounts() throws -> [JobState: Int]

    // MARK: Access rules (issue 12)

    /// An item's own access rules; nil when it has none. `tree` is `vod` or `live`.
    func accessRules(tree: String, owner: SafeName) throws -> AccessRulesRecord?
    /// Stores (replaces) an item's rules; nil removes them.
    func setAccessRules(tree: String, owner: SafeName, _ rules: AccessRulesRecord?) throws

    // MARK: Live streams

    func createLiveStream(_ stream: LiveStreamRecord) throws -> LiveStreamRecord
    func liveStream(id: SafeName) throws -> LiveStreamRecord?
    func liveStream(key: String) throws -> LiveStreamRecord?
    func listLiveStreams() throws -> [LiveStreamRecord]
    func setLiveStreamState(id: SafeName, state: LiveStreamState) throws
    @discardableResult func deleteLiveStream(id: SafeName) throws -> Bool
    /// Makes the catalog match the streams file, in one transaction: creates the listed streams it lacks,
    /// updates key, DVR window and mode of those it has, and marks exactly the listed ones config-managed
    /// (a stream dropped from the file becomes an ordinary API stream; nothing is deleted). A listed key
    /// that an unlisted stream holds fails with `liveStreamKeyCollision` and changes nothing.
    @discardableResult func syncConfiguredLiveStreams(_ streams: [LiveStreamRecord]) throws -> LiveStreamSync
}

extension CatalogStore {
    /// Publishes with no metadata beyond the record's title.
    @discardableResult
    public func publishAsset(_ asset: AssetRecord, renditions: [RenditionIndex], replace: Bool) throws -> AssetRecord {
        try publishAsset(asset, renditions: renditions, replace: replace, metadata: ContentMetadataChange(), lease: nil)
    }

    /// Publishes outside any job lease.
    @discardableResult
    public func publishAsset(_ asset: AssetRecord, renditions: [RenditionIndex], replace: Bool,
                             metadata: ContentMetadataChange) throws -> AssetRecord {
        try publishAsset(asset, renditions: renditions, replace: replace, metadata: metadata, lease: nil)
    }

    /// Claims without a lease.
    public func claimNextJob() throws -> JobRecord? { try claimNextJob(lease: nil) }

    /// Queues a job whose options are any Encodable value (stored as a JSON object with sorted keys).
    public func enqueueJob<Options: Encodable>(id: String? = nil, kind: JobKind = .ingest, assetID: AssetID,
                                               sourcePath: String, options: Options) throws -> JobRecord {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(options), as: UTF8.self)
        return try enqueueJob(id: id, kind: kind, assetID: assetID, sourcePath: sourcePath, options: text)
    }

    /// Queues a job with no options.
    public func enqueueJob(id: String? = nil, kind: JobKind = .ingest, assetID: AssetID, sourcePath: String) throws -> JobRecord {
        try enqueueJob(id: id, kind: kind, assetID: assetID, sourcePath: sourcePath, options: "{}")
    }

    @discardableResult
    public func markInterruptedJobs() throws -> InterruptedJobs { try markInterruptedJobs(maxAttempts: 3) }

    public func listJobs() throws -> [JobRecord] { try listJobs(state: nil, limit: 100) }
}

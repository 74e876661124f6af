import Catalog
import Foundation
import MediaCore
import Storage

/// The one way an asset becomes visible: stage -> verify -> stamp version -> publish (one rename) ->
/// catalog -> roll back on failure. `mediaserve ingest`, the server's job worker, live-to-VOD archive
/// and `mediaserve reindex` all go through here, so they agree on the order, the version rule and what
/// a failure leaves behind: nothing visible that was not visible before.
///
/// - The staging folder is created here and removed on any failure (also a cancelled transcode).
/// - Files go first, stamped with the catalog's next version, so the origin never serves new bytes
///   under the old version's URLs in the moment before the catalog catches up.
/// - If the catalog refuses, a new asset's files are removed again; a replaced asset keeps the new files
///   (the old ones are gone after the swap) and the catalog keeps the old entry until the next replace.
/// - When another replace won the race for the version number, the stamp follows the catalog.
public struct AssetPublisher: Sendable {
    public let store: any MediaStore
    public let catalog: any CatalogStore

    public init(store: any MediaStore, catalog: any CatalogStore) {
        self.store = store
        self.catalog = catalog
    }

    /// What a stage step produced: the catalog entry and the verified index of every staged rendition,
    /// with the description and tags the content API lists (stored in the catalog's publish transaction).
    public struct Staged: Sendable {
        public var record: AssetRecord
        public var renditions: [RenditionIndex]
        public var metadata: ContentMetadataChange

        public init(record: AssetRecord, renditions: [RenditionIndex], metadata: ContentMetadataChange = ContentMetadataChange()) {
            self.record = record
            self.renditions = renditions
            self.metadata = metadata
        }
    }

    /// True when the id is taken in the catalog or by published files (callers check before expensive
    /// work and word the refusal for their user; `publish` checks again).
    public func isTaken(_ asset: AssetID) throws -> Bool {
        try catalog.asset(asset) != nil || store.assetExists(asset)
    }

    /// Creates `staging/<job>/`, lets `stage` fill it, then publishes it as `asset`. Any error (from
    /// `stage` or a later step) removes the staging folder and anything this call made visible, then is
    /// rethrown unchanged. With `lease` (a job worker), the catalog commits only while the job is still
    /// this worker's, and marks it succeeded in the same step (`CatalogStore.publishAsset`).
    ///
    /// A lease's second or later attempt runs a job whose earlier attempt died (its lease lapsed, or the
    /// process was killed and the job requeued at start-up). If that attempt died between its files and
    /// its catalog entry, published files no catalog entry names are under the id: they are that
    /// attempt's (the job was accepted only while the id was free), so this attempt takes their place
    /// instead of failing with "asset exists". Exactly one publish results.
    @discardableResult
    public func publish(asset: AssetID, job: String, replace: Bool, lease: JobLease? = nil,
                        stage: (URL) throws -> Staged) throws -> AssetRecord {
        let staging = try store.newStaging(job: job)
        do {
            var staged = try stage(staging)
            staged.record.id = asset
            return try publish(staging: staging, asset: asset, staged: staged, replace: replace, lease: lease)
        } catch {
            store.discardStaging(staging)
            throw error
        }
    }

    private func publish(staging: URL, asset: AssetID, staged: Staged, replace: Bool, lease: JobLease?) throws -> AssetRecord {
        let existed = store.assetExists(asset)
        let catalogued = try catalog.asset(asset) != nil
        let deadAttemptsFiles = existed && !catalogued && (lease?.attempt ?? 1) > 1
        if !replace, !deadAttemptsFiles, existed || catalogued {
            throw PublishingError.assetExists(asset, hint: "delete it first or publish with replace")
        }
        let version = try catalog.nextVersion(of: asset)
        try store.stampVersion(version, staging: staging)
        // Verifies the staged tree (renditions with init.mp4, no links), fsyncs it, renames it into place.
        try store.publish(staging: staging, asset: asset, replace: replace || deadAttemptsFiles)
        do {
            let stored = try catalog.publishAsset(staged.record, renditions: staged.renditions, replace: replace,
                                                  metadata: staged.metadata, lease: lease)
            if stored.version != version { try store.restampVersion(stored.version, asset: asset) }
            return stored
        } catch {
            // Files nobody had before (or only a dead attempt's, which no catalog entry named) go again.
            if !existed || deadAttemptsFiles { _ = try? store.removeAsset(asset) }
            throw error
        }
    }

    /// Re-records an already published asset (reindex): the files stay as they are; the catalog entry is
    /// replaced with a version never lower than the files' stamp (a URL a CDN cached for an older number
    /// must not get these bytes), and the stamp is made to match the catalog.
    @discardableResult
    public func recatalog(_ asset: AssetID, renditions: [RenditionIndex]) throws -> AssetRecord {
        guard store.assetExists(asset) else { throw PublishingError.notFound("asset '\(asset)'") }
        var record = try catalog.asset(asset) ?? AssetRecord(id: asset)
        let stamped = store.publishedVersion(asset)
        record.version = max(record.version, stamped ?? 1)
        let stored = try catalog.publishAsset(record, renditions: renditions, replace: true)
        if stored.version != stamped { try store.restampVersion(stored.version, asset: asset) }
        return stored
    }
}

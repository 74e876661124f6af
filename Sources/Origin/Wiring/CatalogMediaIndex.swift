import Catalog
import Foundation
import MediaCore
import Storage
import Synchronization

/// VOD listings from the catalog: the in-memory index of published assets the manifest routes read, so a
/// manifest request makes no database query. The segment index of a published asset only changes when
/// the asset is replaced (its catalog `version` goes up) or deleted, so it is kept in memory and
/// revalidated with one primary-key read at most every `revalidateAfter` (one second), and at once when
/// the store says the asset's files changed: `AssetPublisher` stamps every published version into the
/// files (`vod/<asset>/version`) before the catalog entry is written, so a stamp other than the cached
/// version, or no folder at all, means a publish, replace or delete happened (in this process or in
/// `mediaserve ingest --replace` elsewhere) and the catalog is read again. The local store answers that
/// from its open-file cache with one lstat(2). Deletes through this server's API also forget at once.
///
/// Live listings come from the live segmenter's DVR ring, which is not wired into the origin yet: live
/// manifests answer 404 (cacheable for one second) until it is.
public final class CatalogMediaIndex: CachedMediaIndex, Sendable {
    private struct Entry {
        var version: Int
        var updatedAt: Date
        var listing: MediaListing
        var checked: ContinuousClock.Instant
    }
    let catalog: any CatalogStore
    /// Where the published files are; nil trusts the cache for `revalidateAfter` (tests of the catalog alone).
    let store: (any MediaStore)?
    let revalidateAfter: Duration
    private let cache = Mutex<[AssetID: Entry]>([:])

    public init(catalog: any CatalogStore, store: (any MediaStore)? = nil, revalidateAfter: Duration = .seconds(1)) {
        self.catalog = catalog
        self.store = store
        self.revalidateAfter = revalidateAfter
    }

    public func listing(tree: MediaTree, owner: SafeName) async throws -> MediaListing? {
        guard tree == .vod else { return nil }
        let owner = AssetID(owner)
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[owner] }), now - entry.checked < revalidateAfter, filesMatch(version: entry.version, owner) {
            return entry.listing
        }
        guard let record = try catalog.asset(owner), record.state == .ready else {
            forget(owner)
            return nil
        }
        if let entry = cache.withLock({ $0[owner] }), entry.version == record.version, entry.updatedAt == record.updatedAt {
            cache.withLock { $0[owner]?.checked = now }
            return entry.listing
        }
        let renditions = try catalog.renditions(of: owner)
        guard !renditions.isEmpty else { return nil }
        let listing = MediaListing(renditions: renditions, version: "\(record.version)-\(record.updatedAt.timeIntervalSince1970)",
                                   assetVersion: record.version)
        cache.withLock { $0[owner] = Entry(version: record.version, updatedAt: record.updatedAt, listing: listing, checked: now) }
        return listing
    }

    /// The cached listing while it is within `revalidateAfter` of its last catalog check and the files'
    /// stamp still matches it (one lstat through the open-file cache); nil otherwise.
    public func cachedListing(tree: MediaTree, owner: SafeName) -> MediaListing? {
        cached(tree: tree, owner: owner) { $0.listing }
    }

    /// What `cachedListing` would give, without copying the listing out of the cache.
    public func cachedVersions(tree: MediaTree, owner: SafeName) -> CachedListingVersions? {
        cached(tree: tree, owner: owner) { CachedListingVersions(version: $0.listing.version, assetVersion: $0.listing.assetVersion) }
    }

    /// `read` of the cached entry under the conditions of `cachedListing`, taken inside the lock so that
    /// only what it reads is copied out.
    private func cached<Value: Sendable>(tree: MediaTree, owner: SafeName, _ read: (Entry) -> Value) -> Value? {
        guard tree == .vod else { return nil }
        let owner = AssetID(owner)
        let now = ContinuousClock.now
        guard let (value, version) = cache.withLock({ entries -> (Value, Int)? in
            guard let entry = entries[owner], now - entry.checked < revalidateAfter else { return nil }
            return (read(entry), entry.version)
        }), filesMatch(version: version, owner, waiting: false) else { return nil }
        return value
    }

    /// False when the store's files of the asset are not the version the entry was made from (replaced,
    /// deleted, or published anew since); files stamped before stamps existed cannot tell, and match.
    /// Without `waiting`, a remote store answers from what it holds in memory, and not knowing is false.
    private func filesMatch(version: Int, _ asset: AssetID, waiting: Bool = true) -> Bool {
        guard let store else { return true }
        guard let files = waiting ? store.openVersion(of: asset) : store.openCachedVersion(of: asset) else { return false }
        switch files.stamp() {
        case .version(let stamped): return stamped == version
        case .missing: return true
        case .unreadable: return false
        }
    }

    public func forget(_ asset: AssetID) {
        _ = cache.withLock { $0.removeValue(forKey: asset) }
    }

    /// Drops what a change another node announced makes stale (a shared catalog's notices, issue 14):
    /// the next manifest request reads the catalog again, so a replaced asset is never served from here
    /// past the notice.
    public func apply(_ change: CatalogChange) {
        switch change {
        case .asset(let id):
            if let asset = AssetID(id) { forget(asset) }
        case .everything:
            cache.withLock { $0.removeAll() }
        case .stream:
            break
        }
    }
}

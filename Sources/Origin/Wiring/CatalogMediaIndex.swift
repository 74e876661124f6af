import Catalog
import Foundation
import MediaCore
import Storage
import Synchronization

/// VOD listings from the catalog. The segment index of a published asset only changes when the asset is
/// replaced (its catalog `version` goes up) or deleted, so it is kept in memory and revalidated with one
/// primary-key read at most every `revalidateAfter` (one second) instead of re-reading every segment row
/// per request: a replace or a delete by another process shows within that second; deletes through this
/// server's API show at once.
///
/// Live listings come from the live segmenter's DVR ring, which is not wired into the origin yet: live
/// manifests answer 404 (cacheable for one second) until it is.
public final class CatalogMediaIndex: MediaIndex, Sendable {
    private struct Entry {
        var version: Int
        var updatedAt: Date
        var listing: MediaListing
        var checked: ContinuousClock.Instant
    }
    let catalog: any CatalogStore
    let revalidateAfter: Duration
    private let cache = Mutex<[AssetID: Entry]>([:])

    public init(catalog: any CatalogStore, revalidateAfter: Duration = .seconds(1)) {
        self.catalog = catalog
        self.revalidateAfter = revalidateAfter
    }

    public func listing(tree: MediaTree, owner: SafeName) async throws -> MediaListing? {
        guard tree == .vod else { return nil }
        let owner = AssetID(owner)
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[owner] }), now - entry.checked < revalidateAfter {
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

    public func forget(_ asset: AssetID) {
        _ = cache.withLock { $0.removeValue(forKey: asset) }
    }
}

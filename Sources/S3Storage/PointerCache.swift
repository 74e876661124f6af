import Foundation
import MediaCore
import NIOConcurrencyHelpers

/// Each asset's pointer as last read, for `ttl`: a VOD segment request needs the pointer (which folder
/// holds the current version), and without this every request would be one GET to the store. A replace or
/// delete made on another node shows here within `ttl` (the manifest's own revalidation is one second
/// too); this node's own writes update it at once. Absent pointers are remembered as well.
final class PointerCache: Sendable {
    let ttl: Duration
    private let entries = NIOLockedValueBox<[AssetID: (pointer: AssetPointer?, read: ContinuousClock.Instant)]>([:])

    init(ttl: Duration) {
        self.ttl = ttl
    }

    /// The remembered pointer (`.some(nil)`: known absent), or nil when there is no fresh entry.
    func lookup(_ asset: AssetID) -> AssetPointer?? {
        entries.withLockedValue { entries in
            guard let entry = entries[asset], ContinuousClock.now - entry.read < ttl else { return nil }
            return .some(entry.pointer)
        }
    }

    /// The last pointer read, however old: served while the store does not answer, so objects already in
    /// the cache keep playing through an outage of the store.
    func stale(_ asset: AssetID) -> AssetPointer? {
        entries.withLockedValue { $0[asset]?.pointer }
    }

    func store(_ pointer: AssetPointer?, for asset: AssetID) {
        entries.withLockedValue { entries in
            // Bounded by the assets asked for; drop stale entries when it grows.
            if entries.count > 100_000 {
                let now = ContinuousClock.now
                entries = entries.filter { now - $0.value.read < ttl }
            }
            entries[asset] = (pointer, ContinuousClock.now)
        }
    }

    /// Drops what is known of the asset (after a change whose outcome is not known): the next read asks.
    func forget(_ asset: AssetID) {
        _ = entries.withLockedValue { $0.removeValue(forKey: asset) }
    }
}

import Foundation
import MediaCore
import NIOConcurrencyHelpers

/// Each asset's pointer as last read, served stale-while-revalidate: a VOD segment request needs the
/// pointer (which folder holds the current version), and a GET to the store per request, or even one
/// request per second waiting on one, would make the warm origin wait on the bucket instead of sending
/// files. An entry younger than `refreshAfter` is fresh; one up to `maxStale` old is still served, and the
/// first request that finds it so starts the one background read that refreshes it (one in flight per
/// asset); an older one (an asset nobody asked for in a while) is read by the request itself.
///
/// A replace or delete made on another node therefore shows here within `refreshAfter` plus one read
/// while viewers ask for the asset, and within `maxStale` (the VOD entry manifest's max-age, so a viewer's
/// cached manifest is as old) however idle it was; a catalog notice or a URL naming a newer version than
/// the entry's makes it sooner (`expire`, `S3MediaStore.openVersion(of:atLeast:)`). This node's own writes
/// update it at once. Absent pointers are remembered as well.
final class PointerCache: Sendable {
    let refreshAfter: Duration
    let maxStale: Duration

    struct Entry {
        var pointer: AssetPointer?
        var read: ContinuousClock.Instant
        /// A background read of this asset's pointer is in flight.
        var refreshing = false
        /// Changed by every change made here (a store, an expiry), from one counter for all entries: a
        /// background read that started under another generation may have read the pointer before that
        /// change, and is dropped.
        var generation: Int
    }

    /// What a request may use.
    enum Lookup: Equatable {
        /// Within `refreshAfter`: use it.
        case fresh(AssetPointer?)
        /// Older, within `maxStale`: use it; when `refresh` is set this caller was picked to start the
        /// background read (`generation` is what to hand back to `store(_:for:ifStill:)`).
        case stale(AssetPointer?, refresh: Bool, generation: Int)
        /// Nothing usable: read the store now.
        case miss
    }

    private struct State {
        var entries: [AssetID: Entry] = [:]
        var generations = 0

        mutating func nextGeneration() -> Int {
            generations += 1
            return generations
        }
    }

    private let state = NIOLockedValueBox(State())

    init(refreshAfter: Duration, maxStale: Duration) {
        self.refreshAfter = refreshAfter
        self.maxStale = max(refreshAfter, maxStale)
    }

    func lookup(_ asset: AssetID, now: ContinuousClock.Instant = .now) -> Lookup {
        state.withLockedValue { state in
            guard let entry = state.entries[asset] else { return .miss }
            let age = now - entry.read
            if age < refreshAfter { return .fresh(entry.pointer) }
            guard age < maxStale else { return .miss }
            let refresh = !entry.refreshing
            if refresh { state.entries[asset]?.refreshing = true }
            return .stale(entry.pointer, refresh: refresh, generation: entry.generation)
        }
    }

    /// The last pointer read, however old: served while the store does not answer, so objects already in
    /// the cache keep playing through an outage of the store.
    func stale(_ asset: AssetID) -> AssetPointer? {
        state.withLockedValue { $0.entries[asset]?.pointer }
    }

    /// What a read or a write of this node found, now.
    func store(_ pointer: AssetPointer?, for asset: AssetID, now: ContinuousClock.Instant = .now) {
        state.withLockedValue { state in
            // Bounded by the assets asked for; drop entries nobody may use any more when it grows.
            if state.entries.count > 100_000 {
                state.entries = state.entries.filter { now - $0.value.read < maxStale || $0.value.refreshing }
            }
            state.entries[asset] = Entry(pointer: pointer, read: now, generation: state.nextGeneration())
        }
    }

    /// A background read's result, kept only when nothing changed the entry since that read started
    /// (`generation` from `lookup`); returns whether it was kept.
    @discardableResult
    func store(_ pointer: AssetPointer?, for asset: AssetID, ifStill generation: Int, now: ContinuousClock.Instant = .now) -> Bool {
        state.withLockedValue { state in
            guard state.entries[asset]?.generation == generation else { return false }
            state.entries[asset] = Entry(pointer: pointer, read: now, generation: state.nextGeneration())
            return true
        }
    }

    /// A background read failed: the entry stays as it was, and the next request past `refreshAfter` may
    /// start another.
    func refreshFailed(_ asset: AssetID, generation: Int) {
        state.withLockedValue { state in
            guard state.entries[asset]?.generation == generation else { return }
            state.entries[asset]?.refreshing = false
        }
    }

    /// Another node changed the asset (a catalog notice): the entry is still served until a read that
    /// starts after this call replaces it; a read already in flight may predate the change and is dropped.
    /// Returns the generation the caller's own read stores under, or nil when nothing is known of the asset.
    func expire(_ asset: AssetID) -> Int? {
        state.withLockedValue { state in
            guard state.entries[asset] != nil else { return nil }
            let generation = state.nextGeneration()
            state.entries[asset]?.generation = generation
            state.entries[asset]?.refreshing = true
            return generation
        }
    }

    /// Every asset's entry, expired (`expire`); the catalog notices may have been missed.
    func expireAll() -> [(AssetID, Int)] {
        state.withLockedValue { state in
            state.entries.keys.map { asset in
                let generation = state.nextGeneration()
                state.entries[asset]?.generation = generation
                state.entries[asset]?.refreshing = true
                return (asset, generation)
            }
        }
    }

    /// Drops what is known of the asset (after a change whose outcome is not known): the next read asks.
    func forget(_ asset: AssetID) {
        _ = state.withLockedValue { $0.entries.removeValue(forKey: asset) }
    }
}

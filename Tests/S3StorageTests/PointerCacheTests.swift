import Foundation
import MediaCore
import Testing
@testable import S3Storage

/// Stale-while-revalidate of asset pointers, on an injected clock: what a request may use at each age,
/// that one refresh is in flight per asset, and that a read which may predate a change is dropped.
struct PointerCacheTests {
    let asset = AssetID("movie")!
    let v1 = AssetPointer(version: 1, folder: "aaaa")
    let v2 = AssetPointer(version: 2, folder: "bbbb")
    let start = ContinuousClock.now

    func cache() -> PointerCache { PointerCache(refreshAfter: .seconds(1), maxStale: .seconds(60)) }

    @Test func freshThenStaleWithOneRefreshThenMiss() {
        let cache = cache()
        #expect(cache.lookup(asset, now: start) == .miss)
        cache.store(v1, for: asset, now: start)
        #expect(cache.lookup(asset, now: start + .milliseconds(999)) == .fresh(v1))
        // Past refreshAfter: served, and only the first request is picked to refresh.
        guard case .stale(let pointer, true, let generation) = cache.lookup(asset, now: start + .seconds(2)) else {
            Issue.record("expected a stale entry with a refresh to start")
            return
        }
        #expect(pointer == v1)
        #expect(cache.lookup(asset, now: start + .seconds(3)) == .stale(v1, refresh: false, generation: generation))
        // The refresh lands: fresh again, from when it was read.
        #expect(cache.store(v2, for: asset, ifStill: generation, now: start + .seconds(3)))
        #expect(cache.lookup(asset, now: start + .seconds(3)) == .fresh(v2))
        // Nobody asked for a minute: too old to serve, the request reads the store itself.
        #expect(cache.lookup(asset, now: start + .seconds(63)) == .miss)
        #expect(cache.stale(asset) == v2, "still there for an outage of the store")
    }

    @Test func aFailedRefreshLetsTheNextRequestTryAgain() {
        let cache = cache()
        cache.store(v1, for: asset, now: start)
        guard case .stale(_, true, let generation) = cache.lookup(asset, now: start + .seconds(2)) else {
            Issue.record("expected a refresh to start")
            return
        }
        cache.refreshFailed(asset, generation: generation)
        guard case .stale(v1, true, _) = cache.lookup(asset, now: start + .seconds(2)) else {
            Issue.record("expected the next request to start another refresh")
            return
        }
    }

    /// A background read started before this node's own write (or a catalog notice) may have read the old
    /// pointer: it must not overwrite what came after it.
    @Test func aReadOlderThanAChangeIsDropped() throws {
        let cache = cache()
        cache.store(v1, for: asset, now: start)
        guard case .stale(_, true, let generation) = cache.lookup(asset, now: start + .seconds(2)) else {
            Issue.record("expected a refresh to start")
            return
        }
        cache.store(v2, for: asset, now: start + .seconds(2))  // this node published v2 meanwhile
        #expect(!cache.store(v1, for: asset, ifStill: generation, now: start + .seconds(2)))
        #expect(cache.lookup(asset, now: start + .seconds(2)) == .fresh(v2))

        // A notice: the entry is served until the read started for it lands; one from before is dropped.
        guard case .stale(_, true, let before) = cache.lookup(asset, now: start + .seconds(4)) else {
            Issue.record("expected a refresh to start")
            return
        }
        let noticed = try #require(cache.expire(asset))
        #expect(cache.lookup(asset, now: start + .seconds(4)) == .stale(v2, refresh: false, generation: noticed))
        #expect(!cache.store(v2, for: asset, ifStill: before, now: start + .seconds(4)))
        #expect(cache.store(nil, for: asset, ifStill: noticed, now: start + .seconds(4)))
        #expect(cache.lookup(asset, now: start + .seconds(4)) == .fresh(nil), "deleted: known absent")
    }

    /// A forgotten entry's in-flight read does not come back as the entry of a later store.
    @Test func generationsNeverRepeatAcrossForget() {
        let cache = cache()
        cache.store(v1, for: asset, now: start)
        guard case .stale(_, true, let generation) = cache.lookup(asset, now: start + .seconds(2)) else {
            Issue.record("expected a refresh to start")
            return
        }
        cache.forget(asset)
        cache.store(v2, for: asset, now: start + .seconds(2))
        #expect(!cache.store(v1, for: asset, ifStill: generation, now: start + .seconds(2)))
        #expect(cache.expire(AssetID("other")!) == nil)
        #expect(cache.lookup(asset, now: start + .seconds(2)) == .fresh(v2))
    }
}

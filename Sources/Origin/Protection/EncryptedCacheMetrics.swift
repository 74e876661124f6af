import Prometheus
import Synchronization

/// The encrypted-object cache on `/metrics`: its size now, and its hits, misses and evictions since start
/// (counters advanced at each scrape by what changed since the previous one), so an operator can see
/// whether `drm.cache_max_bytes` holds the working set.
enum EncryptedCacheMetrics {
    static func register(_ cache: EncryptedObjectCache, on metrics: OriginMetrics) {
        let registry = metrics.registry
        let bytes = registry.makeGauge(name: "mediaserve_encrypted_cache_bytes", help: "Bytes of encrypted segments and inits held in memory")
        let entries = registry.makeGauge(name: "mediaserve_encrypted_cache_entries", help: "Encrypted segments and inits held in memory")
        let hits = registry.makeCounter(name: "mediaserve_encrypted_cache_hits_total",
                                        help: "Encrypted-object requests answered from memory or from an encryption already running")
        let misses = registry.makeCounter(name: "mediaserve_encrypted_cache_misses_total", help: "Encrypted-object requests that encrypted")
        let evictions = registry.makeCounter(name: "mediaserve_encrypted_cache_evictions_total",
                                             help: "Encrypted objects dropped to stay within drm.cache_max_bytes")
        let previous = Previous()
        metrics.addCollector {
            let now = cache.statistics
            let before = previous.swap(now)
            bytes.set(Double(now.bytes))
            entries.set(Double(now.entries))
            hits.increment(by: Int64(now.hits - before.hits))
            misses.increment(by: Int64(now.misses - before.misses))
            evictions.increment(by: Int64(now.evictions - before.evictions))
        }
    }

    /// The statistics at the previous scrape.
    private final class Previous: Sendable {
        private let value = Mutex(EncryptedObjectCache.Statistics())
        func swap(_ new: EncryptedObjectCache.Statistics) -> EncryptedObjectCache.Statistics {
            value.withLock { old in
                defer { old = new }
                return old
            }
        }
    }
}

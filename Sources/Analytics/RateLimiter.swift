import Synchronization

/// Token buckets by key (a client address, a session id): `perMinute` requests a minute on average,
/// bursts of up to `burst`. Keys idle long enough to have refilled are forgotten, so memory follows the
/// number of recent senders, capped at `maxKeys` (beyond it a new key is refused: a flood of fresh keys
/// must not grow memory without bound).
public final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: Int64 }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let ratePerMs: Double
    private let burst: Double
    private let maxKeys: Int

    public init(perMinute: Int, burst: Int, maxKeys: Int = 100_000) {
        ratePerMs = Double(perMinute) / 60_000
        self.burst = Double(max(burst, 1))
        self.maxKeys = maxKeys
    }

    /// Takes one token for `key` at time `now` (ms); false when the key is over its rate.
    public func allow(_ key: String, now: Int64) -> Bool {
        buckets.withLock { buckets in
            if buckets.count >= maxKeys, buckets[key] == nil { prune(&buckets, now: now) }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            if buckets[key] == nil, buckets.count >= maxKeys { return false }
            bucket.tokens = min(burst, bucket.tokens + Double(max(0, now - bucket.updated)) * ratePerMs)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return false
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            return true
        }
    }

    private func prune(_ buckets: inout [String: Bucket], now: Int64) {
        let refill = ratePerMs > 0 ? Int64(burst / ratePerMs) : Int64.max
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}

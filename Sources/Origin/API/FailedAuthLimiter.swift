import Foundation
import Synchronization

/// Slows down guessing of the admin key: after `allowedFailures` wrong keys from one address within
/// `windowSeconds`, that address gets 429 (without its key being checked) until the window has passed.
/// Bounded: the table is emptied when it grows past `maxAddresses` (an attacker with that many
/// addresses gains a few more guesses each, nothing else).
final class FailedAuthLimiter: Sendable {
    let allowedFailures: Int
    let windowSeconds: Double
    let maxAddresses: Int
    private let failures = Mutex<[String: (count: Int, since: Double)]>([:])

    init(allowedFailures: Int = 5, windowSeconds: Double = 60, maxAddresses: Int = 10_000) {
        self.allowedFailures = allowedFailures
        self.windowSeconds = windowSeconds
        self.maxAddresses = maxAddresses
    }

    /// Seconds to wait when this address must be refused now, else nil.
    func retryAfter(_ address: String, now: Double = Date().timeIntervalSince1970) -> Int? {
        failures.withLock { table in
            guard let entry = table[address] else { return nil }
            if now - entry.since >= windowSeconds { table[address] = nil; return nil }
            return entry.count >= allowedFailures ? max(1, Int((entry.since + windowSeconds - now).rounded(.up))) : nil
        }
    }

    func recordFailure(_ address: String, now: Double = Date().timeIntervalSince1970) {
        failures.withLock { table in
            if table.count >= maxAddresses { table.removeAll(keepingCapacity: true) }
            if let entry = table[address], now - entry.since < windowSeconds {
                table[address] = (entry.count + 1, entry.since)
            } else {
                table[address] = (1, now)
            }
        }
    }
}

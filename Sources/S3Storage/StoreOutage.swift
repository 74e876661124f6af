import Foundation
import NIOConcurrencyHelpers

/// Remembers that the object store just failed to answer (unreachable, timing out, 5xx after retries), so
/// the origin's next reads fail at once for `holdFor` instead of each waiting out its own timeouts: players
/// get a fast 503 while the store is down, and the store is asked again (by one read) once the hold ends.
/// A successful read clears it.
public final class StoreOutage: Sendable {
    public let holdFor: Duration
    private let state = NIOLockedValueBox<(reason: String, since: ContinuousClock.Instant)?>(nil)

    public init(holdFor: Duration = .seconds(2)) {
        self.holdFor = holdFor
    }

    /// Why the store is considered down now; nil when reads should go to it.
    public var current: String? {
        state.withLockedValue { state in
            guard let outage = state else { return nil }
            guard ContinuousClock.now - outage.since < holdFor else { return nil }
            return outage.reason
        }
    }

    /// The reason recorded last, even after the hold ended (until a read succeeds): what a read that came
    /// back empty-handed during an outage reports.
    public var lastReason: String? { state.withLockedValue { $0?.reason } }

    func failed(_ reason: String) {
        state.withLockedValue { $0 = (reason, ContinuousClock.now) }
    }

    func succeeded() {
        state.withLockedValue { if $0 != nil { $0 = nil } }
    }
}

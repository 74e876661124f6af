import Foundation

/// Events a server or pipeline under test reports from any thread, with the wall-clock time each arrived,
/// and a wait for a condition on them that wakes on every new event (no fixed sleeps).
public final class RecordedEvents<Event: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    private var times: [Double] = []
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    public init() {}

    public func append(_ event: Event) {
        let woken = lock.withLock {
            events.append(event)
            times.append(Date().timeIntervalSince1970)
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    public var all: [Event] { lock.withLock { events } }

    /// Every event with the time it arrived (seconds since 1970).
    public var timed: [(event: Event, time: Double)] { lock.withLock { Array(zip(events, times)) } }

    public func count(where predicate: (Event) -> Bool) -> Int { all.filter(predicate).count }

    /// Waits until `predicate` holds, up to `timeout` seconds. It is checked again on every new event and
    /// at least every `recheck` seconds, for conditions on state the events go with (e.g. a registry).
    public func wait(timeout: Double = 10, recheck: Double = 0.25, until predicate: @escaping ([Event]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if predicate(all) { return true }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            await nextEvent(orAfter: min(left, recheck))
        }
    }

    /// Returns on the next event, or after `seconds` when none comes (an event between the caller's last
    /// check and this registration is seen at the latest on that recheck).
    private func nextEvent(orAfter seconds: Double) async {
        let id = UUID()
        var timer: Task<Void, Never>?
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.withLock { waiters[id] = continuation }
            timer = Task { [weak self] in
                try? await Task.sleep(for: .seconds(seconds))
                self?.wake(id)
            }
        }
        timer?.cancel()
    }

    private func wake(_ id: UUID) {
        lock.withLock { waiters.removeValue(forKey: id) }?.resume()
    }
}

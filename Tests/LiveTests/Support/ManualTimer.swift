import Foundation
import TestSupport

/// A `LiveService.Sleep` the test fires itself: every sleep is recorded (so a test can wait until the
/// service armed its timer, and see for how long) and returns only when `fire` is called, or throws when
/// its task is cancelled (as `Task.sleep` does).
final class ManualTimer: @unchecked Sendable {
    /// The durations the service asked to sleep, in order.
    let requests = RecordedEvents<Duration>()
    private let lock = NSLock()
    private var sleepers: [UUID: CheckedContinuation<Void, any Error>] = [:]

    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] duration in try await wait(duration) }
    }

    /// Ends every pending sleep as if its time had passed.
    func fire() {
        let pending = lock.withLock {
            defer { sleepers.removeAll() }
            return Array(sleepers.values)
        }
        for sleeper in pending { sleeper.resume() }
    }

    private func wait(_ duration: Duration) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                lock.withLock { sleepers[id] = continuation }
                requests.append(duration)
                if Task.isCancelled { cancel(id) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    private func cancel(_ id: UUID) {
        lock.withLock { sleepers.removeValue(forKey: id) }?.resume(throwing: CancellationError())
    }
}

import NIOConcurrencyHelpers

/// Wakes the requests that wait for a live stream to grow (an LL-HLS blocking playlist reload, a part
/// asked for before it is written) as soon as the segmenter stores something, instead of polling.
///
/// A waiter names the generation it last saw, so a change between its check and its wait is never
/// missed; each wait ends at its deadline at the latest.
final class ChangeSignal: Sendable {
    private struct Waiter {
        var continuation: CheckedContinuation<Void, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var generation: UInt64 = 0
        var nextID = 0
        var waiters: [Int: Waiter] = [:]
    }

    private let state = NIOLockedValueBox(State())

    var generation: UInt64 { state.withLockedValue { $0.generation } }

    func signal() {
        let waiters: [Waiter] = state.withLockedValue { state in
            state.generation &+= 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters {
            waiter.timer?.cancel()
            waiter.continuation.resume()
        }
    }

    /// Returns once the generation is past `seen`, or at `deadline`, whichever comes first.
    func wait(after seen: UInt64, until deadline: ContinuousClock.Instant) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let id: Int? = state.withLockedValue { state in
                guard state.generation == seen else { return nil }
                state.nextID += 1
                state.waiters[state.nextID] = Waiter(continuation: continuation)
                return state.nextID
            }
            guard let id else { return continuation.resume() }
            let timer = Task { [state] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                if let waiter = state.withLockedValue({ $0.waiters.removeValue(forKey: id) }) { waiter.continuation.resume() }
            }
            let stillWaiting = state.withLockedValue { state in
                guard state.waiters[id] != nil else { return false }
                state.waiters[id]!.timer = timer
                return true
            }
            if !stillWaiting { timer.cancel() }
        }
    }
}

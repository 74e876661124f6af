import Foundation

/// A blocking first-in first-out queue with a fixed capacity between the decoding thread and one rung's
/// encoding thread. The bound keeps memory flat: decoding waits when the slowest encoder falls behind.
/// Live transcode uses it too, where the publisher's side `offer`s (never waits) and measures lag instead.
public final class BoundedQueue<Element>: @unchecked Sendable {
    // A ring of optional slots: a taken element is released at once (a kept reference would keep a decoded
    // picture's buffers alive long after the encoder is done with it).
    private var slots: [Element?]
    private var head = 0
    private var count = 0
    private var closed = false
    private let capacity: Int
    private let condition = NSCondition()

    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        slots = Array(repeating: nil, count: self.capacity)
    }

    /// Adds an element, waiting while the queue is full. Returns false if the queue was closed.
    @discardableResult
    public func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count >= capacity, !closed { condition.wait() }
        guard !closed else { return false }
        slots[(head + count) % capacity] = element
        count += 1
        condition.broadcast()
        return true
    }

    /// Adds an element unless the queue is full or closed (false then); never waits.
    public func offer(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard count < capacity, !closed else { return false }
        slots[(head + count) % capacity] = element
        count += 1
        condition.broadcast()
        return true
    }

    /// Takes the oldest element, waiting while empty; nil once closed and drained.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0, !closed { condition.wait() }
        guard count > 0 else { return nil }
        let element = slots[head]
        slots[head] = nil
        head = (head + 1) % capacity
        count -= 1
        condition.broadcast()
        return element
    }

    /// No more pushes; consumers drain what is left and then get nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Drops everything and closes (on failure or cancellation).
    public func abandon() {
        condition.lock()
        slots = Array(repeating: nil, count: capacity)
        head = 0
        count = 0
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A flag shared by the pipeline's threads and whoever may stop it (a signal handler, the job queue).
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    private var failure: Error?

    public init() {}

    public func cancel() {
        lock.lock(); value = true; lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock(); defer { lock.unlock() }
        return value
    }

    /// Records the first error any thread hit and stops the others.
    func fail(_ error: Error) {
        lock.lock()
        if failure == nil { failure = error }
        value = true
        lock.unlock()
    }

    var firstFailure: Error? {
        lock.lock(); defer { lock.unlock() }
        return failure
    }
}

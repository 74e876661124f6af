import Foundation

/// Waits until `condition` holds, checking it every `poll`, for at most `timeout`; returns whether it held.
/// For state another process owns (an HTTP answer, a job's state) where no event reaches the test: the test
/// goes on as soon as the condition is true and fails with its own message when it never becomes true.
public func eventually(timeout: Duration, poll: Duration = .milliseconds(50),
                       _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: poll)
    }
}

/// Lines a child process writes to a pipe, as events a test can wait for: e.g. its first progress line
/// proves it is mid-work, so a kill or an interrupt lands where the test means it to.
public final class OutputLines: @unchecked Sendable {
    public let pipe = Pipe()
    private let lock = NSCondition()
    private var lines: [String] = []
    private var partial = Data()
    private var closed = false

    public init() {
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.append(data)
        }
    }

    deinit { pipe.fileHandleForReading.readabilityHandler = nil }

    /// Blocks until a line containing `text` arrived (true), the pipe closed or `timeout` passed (false).
    public func wait(forLineContaining text: String, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if lines.contains(where: { $0.contains(text) }) { return true }
            if closed || !lock.wait(until: deadline) { return lines.contains(where: { $0.contains(text) }) }
        }
    }

    /// Everything received so far, for failure messages.
    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return (lines + [String(decoding: partial, as: UTF8.self)]).joined(separator: "\n")
    }

    private func append(_ data: Data) {
        lock.lock()
        defer { lock.broadcast(); lock.unlock() }
        guard !data.isEmpty else {
            closed = true
            pipe.fileHandleForReading.readabilityHandler = nil
            return
        }
        partial.append(data)
        while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(String(decoding: partial[partial.startIndex..<newline], as: UTF8.self))
            partial = Data(partial[partial.index(after: newline)...])
        }
    }
}

import Foundation

/// Checks `condition` until it holds or `timeout` seconds pass, for state that no event announces (a
/// server's connection count, a catalog row). Returns whether it held: a bounded wait on a condition,
/// never a timing assertion.
public func eventually(timeout: Double, every interval: Duration = .milliseconds(100),
                       _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

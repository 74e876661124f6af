import NIOConcurrencyHelpers

#if canImport(Glibc)
/// glibc's malloc_trim(3): gives free heap pages back to the system (Glibc's Swift module omits it).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// The bytes all RTMP connections together may hold for unfinished messages. Each connection's own limit
/// is small until it publishes with a valid key, but many connections could still add up: past this
/// total, the connection asking for more is closed. After a burst has gone, the freed memory is handed back
/// to the system (glibc keeps freed heap otherwise, and RSS would stay at the flood's peak).
final class RTMPMemoryBudget: Sendable {
    let limit: Int
    private let state = NIOLockedValueBox<(held: Int, peakSinceTrim: Int)>((0, 0))
    /// Held bytes that must have been released before memory is handed back.
    static let trimThreshold = 8 << 20

    init(limit: Int) { self.limit = limit }

    /// Changes a connection's share by `delta` bytes; false when the total would exceed the limit (the
    /// share is not taken then).
    func adjust(by delta: Int) -> Bool {
        let (accepted, trim) = state.withLockedValue { state -> (Bool, Bool) in
            if delta > 0, state.held + delta > limit { return (false, false) }
            state.held += delta
            state.peakSinceTrim = max(state.peakSinceTrim, state.held)
            // Hand memory back once a large share has been released (and at most once per such release).
            guard state.peakSinceTrim - state.held >= Self.trimThreshold else { return (true, false) }
            state.peakSinceTrim = state.held
            return (true, true)
        }
        if trim { Self.returnFreedMemory() }
        return accepted
    }

    var held: Int { state.withLockedValue { $0.held } }

    private static func returnFreedMemory() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}

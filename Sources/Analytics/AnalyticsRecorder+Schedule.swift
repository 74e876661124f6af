extension AnalyticsRecorder {
    /// The server's analytics loop: flush every `flushInterval`, roll up every minute, purge every hour
    /// (and once at start). Returns when the task is cancelled, after a last flush.
    public func run(flushInterval: Duration = .seconds(1), report: @escaping @Sendable (String) -> Void) async {
        // Nil until the first pass (a sentinel such as Int64.min overflows `now - last` and traps).
        var lastRollup: Int64?, lastPurge: Int64?
        while !Task.isCancelled {
            let now = clock()
            do {
                try flush()
                if Self.isDue(lastRollup, now: now, every: 60_000) { try rollUp(); lastRollup = now }
                if Self.isDue(lastPurge, now: now, every: 3_600_000) {
                    let purged = try purge()
                    lastPurge = now
                    if purged.sessions + purged.events > 0 {
                        report("analytics purge removed \(purged.sessions) sessions and \(purged.events) events")
                    }
                }
            } catch {
                report("analytics write failed (will retry): \(error)")
            }
            try? await Task.sleep(for: flushInterval)
        }
        try? flush()
    }

    /// Whether a periodic task last run at `last` (never: nil) is due again at `now` (all ms).
    static func isDue(_ last: Int64?, now: Int64, every interval: Int64) -> Bool {
        guard let last else { return true }
        return now - last >= interval
    }
}

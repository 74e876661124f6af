extension AnalyticsRecorder {
    /// The server's analytics loop: flush every `flushInterval`, roll up every minute, purge every hour
    /// (and once at start). Returns when the task is cancelled, after a last flush.
    public func run(flushInterval: Duration = .seconds(1), report: @escaping @Sendable (String) -> Void) async {
        var lastRollup = Int64.min, lastPurge = Int64.min
        while !Task.isCancelled {
            let now = clock()
            do {
                try flush()
                if now - lastRollup >= 60_000 { try rollUp(); lastRollup = now }
                if now - lastPurge >= 3_600_000 {
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
}

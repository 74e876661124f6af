/// The quality-of-experience definitions (README, "Viewer analytics"), as pure functions of sessions.
/// They follow the industry's usage (Mux Data, Conviva) so figures compare with other platforms.
public enum QoE {
    /// A session counts as concurrent while it was heard from (event or CMCD request) within this many ms.
    public static let concurrencyWindowMs: Int64 = 30_000
    /// A session that requested playback, never showed a frame and then fell silent this long exited
    /// before video start.
    public static let abandonAfterMs: Int64 = 60_000

    /// A play: a session that showed its first frame, or (CMCD-only players) fetched media.
    public static func isPlay(_ session: PlaybackSession) -> Bool {
        session.firstFrameAt != nil || (!session.hasEvents && session.cmcdRequests > 0)
    }

    /// Exit before video start: `start` with no `playing` before `end` or 60 s of silence, and no error
    /// (an error that stops startup is a playback failure instead).
    public static func exitedBeforeStart(_ session: PlaybackSession, now: Int64) -> Bool {
        guard session.requestedAt != nil, session.firstFrameAt == nil, session.errorCount == 0 else { return false }
        return session.state == .ended || now - session.lastSeen >= abandonAfterMs
    }

    /// Playback failure: the session's last word was an `error` (no `playing` after it).
    public static func failed(_ session: PlaybackSession) -> Bool { session.failing }

    /// Concurrent at `instant`: heard from between its first contact and 30 s after its last, and not
    /// ended by then. With `instant` = now this is "an event or CMCD request in the last 30 s, not ended".
    public static func isConcurrent(_ session: PlaybackSession, at instant: Int64) -> Bool {
        guard session.firstSeen <= instant, instant - session.lastSeen <= concurrencyWindowMs else { return false }
        if let ended = session.ended, ended <= instant { return false }
        return true
    }

    /// Stall time / (stall time + playing time); nil with neither.
    public static func rebufferRatio(stallMs: Int64, playingMs: Int64) -> Double? {
        let total = stallMs + playingMs
        return total > 0 ? Double(stallMs) / Double(total) : nil
    }

    /// Watch time: from play request to end, i.e. startup + playing + stalls (ms), as Mux counts it.
    public static func watchMs(_ session: PlaybackSession) -> Int64 {
        (session.startupMs ?? 0) + session.playingMs + session.stallMs
    }

    /// Nearest-rank percentile (`p` in 0...100) of unsorted values; nil for none.
    public static func percentile(_ values: [Int64], _ p: Double) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

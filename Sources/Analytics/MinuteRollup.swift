/// Per-minute, per-subject aggregates kept beside the sessions so long-range dashboards read one row per
/// minute instead of every session. Sessions are assigned to the minute they began; `peakConcurrent`
/// is sampled when the minute is rolled up.
public struct MinuteRollup: Sendable, Hashable, Codable {
    /// Start of the minute, ms since 1970.
    public var minute: Int64
    public var subject: PlaybackSubject
    public var sessions: Int
    public var plays: Int
    public var failures: Int
    public var exits: Int
    public var startupCount: Int
    public var startupTotalMs: Int64
    public var playingMs: Int64
    public var stallMs: Int64
    public var concurrent: Int

    public init(minute: Int64, subject: PlaybackSubject, sessions: Int = 0, plays: Int = 0, failures: Int = 0, exits: Int = 0,
                startupCount: Int = 0, startupTotalMs: Int64 = 0, playingMs: Int64 = 0, stallMs: Int64 = 0, concurrent: Int = 0) {
        self.minute = minute
        self.subject = subject
        self.sessions = sessions
        self.plays = plays
        self.failures = failures
        self.exits = exits
        self.startupCount = startupCount
        self.startupTotalMs = startupTotalMs
        self.playingMs = playingMs
        self.stallMs = stallMs
        self.concurrent = concurrent
    }

    /// Rollups of the minutes in [from, to) for the sessions given (those that began in them, and
    /// those concurrent at each minute's end), one per subject and minute with anything in it.
    public static func compute(_ sessions: [PlaybackSession], from: Int64, to: Int64, now: Int64) -> [MinuteRollup] {
        let start = from - from % 60_000
        var result: [MinuteRollup] = []
        var minute = start
        while minute < to {
            let end = minute + 60_000
            var bySubject: [PlaybackSubject: MinuteRollup] = [:]
            for session in sessions {
                let began = session.firstSeen >= minute && session.firstSeen < end
                let concurrent = QoE.isConcurrent(session, at: min(end, now))
                guard began || concurrent else { continue }
                var row = bySubject[session.subject] ?? MinuteRollup(minute: minute, subject: session.subject)
                if concurrent { row.concurrent += 1 }
                if began {
                    row.sessions += 1
                    if QoE.isPlay(session) { row.plays += 1 }
                    if QoE.failed(session) { row.failures += 1 }
                    if QoE.exitedBeforeStart(session, now: now) { row.exits += 1 }
                    if let startup = session.startupMs { row.startupCount += 1; row.startupTotalMs += startup }
                    row.playingMs += session.playingMs
                    row.stallMs += session.stallMs
                }
                bySubject[session.subject] = row
            }
            result += bySubject.values.sorted { $0.subject.id < $1.subject.id }
            minute = end
        }
        return result
    }
}

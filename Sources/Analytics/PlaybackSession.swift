/// One viewing session, folded from its events and CMCD requests. It is the stored form too: the catalog
/// keeps it as it stands after the last fold, so a later batch continues where the previous one stopped.
///
/// Durations come from differences of the player's event times (never negative: an event older than the
/// session's clock adds nothing); `lastSeen` is the server's clock, so concurrency does not depend on the
/// viewer's clock.
public struct PlaybackSession: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Known from CMCD only, or created by an event other than `start`.
        case idle
        /// `start` seen, no frame yet.
        case starting
        case playing
        case paused
        case seeking
        case stalled
        /// After an `error` with no `playing` since.
        case failed
        case ended
    }

    public var id: String
    public var subject: PlaybackSubject
    public var state: State
    /// Server time (ms) the session was first heard of: its place on the timeline.
    public var firstSeen: Int64
    /// Server time (ms) of its latest event or CMCD request.
    public var lastSeen: Int64
    /// Server time (ms) of its `end`.
    public var ended: Int64?
    /// Player time of `start` and of the first `playing`.
    public var requestedAt: Int64?
    public var firstFrameAt: Int64?
    /// Player time the current state began (durations accumulate from it).
    public var stateSince: Int64?
    /// `playing` minus `start`, ms; nil until both are known.
    public var startupMs: Int64?
    /// Time spent playing (ms).
    public var playingMs: Int64 = 0
    /// Rebuffering after the first frame (ms); seeking and startup are not stalls.
    public var stallMs: Int64 = 0
    public var stallCount = 0
    /// Sum of bitrate x playing ms, for the time-weighted average bitrate.
    public var bitrateMsProduct: Double = 0
    public var bitrate: Int?
    public var height: Int?
    /// Distinct renditions seen, as bit/s (at most 32 kept).
    public var renditions: [Int] = []
    public var errorCount = 0
    public var lastError: String?
    /// An `error` with no `playing` after it: the session counts as a playback failure.
    public var failing = false
    /// Playing time per rendition (bit/s -> ms); CMCD-only sessions credit each object's duration `d`.
    public var renditionMs: [Int: Int64] = [:]
    public var position: Double?
    public var userAgent: String?
    public var country: String?
    /// Media requests carrying CMCD credited to this session.
    public var cmcdRequests = 0
    /// Latest CMCD figures (kbit/s, ms).
    public var cmcdThroughputKbps: Int?
    public var cmcdBufferMs: Int?
    public var cmcdTopBitrateKbps: Int?
    /// Whether any player event (not only CMCD) was received.
    public var hasEvents = false

    public init(id: String, subject: PlaybackSubject, firstSeen: Int64) {
        self.id = id
        self.subject = subject
        state = .idle
        self.firstSeen = firstSeen
        lastSeen = firstSeen
    }

    /// Folds one event received at server time `now`. Events after `end` are ignored: an ended session's
    /// figures are final.
    public mutating func apply(_ event: PlaybackEvent, now: Int64, userAgent: String? = nil, country: String? = nil) {
        guard state != .ended else { return }
        hasEvents = true
        lastSeen = max(lastSeen, now)
        if let userAgent, self.userAgent == nil { self.userAgent = String(userAgent.prefix(256)) }
        if let country, self.country == nil { self.country = String(country.prefix(8)) }
        if let position = event.position { self.position = position }
        let t = event.time
        accumulate(until: t)
        switch event.type {
        case .start:
            if requestedAt == nil { requestedAt = t }
            if firstFrameAt == nil { enter(.starting, at: t) }
        case .playing:
            if firstFrameAt == nil {
                firstFrameAt = t
                if let requestedAt { startupMs = max(0, t - requestedAt) }
            }
            failing = false
            enter(.playing, at: t)
        case .pause: enter(.paused, at: t)
        case .seek: enter(.seeking, at: t)
        case .stall:
            if state == .playing {
                stallCount += 1
                enter(.stalled, at: t)
            }
        case .stallEnd:
            if state == .stalled { enter(.playing, at: t) }
        case .error:
            errorCount += 1
            lastError = event.error ?? lastError
            failing = true
            enter(.failed, at: t)
        case .heartbeat, .rendition: break
        case .end:
            enter(.ended, at: t)
            ended = now
        }
        if let bitrate = event.bitrate, bitrate > 0 {
            self.bitrate = bitrate
            note(rendition: bitrate)
        }
        if let height = event.height { self.height = height }
    }

    /// Credits one media request's CMCD, received at server time `now`.
    public mutating func apply(_ cmcd: CMCD, now: Int64, userAgent: String? = nil, country: String? = nil) {
        lastSeen = max(lastSeen, now)
        cmcdRequests += 1
        if let userAgent, self.userAgent == nil { self.userAgent = String(userAgent.prefix(256)) }
        if let country, self.country == nil { self.country = String(country.prefix(8)) }
        if let kbps = cmcd.bitrateKbps, cmcd.objectType != "a" {
            note(rendition: kbps * 1000)
            if !hasEvents {
                bitrate = kbps * 1000
                if let duration = cmcd.durationMs, duration > 0, duration < 600_000 {
                    renditionMs[kbps * 1000, default: 0] += Int64(duration)
                }
            }
        }
        // A starvation reported by CMCD counts as a stall only when the player sends no events (which
        // report stalls themselves, with their duration).
        if cmcd.bufferStarvation, !hasEvents { stallCount += 1 }
        cmcdThroughputKbps = cmcd.throughputKbps ?? cmcdThroughputKbps
        cmcdBufferMs = cmcd.bufferLengthMs ?? cmcdBufferMs
        cmcdTopBitrateKbps = cmcd.topBitrateKbps ?? cmcdTopBitrateKbps
    }

    private mutating func note(rendition bitrate: Int) {
        guard !renditions.contains(bitrate), renditions.count < 32 else { return }
        renditions.append(bitrate)
        renditions.sort()
    }

    private mutating func enter(_ next: State, at time: Int64) {
        state = next
        stateSince = max(stateSince ?? time, time)
    }

    /// Adds the time since the current state began to its total.
    private mutating func accumulate(until time: Int64) {
        guard let since = stateSince, time > since else { return }
        let delta = time - since
        switch state {
        case .playing:
            playingMs += delta
            if let bitrate {
                bitrateMsProduct += Double(bitrate) * Double(delta)
                if renditionMs[bitrate] != nil || renditionMs.count < 32 { renditionMs[bitrate, default: 0] += delta }
            }
        case .stalled:
            stallMs += delta
        default: break
        }
        stateSince = time
    }
}

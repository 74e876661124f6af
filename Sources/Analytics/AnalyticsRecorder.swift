import Synchronization

/// Receives playback events and CMCD, keeps the sessions heard from recently in memory, and writes them
/// to the store in batches (`flush`, called every second by `run`). The media path only touches memory:
/// CMCD for a session that is not in memory starts a fresh record that `flush` merges with the stored one.
public final class AnalyticsRecorder: Sendable {
    public struct Settings: Sendable {
        /// Event batches a minute per client address and per session (token buckets, burst of a quarter minute).
        public var batchesPerMinutePerAddress: Int
        public var batchesPerMinutePerSession: Int
        public var sessionTTLDays: Int
        public var eventTTLDays: Int
        /// Sessions held in memory at most; beyond it new sessions are refused (events) or not credited (CMCD).
        public var maxActiveSessions: Int

        public init(batchesPerMinutePerAddress: Int = 600, batchesPerMinutePerSession: Int = 120,
                    sessionTTLDays: Int = 90, eventTTLDays: Int = 7, maxActiveSessions: Int = 200_000) {
            self.batchesPerMinutePerAddress = batchesPerMinutePerAddress
            self.batchesPerMinutePerSession = batchesPerMinutePerSession
            self.sessionTTLDays = sessionTTLDays
            self.eventTTLDays = eventTTLDays
            self.maxActiveSessions = maxActiveSessions
        }
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible, Sendable {
        case rateLimited(String)
        case invalid(AnalyticsError)
        case full

        public var description: String {
            switch self {
            case .rateLimited(let who): return "too many event batches from \(who): slow down"
            case .invalid(let error): return error.description
            case .full: return "too many active sessions: try again later"
            }
        }
    }

    struct Entry {
        var session: PlaybackSession
        /// Created in memory without reading the store (CMCD path): merged with the stored one at flush.
        var fresh: Bool
    }

    struct Memory {
        var sessions: [String: Entry] = [:]
        var dirty: Set<String> = []
        var events: [StoredPlaybackEvent] = []
    }

    public let settings: Settings
    let store: any AnalyticsStore
    let clock: @Sendable () -> Int64
    private let memory = Mutex(Memory())
    private let byAddress: RateLimiter
    private let bySession: RateLimiter
    /// Raw events waiting for a flush at most; beyond it the oldest are dropped (sessions still count them).
    static let maxPendingEvents = 100_000

    /// `clock` is the server's time in ms since 1970 (tests inject one).
    public init(store: any AnalyticsStore, settings: Settings = Settings(), clock: @escaping @Sendable () -> Int64) {
        self.store = store
        self.settings = settings
        self.clock = clock
        byAddress = RateLimiter(perMinute: settings.batchesPerMinutePerAddress, burst: max(1, settings.batchesPerMinutePerAddress / 4))
        bySession = RateLimiter(perMinute: settings.batchesPerMinutePerSession, burst: max(1, settings.batchesPerMinutePerSession / 4))
    }

    /// Takes one decoded batch from `address`. A session keeps the subject it was first seen with: an event
    /// naming another asset for it is refused, so a player cannot move another session's figures elsewhere.
    public func record(_ batch: EventBatch, address: String, userAgent: String?, country: String?) throws(Refusal) {
        let now = clock()
        guard byAddress.allow(address, now: now) else { throw .rateLimited("address \(address)") }
        var seen = Set<String>()
        for event in batch.events where seen.insert(event.sessionID).inserted {
            guard bySession.allow(event.sessionID, now: now) else { throw .rateLimited("session \(event.sessionID)") }
        }
        let missing = memory.withLock { memory in seen.filter { memory.sessions[$0] == nil } }
        let loaded = missing.isEmpty ? [] : ((try? store.playbackSessions(ids: Array(missing))) ?? [])
        try memory.withLock { memory throws(Refusal) in
            for session in loaded where memory.sessions[session.id] == nil {
                memory.sessions[session.id] = Entry(session: session, fresh: false)
            }
            for (index, event) in batch.events.enumerated() {
                if let known = memory.sessions[event.sessionID]?.session.subject, known != event.subject {
                    throw .invalid(.badEvent(index: index, reason: "session '\(event.sessionID)' belongs to \(known)"))
                }
            }
            if memory.sessions.count + seen.count > settings.maxActiveSessions,
               seen.contains(where: { memory.sessions[$0] == nil }) {
                throw .full
            }
            for event in batch.events.sorted(by: { $0.time < $1.time }) {
                var entry = memory.sessions[event.sessionID]
                    ?? Entry(session: PlaybackSession(id: event.sessionID, subject: event.subject, firstSeen: now), fresh: false)
                entry.session.apply(event, now: now, userAgent: userAgent, country: country)
                memory.sessions[event.sessionID] = entry
                memory.dirty.insert(event.sessionID)
            }
            memory.events += batch.events.map { StoredPlaybackEvent(event: $0, received: now) }
            if memory.events.count > Self.maxPendingEvents { memory.events.removeFirst(memory.events.count - Self.maxPendingEvents) }
        }
    }

    /// Credits one media request's CMCD to its session (`sid`); requests without a session id are not
    /// sessions and are ignored. Memory only: no store access on the media path.
    public func record(_ cmcd: CMCD, subject: PlaybackSubject, userAgent: String?, country: String?) {
        guard let id = cmcd.sessionID, EventBatch.isSessionID(id) else { return }
        let now = clock()
        memory.withLock { memory in
            var entry: Entry
            if let known = memory.sessions[id] {
                guard known.session.subject == subject else { return }
                entry = known
            } else {
                guard memory.sessions.count < settings.maxActiveSessions else { return }
                entry = Entry(session: PlaybackSession(id: id, subject: subject, firstSeen: now), fresh: true)
            }
            entry.session.apply(cmcd, now: now, userAgent: userAgent, country: country)
            memory.sessions[id] = entry
            memory.dirty.insert(id)
        }
    }

    /// Writes changed sessions and pending events to the store, then forgets sessions silent for longer
    /// than two concurrency windows (they are stored; a new event reloads them).
    public func flush() throws {
        let freshIDs = memory.withLock { memory in memory.sessions.filter(\.value.fresh).map(\.key) }
        let stored = freshIDs.isEmpty ? [] : try store.playbackSessions(ids: freshIDs)
        let (sessions, events) = memory.withLock { memory -> ([PlaybackSession], [StoredPlaybackEvent]) in
            for session in stored {
                if let entry = memory.sessions[session.id], entry.fresh, entry.session.subject == session.subject {
                    memory.sessions[session.id] = Entry(session: session.absorbing(cmcdOf: entry.session), fresh: false)
                }
            }
            for id in freshIDs { memory.sessions[id]?.fresh = false }
            let sessions = memory.dirty.compactMap { memory.sessions[$0]?.session }
            let events = memory.events
            memory.dirty = []
            memory.events = []
            return (sessions, events)
        }
        if !sessions.isEmpty || !events.isEmpty {
            do {
                try store.saveAnalytics(sessions: sessions, events: events)
            } catch {
                memory.withLock { memory in
                    for session in sessions where memory.sessions[session.id] != nil { memory.dirty.insert(session.id) }
                    memory.events = Array((events + memory.events).suffix(Self.maxPendingEvents))
                }
                throw error
            }
        }
        let cutoff = clock() - 2 * QoE.concurrencyWindowMs - QoE.abandonAfterMs
        memory.withLock { memory in
            memory.sessions = memory.sessions.filter { $0.value.session.lastSeen >= cutoff || memory.dirty.contains($0.key) }
        }
    }

    /// The sessions in memory (recently heard from), for live gauges without a database read.
    public func activeSessions() -> [PlaybackSession] {
        memory.withLock { memory in memory.sessions.values.map(\.session) }
    }

    /// Stored sessions (after a flush) meeting [from, to].
    public func sessions(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> [PlaybackSession] {
        try flush()
        return try store.playbackSessions(subject: subject, from: from, to: to)
    }

    public func summary(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> AnalyticsSummary {
        AnalyticsSummary(sessions: try sessions(subject: subject, from: from, to: to), now: min(to, clock()))
    }

    /// Deletes what is older than the TTLs.
    @discardableResult
    public func purge() throws -> PurgeCount {
        let now = clock()
        return try store.purgeAnalytics(sessionsBefore: now - Int64(settings.sessionTTLDays) * 86_400_000,
                                        eventsBefore: now - Int64(settings.eventTTLDays) * 86_400_000)
    }

    /// Recomputes the rollups of the last `minutes` minutes (sessions change after they begin: a startup
    /// arrives, a stall ends), so each minute is final once it is that old.
    public func rollUp(minutes: Int = 5) throws {
        let now = clock()
        let from = now - Int64(minutes) * 60_000
        let sessions = try self.sessions(subject: nil, from: from - from % 60_000, to: now)
        try store.saveRollups(MinuteRollup.compute(sessions, from: from, to: now, now: now))
    }
}

/// Where sessions and raw events are kept (the catalog database). The recorder writes through it in
/// batches; queries read from it. Implemented by Catalog (SQLite) so Analytics holds no SQL.
public protocol AnalyticsStore: Sendable {
    /// Upserts sessions and appends raw events, in one transaction.
    func saveAnalytics(sessions: [PlaybackSession], events: [StoredPlaybackEvent]) throws
    func playbackSessions(ids: [String]) throws -> [PlaybackSession]
    /// Sessions whose contact span [firstSeen, lastSeen] meets [from, to], optionally of one subject.
    func playbackSessions(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> [PlaybackSession]
    /// Deletes sessions last seen before `sessionsBefore` and events received before `eventsBefore`.
    func purgeAnalytics(sessionsBefore: Int64, eventsBefore: Int64) throws -> PurgeCount
    /// Upserts per-minute rollups.
    func saveRollups(_ rollups: [MinuteRollup]) throws
    func rollups(subject: PlaybackSubject?, from: Int64, to: Int64) throws -> [MinuteRollup]
}

/// A raw event as kept for `analytics.event_ttl_days`.
public struct StoredPlaybackEvent: Sendable, Hashable {
    public var event: PlaybackEvent
    /// Server time of receipt, ms.
    public var received: Int64

    public init(event: PlaybackEvent, received: Int64) {
        self.event = event
        self.received = received
    }
}

public struct PurgeCount: Sendable, Hashable, Codable {
    public var sessions: Int
    public var events: Int

    public init(sessions: Int, events: Int) {
        self.sessions = sessions
        self.events = events
    }
}

/// What a player did, as sent to `POST /api/v1/playback-events`. Times are milliseconds since the Unix
/// epoch as the player's clock saw them; durations are derived from differences of one session's times,
/// so a skewed player clock does not distort them (concurrency uses the server's clock instead).
public struct PlaybackEvent: Sendable, Hashable, Codable {
    public var sessionID: String
    public var type: PlaybackEventType
    /// Milliseconds since 1970 (player clock).
    public var time: Int64
    public var subject: PlaybackSubject
    /// Playhead, seconds.
    public var position: Double?
    /// Bits per second of the rendition playing.
    public var bitrate: Int?
    public var height: Int?
    public var error: String?

    public init(sessionID: String, type: PlaybackEventType, time: Int64, subject: PlaybackSubject,
                position: Double? = nil, bitrate: Int? = nil, height: Int? = nil, error: String? = nil) {
        self.sessionID = sessionID
        self.type = type
        self.time = time
        self.subject = subject
        self.position = position
        self.bitrate = bitrate
        self.height = height
        self.error = error
    }
}

/// The event types of the playback-events API.
public enum PlaybackEventType: String, Sendable, Hashable, Codable, CaseIterable {
    /// Play was requested (the startup clock starts).
    case start
    /// The first frame is shown, or playback resumes after a pause, seek or stall.
    case playing
    case pause
    case seek
    /// The player switched to another rendition (`bitrate`, `height`).
    case rendition
    /// Buffering began during playback.
    case stall
    case stallEnd = "stall_end"
    case error
    /// Sent every few seconds while the page is open: keeps the session counted as concurrent.
    case heartbeat
    case end
}

/// What a session watches: a VOD asset or a live stream, by id.
public struct PlaybackSubject: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable { case asset, stream }
    public var kind: Kind
    public var id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    public static func asset(_ id: String) -> PlaybackSubject { PlaybackSubject(kind: .asset, id: id) }
    public static func stream(_ id: String) -> PlaybackSubject { PlaybackSubject(kind: .stream, id: id) }

    public var description: String { "\(kind.rawValue) '\(id)'" }
}

import MediaCore

/// One live stream listed in the streams file (`live.streams_file`): `mediaserve serve` creates or updates
/// it in the catalog at start, so a server managed as files needs no API call to publish.
public struct ConfiguredLiveStream: Sendable, Hashable {
    public var id: SafeName
    /// The secret publishers send. Never printed or logged (`description` leaves it out).
    public var key: String
    /// Event mode (`mode: event`): every segment is kept; else a sliding DVR window.
    public var eventMode: Bool
    /// Nil: `live.dvr_window_seconds`.
    public var dvrWindowSeconds: Int?
    /// The standby publisher's key (`backup_key` or `backup_key_env`); never printed or logged. Nil: none.
    public var backupKey: String?
    /// `low_latency: true|false`; nil follows `live.low_latency.enabled`.
    public var lowLatency: Bool?
    /// `file:line:column` of the entry, for errors found later (a key another stream already uses).
    public var origin: String

    public init(id: SafeName, key: String, eventMode: Bool = false, dvrWindowSeconds: Int? = nil, origin: String = "",
                backupKey: String? = nil, lowLatency: Bool? = nil) {
        self.backupKey = backupKey
        self.lowLatency = lowLatency
        self.id = id
        self.key = key
        self.eventMode = eventMode
        self.dvrWindowSeconds = dvrWindowSeconds
        self.origin = origin
    }
}

extension ConfiguredLiveStream: CustomStringConvertible {
    /// Without the key: a stream may end up in a log line or an error message.
    public var description: String {
        "live stream '\(id)' (\(eventMode ? "event" : "sliding"), dvr_window_seconds \(dvrWindowSeconds.map(String.init) ?? "default"))"
    }
}

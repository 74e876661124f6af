import Access
import Foundation
import LiveSegmenting
import MediaCore
import Publishing

/// How a live stream's manifests behave: `sliding` keeps a DVR window, `event` only grows (HLS
/// `PLAYLIST-TYPE:EVENT`) and keeps every segment of the stream.
public enum LiveStreamMode: String, Codable, Sendable {
    case sliding
    case event
}

/// Body of `POST /api/v1/live-streams` (every field optional).
public struct LiveStreamCreation: Sendable, Equatable {
    public var id: SafeName?
    public var dvrWindowSeconds: Int?
    public var mode: LiveStreamMode
    /// Who may play the stream (issue 12); nil follows `access.default_policy`.
    public var access: AccessPolicy?
    /// Deliver the stream encrypted (issue 13).
    public var encrypted = false
    /// Low-latency HLS/DASH for this stream (`"lowLatency"`); nil follows `live.low_latency.enabled`.
    public var lowLatency: Bool?

    public init(id: SafeName? = nil, dvrWindowSeconds: Int? = nil, mode: LiveStreamMode = .sliding) {
        self.id = id
        self.dvrWindowSeconds = dvrWindowSeconds
        self.mode = mode
    }

    /// Refuses with a message a person can act on rather than Foundation's decoding text.
    public static func parse(_ body: Data) throws -> LiveStreamCreation {
        guard !body.isEmpty else { return LiveStreamCreation() }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw OriginError.badRequest("the body must be a JSON object: {\"id\": \"cam1\", \"dvr_window_seconds\": 7200, \"mode\": \"sliding\"}")
        }
        var creation = LiveStreamCreation()
        if let raw = object["id"] {
            guard let text = raw as? String, let id = SafeName(text) else {
                throw OriginError.badRequest("live stream id '\(raw)' must use a-z, 0-9, '-' and '_' (at most 64)")
            }
            creation.id = id
        }
        if let raw = object["dvr_window_seconds"] {
            guard let seconds = raw as? Int, LiveStreamRules.dvrWindowSeconds.contains(seconds) else {
                let range = LiveStreamRules.dvrWindowSeconds
                throw OriginError.badRequest("dvr_window_seconds must be a whole number of seconds from \(range.lowerBound) to \(range.upperBound), not '\(raw)'")
            }
            creation.dvrWindowSeconds = seconds
        }
        if let raw = object["mode"] {
            guard let text = raw as? String, let mode = LiveStreamMode(rawValue: text) else {
                throw OriginError.badRequest("mode must be 'sliding' or 'event', not '\(raw)'")
            }
            creation.mode = mode
        }
        if let raw = object["access"] {
            guard let text = raw as? String, let policy = AccessPolicy(rawValue: text) else {
                throw OriginError.badRequest("access must be one of \(AccessPolicy.names), not '\(raw)'")
            }
            creation.access = policy
        }
        if let raw = object["encrypted"] {
            guard let flag = raw as? Bool else { throw OriginError.badRequest("encrypted must be true or false, not '\(raw)'") }
            creation.encrypted = flag
        }
        if let raw = object["lowLatency"] ?? object["low_latency"] {
            guard let flag = raw as? Bool else { throw OriginError.badRequest("lowLatency must be true or false, not '\(raw)'") }
            creation.lowLatency = flag
        }
        return creation
    }
}

/// A configured live stream as the API shows it; `key`, `backupKey` and their URLs only when the stream is
/// created (they hold the secret keys).
public struct LiveStreamSummary: Codable, Sendable, Equatable {
    public var id: String
    public var state: String
    public var publishing: Bool
    public var mode: LiveStreamMode
    public var dvrWindowSeconds: Int
    public var key: String?
    public var rtmpUrl: String?
    /// `srt://<host>:<port>?streamid=<key>`, when the SRT listener runs.
    public var srtUrl: String?
    public var playback: PlaybackURLs
    /// The stream's access policy when it has its own (issue 12).
    public var access: String?
    /// The standby publisher's key and URLs (issue 15): it takes over when the primary fails.
    public var backupKey: String?
    public var backupRtmpUrl: String?
    public var backupSrtUrl: String?
    /// Whether the stream has a backup key (shown in every response; the key itself only on creation).
    public var hasBackupKey: Bool
    /// Low-latency HLS/DASH (parts) for this stream: its own choice, or `live.low_latency.enabled`.
    public var lowLatency: Bool
    /// Which input's media is written now (`primary`, `backup`), nil while none is.
    public var activeInput: String?
    /// Inputs with a publisher connected now.
    public var connectedInputs: [String]
    /// The newest input switches, oldest first: `at` (ISO 8601), `from`, `to`, `reason`, first `segment`.
    public var inputSwitches: [InputSwitchSummary]

    public init(id: SafeName, state: String, publishing: Bool, mode: LiveStreamMode, dvrWindowSeconds: Int,
                key: String? = nil, rtmpUrl: String? = nil, srtUrl: String? = nil) {
        self.id = id.rawValue
        self.state = state
        self.publishing = publishing
        self.mode = mode
        self.dvrWindowSeconds = dvrWindowSeconds
        self.key = key
        self.rtmpUrl = rtmpUrl
        self.srtUrl = srtUrl
        lowLatency = false
        hasBackupKey = false
        connectedInputs = []
        inputSwitches = []
        playback = PlaybackURLs(hls: "/live/\(id)/master.m3u8", dash: "/live/\(id)/manifest.mpd")
    }
}

/// One input switch as the API shows it.
public struct InputSwitchSummary: Codable, Sendable, Equatable {
    public var at: String
    public var from: String
    public var to: String
    public var reason: String
    public var segment: Int
    public var discontinuity: Bool

    public init(_ change: InputSwitch) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        at = formatter.string(from: Date(timeIntervalSince1970: change.at))
        from = change.from.rawValue
        to = change.to.rawValue
        reason = change.reason.rawValue
        segment = change.segment
        discontinuity = change.discontinuity
    }
}

/// Parsing the body of `POST /api/v1/live-streams/{id}/archive`: a time range (seconds since the stream's
/// first segment, or ISO 8601 wall-clock times) and the new asset's id and title, all optional. The
/// request itself is Publishing's.
extension LiveArchiveRequest {
    public static func parse(_ body: Data) throws -> LiveArchiveRequest {
        guard !body.isEmpty else { return LiveArchiveRequest() }
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw OriginError.badRequest("the body must be a JSON object: {\"start\": 0, \"end\": 60, \"asset_id\": \"talk\", \"title\": \"Talk\"}")
        }
        var request = LiveArchiveRequest()
        request.start = try object["start"].map { try bound($0, name: "start") }
        request.end = try object["end"].map { try bound($0, name: "end") }
        if let raw = object["asset_id"] {
            guard let text = raw as? String, let id = AssetID(text) else {
                throw OriginError.badRequest("asset_id '\(raw)' must use a-z, 0-9, '-' and '_' (at most 64)")
            }
            request.assetID = id
        }
        if let raw = object["title"] {
            guard let text = raw as? String else { throw OriginError.badRequest("title must be a string") }
            request.title = text
        }
        return request
    }

    private static func bound(_ raw: Any, name: String) throws -> Bound {
        if let number = raw as? Double, number >= 0 { return .offset(number) }
        if let text = raw as? String {
            if let number = Double(text), number >= 0 { return .offset(number) }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = ISO8601DateFormatter().date(from: text) ?? formatter.date(from: text) {
                return .wallClock(date.timeIntervalSince1970)
            }
        }
        throw OriginError.badRequest("\(name) must be seconds since the stream started (e.g. 12.5) or an ISO 8601 time (2026-11-23T13:20:00Z), not '\(raw)'")
    }
}

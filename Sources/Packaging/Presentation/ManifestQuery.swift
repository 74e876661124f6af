/// The manifest query parameters (README, "Packaging"): rendition filters and a time-shift window.
///
/// Parsing is a pure function so the origin can turn a bad value into a 400 before building anything.
/// Unknown parameters are ignored (players and CDNs add their own, e.g. cache busters).
public struct ManifestQuery: Sendable, Hashable {
    /// A `start`/`end` value: seconds from the start of the presentation, or a wall-clock instant.
    public enum TimePoint: Sendable, Hashable {
        /// Seconds since the start (VOD: the first segment; live: availabilityStartTime).
        case offset(Double)
        /// Seconds since 1970, from an ISO 8601 date-time; mapped through programDateTime or availabilityStartTime.
        case wallClock(Double)
    }

    public var maxHeight: Int?
    /// Bits per second; compared with a rendition's peak bitrate.
    public var minBitrate: Int?
    public var maxBitrate: Int?
    public var start: TimePoint?
    public var end: TimePoint?

    public init(maxHeight: Int? = nil, minBitrate: Int? = nil, maxBitrate: Int? = nil,
                start: TimePoint? = nil, end: TimePoint? = nil) {
        self.maxHeight = maxHeight
        self.minBitrate = minBitrate
        self.maxBitrate = maxBitrate
        self.start = start
        self.end = end
    }

    public var hasTimeWindow: Bool { start != nil || end != nil }
    public var isEmpty: Bool { self == ManifestQuery() }

    /// Parses `max_height`, `min_bitrate`, `max_bitrate` (bits per second; `k`/`m` suffixes allowed) and
    /// `start`/`end` (seconds, or ISO 8601 such as `2026-01-02T03:04:05.250Z`).
    public static func parse(_ parameters: [String: String]) throws -> ManifestQuery {
        var query = ManifestQuery()
        if let raw = parameters["max_height"] {
            guard let value = Int(raw), value > 0 else {
                throw PackagingError.invalidQuery(parameter: "max_height", value: raw, reason: "expected a positive whole number of pixels")
            }
            query.maxHeight = value
        }
        query.minBitrate = try bitrate("min_bitrate", parameters["min_bitrate"])
        query.maxBitrate = try bitrate("max_bitrate", parameters["max_bitrate"])
        if let low = query.minBitrate, let high = query.maxBitrate, low > high {
            throw PackagingError.invalidQuery(parameter: "min_bitrate", value: String(low), reason: "greater than max_bitrate \(high)")
        }
        query.start = try timePoint("start", parameters["start"])
        query.end = try timePoint("end", parameters["end"])
        if let start = query.start, let end = query.end, let s = start.comparable, let e = end.comparable,
           s.isWallClock == e.isWallClock, e.value <= s.value {
            throw PackagingError.emptyWindow(reason: "end \(parameters["end"]!) is not after start \(parameters["start"]!)")
        }
        return query
    }

    /// The parameters in a fixed order, for links from the multivariant playlist to media playlists so that
    /// every viewer asking the same thing gets the same (cacheable) URLs. Empty when nothing was asked.
    public var canonicalQueryString: String {
        var parts: [String] = []
        if let maxHeight { parts.append("max_height=\(maxHeight)") }
        if let minBitrate { parts.append("min_bitrate=\(minBitrate)") }
        if let maxBitrate { parts.append("max_bitrate=\(maxBitrate)") }
        if let start { parts.append("start=" + start.queryValue) }
        if let end { parts.append("end=" + end.queryValue) }
        return parts.joined(separator: "&")
    }

    private static func bitrate(_ name: String, _ raw: String?) throws -> Int? {
        guard let raw else { return nil }
        var digits = Substring(raw.lowercased())
        var scale = 1
        if digits.hasSuffix("k") { scale = 1000; digits = digits.dropLast() }
        else if digits.hasSuffix("m") { scale = 1_000_000; digits = digits.dropLast() }
        guard let value = Int(digits), value > 0, value <= Int(Int32.max) / scale else {
            throw PackagingError.invalidQuery(parameter: name, value: raw, reason: "expected bits per second, e.g. 2500000 or 2500k")
        }
        return value * scale
    }

    private static func timePoint(_ name: String, _ raw: String?) throws -> TimePoint? {
        guard let raw else { return nil }
        if let seconds = Double(raw), raw.first != "+", !raw.lowercased().contains("n") {
            guard seconds.isFinite, seconds >= 0, seconds <= 1e10 else {
                throw PackagingError.invalidQuery(parameter: name, value: raw, reason: "seconds must be a number from 0 to 10000000000")
            }
            return .offset(seconds)
        }
        if let instant = ISO8601.parse(raw) { return .wallClock(instant) }
        throw PackagingError.invalidQuery(parameter: name, value: raw,
                                          reason: "expected seconds since the start or an ISO 8601 time like 2026-01-02T03:04:05Z")
    }
}

extension ManifestQuery.TimePoint {
    var comparable: (value: Double, isWallClock: Bool)? {
        switch self {
        case .offset(let s): return (s, false)
        case .wallClock(let t): return (t, true)
        }
    }

    var queryValue: String {
        switch self {
        case .offset(let s): return Decimal3.string(s, trim: true)
        case .wallClock(let t): return ISO8601.format(t)
        }
    }
}

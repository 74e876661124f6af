import Foundation

/// Decodes and checks one `{"events": [...]}` body. Every event is checked before any is accepted, so a
/// batch is taken whole or refused with the first bad event's index and reason.
public struct EventBatch: Sendable {
    public static let maxBytes = 64 * 1024
    public static let maxEvents = 200
    /// Session ids are opaque to us but end up in the catalog and logs: short printable tokens only.
    public static let maxSessionIDLength = 128
    /// Player clocks may be off, but not by more than this from the server's (ms).
    public static let maxClockSkew: Int64 = 24 * 3_600_000

    public let events: [PlaybackEvent]

    /// `now` is the server clock (ms) used to refuse times that cannot be right.
    public init(json data: [UInt8], now: Int64) throws(AnalyticsError) {
        guard data.count <= Self.maxBytes else {
            throw .batchTooLarge("\(data.count) bytes, the limit is \(Self.maxBytes)")
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: Data(data))
        } catch {
            throw .malformedBatch("not valid JSON")
        }
        guard let object = root as? [String: Any], let list = object["events"] as? [Any] else {
            throw .malformedBatch("no \"events\" array")
        }
        guard list.count <= Self.maxEvents else {
            throw .batchTooLarge("\(list.count) events, the limit is \(Self.maxEvents)")
        }
        var events: [PlaybackEvent] = []
        events.reserveCapacity(list.count)
        for (index, item) in list.enumerated() {
            do {
                events.append(try Self.event(item, now: now))
            } catch let reason {
                throw .badEvent(index: index, reason: reason.text)
            }
        }
        self.events = events
    }

    struct Reason: Error { let text: String }

    static func event(_ item: Any, now: Int64) throws(Reason) -> PlaybackEvent {
        guard let fields = item as? [String: Any] else { throw Reason(text: "not a JSON object") }
        guard let session = fields["sessionId"] as? String, isSessionID(session) else {
            throw Reason(text: "\"sessionId\" must be a string of 1 to \(maxSessionIDLength) letters, digits, '-', '_', '.' or ':'")
        }
        guard let typeText = fields["type"] as? String else { throw Reason(text: "\"type\" is missing") }
        guard let type = PlaybackEventType(rawValue: typeText) else {
            throw Reason(text: "unknown type '\(typeText.prefix(40))' (one of \(PlaybackEventType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let time = fields["time"].flatMap(EventTime.milliseconds) else {
            throw Reason(text: "\"time\" must be epoch milliseconds or an ISO 8601 date")
        }
        guard abs(time - now) <= maxClockSkew else {
            throw Reason(text: "\"time\" is more than a day away from the server's clock")
        }
        let subject: PlaybackSubject
        switch (fields["asset"] as? String, fields["stream"] as? String) {
        case (let asset?, nil) where isSubjectID(asset): subject = .asset(asset)
        case (nil, let stream?) where isSubjectID(stream): subject = .stream(stream)
        default: throw Reason(text: "give exactly one of \"asset\" or \"stream\" (an id: a-z, 0-9, '-', '_')")
        }
        let position = try number(fields, "position", 0...1e9)
        let bitrate = try number(fields, "bitrate", 0...1e11).map { Int($0) }
        let height = try number(fields, "height", 0...100_000).map { Int($0) }
        var error: String?
        if let raw = fields["error"] {
            guard let text = raw as? String else { throw Reason(text: "\"error\" must be a string") }
            error = String(text.prefix(200))
        }
        return PlaybackEvent(sessionID: session, type: type, time: time, subject: subject, position: position,
                             bitrate: bitrate, height: height, error: error)
    }

    static func number(_ fields: [String: Any], _ key: String, _ range: ClosedRange<Double>) throws(Reason) -> Double? {
        guard let raw = fields[key], !(raw is NSNull) else { return nil }
        guard let number = raw as? NSNumber, !(raw is Bool), range.contains(number.doubleValue) else {
            throw Reason(text: "\"\(key)\" must be a number in \(Int(range.lowerBound))...\(Int(range.upperBound))")
        }
        return number.doubleValue
    }

    public static func isSessionID(_ text: String) -> Bool {
        (1...maxSessionIDLength).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-_.:".utf8.contains(byte)
        }
    }

    /// Asset and stream ids follow the data directory's naming rule (MediaCore `SafeName`).
    static func isSubjectID(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}

/// Event times: epoch milliseconds (a JSON number) or an ISO 8601 date-time string.
enum EventTime {
    static func milliseconds(_ value: Any) -> Int64? {
        if let number = value as? NSNumber, !(value is Bool) {
            let double = number.doubleValue
            guard double.isFinite, double >= 0, double < 1e14 else { return nil }
            return Int64(double)
        }
        guard let text = value as? String else { return nil }
        return iso8601(text)
    }

    static func iso8601(_ text: String) -> Int64? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }
}

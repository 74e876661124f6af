/// Common Media Client Data (CTA-5004) that players attach to media requests: as the `CMCD=` query
/// argument (one URL-encoded list) or spread over the `CMCD-Object`, `CMCD-Request`, `CMCD-Session` and
/// `CMCD-Status` headers. Only the keys analytics credits to a session are kept; others are skipped.
///
/// The query argument differs per viewer and per request, so a CDN must leave it out of its cache key
/// (README, "Behind a CDN").
public struct CMCD: Sendable, Hashable {
    /// `sid`: session id (shared with playback events when the player uses one id for both).
    public var sessionID: String?
    /// `cid`: content id.
    public var contentID: String?
    /// `br`: encoded bitrate of the object, kbit/s.
    public var bitrateKbps: Int?
    /// `bl`: buffer length, ms.
    public var bufferLengthMs: Int?
    /// `bs`: the buffer ran empty since the previous request.
    public var bufferStarvation = false
    /// `su`: the object is needed for startup or a seek.
    public var startup = false
    /// `ot`: object type token (`v`, `a`, `av`, `i`, `m`, ...).
    public var objectType: String?
    /// `d`: object duration, ms.
    public var durationMs: Int?
    /// `mtp`: measured throughput, kbit/s.
    public var throughputKbps: Int?
    /// `tb`: top bitrate the player could pick, kbit/s.
    public var topBitrateKbps: Int?

    public init() {}

    /// True when nothing was found.
    public var isEmpty: Bool { self == CMCD() }

    /// Parses one list (`br=3200,bs,sid="abc",ot=v`) into `self`. Malformed members are skipped: a
    /// player's bad CMCD must never fail the media request it rides on.
    public mutating func merge(list: Substring.UTF8View) {
        var index = list.startIndex
        while index < list.endIndex {
            // key
            let keyStart = index
            while index < list.endIndex, list[index] != UInt8(ascii: "="), list[index] != UInt8(ascii: ",") {
                index = list.index(after: index)
            }
            let key = list[keyStart..<index]
            var value: Substring.UTF8View.SubSequence?
            var quoted = false
            if index < list.endIndex, list[index] == UInt8(ascii: "=") {
                index = list.index(after: index)
                if index < list.endIndex, list[index] == UInt8(ascii: "\"") {
                    quoted = true
                    index = list.index(after: index)
                    let valueStart = index
                    while index < list.endIndex, list[index] != UInt8(ascii: "\"") {
                        if list[index] == UInt8(ascii: "\\") { index = list.index(after: index); if index == list.endIndex { break } }
                        index = list.index(after: index)
                    }
                    // An unterminated string is dropped whole.
                    value = index < list.endIndex ? list[valueStart..<index] : nil
                    if index < list.endIndex { index = list.index(after: index) }
                    while index < list.endIndex, list[index] != UInt8(ascii: ",") { index = list.index(after: index) }
                } else {
                    let valueStart = index
                    while index < list.endIndex, list[index] != UInt8(ascii: ",") { index = list.index(after: index) }
                    value = list[valueStart..<index]
                }
            }
            if index < list.endIndex { index = list.index(after: index) }
            apply(key: key, value: value, quoted: quoted)
        }
    }

    private mutating func apply(key: Substring.UTF8View.SubSequence, value: Substring.UTF8View.SubSequence?, quoted: Bool) {
        switch key.count {
        case 1:
            if key.first == UInt8(ascii: "d") { durationMs = Self.integer(value) }
        case 2:
            let a = key.first!, b = key.last!
            switch (a, b) {
            case (UInt8(ascii: "b"), UInt8(ascii: "r")): bitrateKbps = Self.integer(value)
            case (UInt8(ascii: "b"), UInt8(ascii: "l")): bufferLengthMs = Self.integer(value)
            case (UInt8(ascii: "b"), UInt8(ascii: "s")): bufferStarvation = Self.boolean(value)
            case (UInt8(ascii: "s"), UInt8(ascii: "u")): startup = Self.boolean(value)
            case (UInt8(ascii: "o"), UInt8(ascii: "t")): if !quoted { objectType = Self.text(value, limit: 4) }
            case (UInt8(ascii: "t"), UInt8(ascii: "b")): topBitrateKbps = Self.integer(value)
            default: break
            }
        case 3:
            if key.elementsEqual("sid".utf8) {
                if quoted, let id = Self.text(value, limit: 128) { sessionID = id }
            } else if key.elementsEqual("cid".utf8) {
                if quoted { contentID = Self.text(value, limit: 128) }
            } else if key.elementsEqual("mtp".utf8) {
                throughputKbps = Self.integer(value)
            }
        default: break
        }
    }

    /// CMCD integers (and decimals, truncated); nil when absent, negative or absurd.
    static func integer(_ value: Substring.UTF8View.SubSequence?) -> Int? {
        guard let value, !value.isEmpty else { return nil }
        var result = 0
        for byte in value {
            if byte == UInt8(ascii: ".") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), result < 100_000_000_000 else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return result
    }

    /// A key alone is true (`bs`); `bs=?0` is false.
    static func boolean(_ value: Substring.UTF8View.SubSequence?) -> Bool {
        guard let value else { return true }
        return !value.elementsEqual("?0".utf8) && !value.elementsEqual("false".utf8)
    }

    static func text(_ value: Substring.UTF8View.SubSequence?, limit: Int) -> String? {
        guard let value, !value.isEmpty, value.count <= limit else { return nil }
        return String(Substring(value))
    }
}

extension CMCD {
    /// The four CTA-5004 header names, lower-cased.
    public static let headerNames = ["cmcd-object", "cmcd-request", "cmcd-session", "cmcd-status"]

    /// CMCD from a request: the (already percent-decoded) `CMCD` query value and the CMCD header values.
    /// Nil when the request carries none.
    public static func parse(query: String?, headers: [String]) -> CMCD? {
        guard query != nil || !headers.isEmpty else { return nil }
        var data = CMCD()
        if let query { data.merge(list: Substring(query).utf8) }
        for header in headers { data.merge(list: Substring(header).utf8) }
        return data.isEmpty ? nil : data
    }
}

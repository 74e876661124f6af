import Foundation

/// The query parameters access control reads (`exp`, `ip`, `mh`, `sig` of a signed URL and `token` of a
/// JWT or webhook item), taken from the raw query in one pass: a media request builds no dictionary of
/// its whole query, and a request without a query costs nothing here. Values are percent-decoded as the
/// HTTP layer decodes query values (`+` stays `+`; an undecodable value stays as sent); keys are
/// compared as sent; when a name repeats, the last one counts.
public struct AccessParameters: Sendable, Equatable {
    public var expires: String?
    public var ip: String?
    public var maxHeight: String?
    public var signature: String?
    public var token: String?

    public init(expires: String? = nil, ip: String? = nil, maxHeight: String? = nil, signature: String? = nil, token: String? = nil) {
        self.expires = expires
        self.ip = ip
        self.maxHeight = maxHeight
        self.signature = signature
        self.token = token
    }

    /// From already decoded parameters (tests, callers that hold a dictionary).
    public init(_ query: [String: String]) {
        self.init(expires: query["exp"], ip: query["ip"], maxHeight: query["mh"], signature: query["sig"], token: query["token"])
    }

    /// From a request's query as sent (without `?`); nil or empty gives no parameters.
    public init(rawQuery: Substring?) {
        self.init()
        guard let rawQuery, !rawQuery.isEmpty else { return }
        RawQuery.forEachPair(rawQuery) { pair in
            switch pair.name {
            case "exp": expires = pair.value
            case "ip": ip = pair.value
            case "mh": maxHeight = pair.value
            case "sig": signature = pair.value
            case "token": token = pair.value
            default: break
            }
        }
    }

    /// No access parameter at all.
    public static let none = AccessParameters()

    /// A signed URL's parameters in their canonical order, `exp=...[&ip=...][&mh=...]&sig=...`: what
    /// manifests append to every URI they write, and the key valid signatures are remembered by.
    public var signedQuery: String {
        var out = ""
        out.reserveCapacity(16 + (expires?.utf8.count ?? 0) + (ip?.utf8.count ?? 0) + (maxHeight?.utf8.count ?? 0)
                            + (signature?.utf8.count ?? 0))
        func add(_ name: String, _ value: String?) {
            guard let value else { return }
            if !out.isEmpty { out += "&" }
            out += name
            out += "="
            out += value
        }
        add("exp", expires)
        add("ip", ip)
        add("mh", maxHeight)
        add("sig", signature)
        return out
    }
}

/// The `name=value` pairs of a raw query string, split the way the HTTP layer (Hummingbird's
/// `URI.queryParameters`) splits them, so access control and the routes read the same parameters: on
/// `&` (an empty piece is an empty name, a trailing `&` ends the query), the name up to the first `=` as
/// sent, the value after it percent-decoded (kept as sent when it does not decode); a piece without `=`
/// is a name with an empty value.
public enum RawQuery {
    public struct Pair {
        public let name: Substring
        /// The value as sent (percent-encoded).
        public let rawValue: Substring

        /// The decoded value.
        public var value: String {
            guard rawValue.utf8.contains(UInt8(ascii: "%")) else { return String(rawValue) }
            return rawValue.removingPercentEncoding ?? String(rawValue)
        }
    }

    /// Calls `body` with each pair in order, without collecting them.
    public static func forEachPair(_ query: Substring, _ body: (Pair) -> Void) {
        var rest = query
        while !rest.isEmpty {
            let end = rest.utf8.firstIndex(of: UInt8(ascii: "&")) ?? rest.endIndex
            let piece = rest[..<end]
            if let equals = piece.utf8.firstIndex(of: UInt8(ascii: "=")) {
                body(Pair(name: piece[..<equals], rawValue: piece[piece.utf8.index(after: equals)...]))
            } else {
                body(Pair(name: piece, rawValue: ""))
            }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.utf8.index(after: end)...]
        }
    }
}

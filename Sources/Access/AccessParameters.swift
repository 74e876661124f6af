import Foundation

/// The query parameters access control reads (`exp`, `ip`, `mh`, `sig` of a signed URL and `token` of a
/// JWT or webhook item), taken from the raw query in one pass: a media request builds no dictionary of
/// its whole query, and a request without a query costs nothing here. Values are percent-decoded as the
/// HTTP layer decodes query values (`+` stays `+`; an undecodable value stays as sent); keys are
/// compared as sent; when a name repeats, the last one counts.
public struct AccessParameters: Sendable, Equatable {
    public let expires: String?
    public let ip: String?
    public let maxHeight: String?
    public let signature: String?
    public let token: String?
    /// A signed URL's parameters in their canonical order, `exp=...[&ip=...][&mh=...]&sig=...`: what
    /// manifests append to every URI they write, and the key valid signatures are remembered by. Made once
    /// here (a query sent in exactly this form, as every URL the origin mints and propagates is, is taken
    /// as it came), because every signed request asks for it.
    public let signedQuery: String

    public init(expires: String? = nil, ip: String? = nil, maxHeight: String? = nil, signature: String? = nil, token: String? = nil) {
        self.init(expires, ip, maxHeight, signature, token, canonical: nil)
    }

    private init(_ expires: String?, _ ip: String?, _ maxHeight: String?, _ signature: String?, _ token: String?, canonical: String?) {
        self.expires = expires
        self.ip = ip
        self.maxHeight = maxHeight
        self.signature = signature
        self.token = token
        signedQuery = canonical ?? Self.canonicalQuery(expires, ip, maxHeight, signature)
    }

    /// From already decoded parameters (tests, callers that hold a dictionary).
    public init(_ query: [String: String]) {
        self.init(expires: query["exp"], ip: query["ip"], maxHeight: query["mh"], signature: query["sig"], token: query["token"])
    }

    /// From a request's query as sent (without `?`); nil or empty gives no parameters.
    public init(rawQuery: Substring?) {
        guard let rawQuery, !rawQuery.isEmpty else {
            self.init()
            return
        }
        var expires, ip, maxHeight, signature, token: String?
        // Whether the query is the canonical signed form as sent: exp, ip, mh, sig in that order (each at
        // most once, exp and sig present), nothing else, no value percent-encoded, and as many bytes as
        // that form (so no piece without `=`, no empty piece, no trailing `&`).
        var rank = 0
        var canonical = true
        var length = -1
        RawQuery.forEachPair(rawQuery) { pair in
            let next: Int
            switch pair.name {
            case "exp": expires = pair.value; next = 1
            case "ip": ip = pair.value; next = 2
            case "mh": maxHeight = pair.value; next = 3
            case "sig": signature = pair.value; next = 4
            case "token": token = pair.value; next = 0
            default: next = 0
            }
            guard canonical else { return }
            if next > rank, !pair.isEncoded {
                rank = next
                length += pair.name.utf8.count + pair.rawValue.utf8.count + 2
            } else {
                canonical = false
            }
        }
        canonical = canonical && expires != nil && signature != nil && length == rawQuery.utf8.count
        self.init(expires, ip, maxHeight, signature, token, canonical: canonical ? String(rawQuery) : nil)
    }

    /// No access parameter at all.
    public static let none = AccessParameters()

    private static func canonicalQuery(_ expires: String?, _ ip: String?, _ maxHeight: String?, _ signature: String?) -> String {
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

        /// The value has a percent escape (`value` is then decoded, not the bytes as sent).
        public var isEncoded: Bool {
            rawValue.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "%")) }
                ?? rawValue.utf8.contains(UInt8(ascii: "%"))
        }

        /// The decoded value.
        public var value: String {
            guard isEncoded else { return String(rawValue) }
            return rawValue.removingPercentEncoding ?? String(rawValue)
        }
    }

    /// Calls `body` with each pair in order, without collecting them. Every media request with a query
    /// comes here (a signed URL's at least twice), so the bytes are scanned directly when the string
    /// holds them contiguously (as a request target does) and the pieces are cut by byte offset.
    public static func forEachPair(_ query: Substring, _ body: (Pair) -> Void) {
        let utf8 = query.utf8
        let scanned: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            let base = utf8.startIndex
            func index(_ offset: Int) -> Substring.Index { utf8.index(base, offsetBy: offset) }
            var start = 0
            while start < bytes.count {
                var end = start
                var equals = -1
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") {
                    if equals < 0, bytes[end] == UInt8(ascii: "=") { equals = end }
                    end += 1
                }
                if equals >= 0 {
                    body(Pair(name: query[index(start)..<index(equals)], rawValue: query[index(equals + 1)..<index(end)]))
                } else {
                    body(Pair(name: query[index(start)..<index(end)], rawValue: ""))
                }
                start = end + 1
            }
        }
        if scanned == nil { forEachPairByIndex(query, body) }
    }

    /// The same over a string whose bytes are not contiguous (a bridged one).
    private static func forEachPairByIndex(_ query: Substring, _ body: (Pair) -> Void) {
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

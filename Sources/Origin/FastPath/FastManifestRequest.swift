import Access
import HTTPTypes

/// What a VOD manifest answer (or a segment's, `init(segment:)`) depends on in a request, read once from `RawRequestHead`'s fields: the
/// target, whether gzip is accepted, whether a CORS `Origin` came, `If-None-Match`, the request id, and
/// the header values the access decision reads (the configured viewer headers included). It is only made
/// for a request `ManifestAnswerCache` may answer: a GET or HEAD of a `.m3u8`/`.mpd` target without CMCD
/// (its credit goes the ordinary way), and without a repeated header among those read (HTTPFields would
/// join the values; that request goes the ordinary way). Whether its answer may be kept (`isCacheable`)
/// depends on the target alone, so it is asked only before keeping one: a target in the cache passed it.
struct FastManifestRequest {
    var target: String
    var isHead: Bool
    var gzip = false
    var origin = false
    var ifNoneMatch: String?
    var requestID: String?
    var authorization: String?
    var userAgent: String?
    var country: String?
    var mobile: String?
    var cdnSecret: String?
    var clientIP: String?
    /// A segment request's access parameters (`AccessParameters(rawQuery:)` of its query), read by
    /// `init(segment:)` through the connection's memo; nil for a manifest request, whose kept answer holds them.
    var segmentParameters: AccessParameters?

    /// Longest target kept: a player's signed URL is well under it; longer ones are not cached.
    static let maxTargetBytes = 1024

    /// The manifest parameters (`ManifestQuery`, the protection `scheme`) and access parameters: anything
    /// else in a query (a cache buster) is answered, but not kept, so it cannot fill the cache.
    static func isKnownParameter(_ name: Substring) -> Bool {
        switch name {
        case "max_height", "min_bitrate", "max_bitrate", "start", "end", "scheme": true
        default: AccessMiddleware.isAccessParameter(name)
        }
    }

    /// A manifest request.
    init?(_ head: RawRequestHead, viewerHeaders: ViewerHeaderNames?) {
        var unused = SegmentQueryMemo()
        self.init(head, viewerHeaders: viewerHeaders, segment: false, memo: &unused)
    }

    /// A segment request `SegmentAnswerCache` may answer: a GET as above, also without Range, If-Range,
    /// If-Modified-Since or If-None-Match (those answers are made anew, and never kept). Its query is read
    /// through `memo`, the connection's.
    init?(segment head: RawRequestHead, viewerHeaders: ViewerHeaderNames?, memo: inout SegmentQueryMemo) {
        guard head.method == .get else { return nil }
        self.init(head, viewerHeaders: viewerHeaders, segment: true, memo: &memo)
    }

    private init?(_ head: RawRequestHead, viewerHeaders: ViewerHeaderNames?, segment: Bool, memo: inout SegmentQueryMemo) {
        let target = head.target
        guard head.method != .other, target.utf8.count <= Self.maxTargetBytes else { return nil }
        let mark = target.utf8.firstIndex(of: UInt8(ascii: "?"))
        let path = mark.map { target[..<$0] } ?? target[...]
        // A segment (most requests) is told apart before its query is looked at.
        if segment {
            guard Self.endsWith(path, ".m4s") || Self.endsWith(path, ".mp4") else { return nil }
            // A kept segment head is keyed by path alone: only queries the origin reads may share it.
            if let mark {
                let read = memo.read(target[target.utf8.index(after: mark)...])
                guard read.onlyKnown else { return nil }
                segmentParameters = read.parameters
            } else {
                segmentParameters = AccessParameters.none
            }
        } else {
            guard Self.endsWith(path, ".m3u8") || Self.endsWith(path, ".mpd") else { return nil }
        }
        // A configured viewer header that shares its name with one read below (e.g. User-Agent) goes the
        // ordinary way, rather than being read here twice or not at all.
        if viewerHeaders?.sharesAFixedName == true { return nil }
        self.target = target
        isHead = head.method == .head
        var seen: UInt16 = 0
        // Each header read here at most once; `bit` is its place in `seen`.
        func first(_ bit: UInt16) -> Bool {
            defer { seen |= 1 << bit }
            return seen & (1 << bit) == 0
        }
        for (name, value) in head.fields {
            let utf8 = name.utf8
            if utf8.count > 5, Self.same(name, "cmcd-", prefixOnly: true) { return nil }
            switch utf8.count {
            case 6 where Self.same(name, "origin"):
                guard first(0) else { return nil }
                origin = true
            case 15 where Self.same(name, "accept-encoding"):
                guard first(1) else { return nil }
                gzip = ManifestResponse.acceptsGzip(value)
            case 13 where Self.same(name, "if-none-match"):
                guard first(2), !segment else { return nil }
                ifNoneMatch = value
            case 5 where segment && Self.same(name, "range"), 8 where segment && Self.same(name, "if-range"),
                 17 where segment && Self.same(name, "if-modified-since"):
                return nil
            case 12 where Self.same(name, "x-request-id"):
                guard first(3) else { return nil }
                requestID = value
            case 13 where Self.same(name, "authorization"):
                guard first(4) else { return nil }
                authorization = value
            case 10 where Self.same(name, "user-agent"):
                guard first(5) else { return nil }
                userAgent = value
            default:
                guard let viewerHeaders else { continue }
                // A configured header's value, the first time its name comes; false when it comes again.
                func take(_ configured: HTTPField.Name?, _ bit: UInt16, _ slot: inout String?) -> Bool {
                    guard let configured, Self.same(name, configured.canonicalName) else { return true }
                    guard first(bit) else { return false }
                    slot = value
                    return true
                }
                guard take(viewerHeaders.country, 6, &country), take(viewerHeaders.mobile, 7, &mobile),
                      take(viewerHeaders.cdnSecret, 8, &cdnSecret), take(viewerHeaders.clientIP, 9, &clientIP) else { return nil }
            }
        }
    }

    /// The path of the target (without the query).
    var path: Substring {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<mark]
    }

    /// Whether the answer may be kept: the query names only parameters the origin reads (`isKnownParameter`).
    var isCacheable: Bool {
        rawQuery.map(Self.namesOnlyKnownParameters) ?? true
    }

    /// Whether every parameter of `query` (as sent, without `?`) is one the origin reads.
    static func namesOnlyKnownParameters(_ query: Substring) -> Bool {
        var known = true
        RawQuery.forEachPair(query) { pair in if !isKnownParameter(pair.name) { known = false } }
        return known
    }

    /// The query as sent (without `?`), nil when there is none.
    var rawQuery: Substring? {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return target[target.utf8.index(after: mark)...]
    }

    /// The access evaluator's view of this request, as `AccessMiddleware.viewerRequest` builds it from
    /// a Hummingbird request. `parameters` are the target's access parameters (`AccessParameters(rawQuery:)`),
    /// read once when its answer was kept: they depend on the target alone.
    func viewer(path: MediaPath, parameters: AccessParameters, remoteIP: String?, names: ViewerHeaderNames, now: Int) -> ViewerRequest {
        AccessMiddleware.viewerRequest(path: path, parameters: parameters, authorization: authorization, userAgent: userAgent,
                                       country: country, mobile: mobile, cdnSecret: cdnSecret, forwardedClientIP: clientIP,
                                       remoteIP: remoteIP, names: names, now: now)
    }

    /// Whether `path` ends with the ASCII `suffix`, byte for byte: `hasSuffix` compares by Unicode canonical
    /// equivalence, and asking it four times per request (manifest or segment?) was ~2 % of a segment's CPU.
    static func endsWith(_ path: Substring, _ suffix: StaticString) -> Bool {
        let bytes = path.utf8
        let count = suffix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return suffix.withUTF8Buffer { bytes.suffix(count).elementsEqual($0) }
    }

    /// ASCII case-insensitive equality with a lower-case name (or, with `prefixOnly`, a prefix of it).
    static func same(_ sent: String, _ lowercase: String, prefixOnly: Bool = false) -> Bool {
        var expected = lowercase.utf8.makeIterator()
        var count = 0
        for byte in sent.utf8 {
            guard let want = expected.next() else { return prefixOnly }
            let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            guard folded == want else { return false }
            count += 1
        }
        return expected.next() == nil
    }
}

import Access
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging

/// Puts every `/vod/` and `/live/` request through the access decision (DESIGN.md, "A protected media
/// request"). A refusal is 403 with `Cache-Control: no-store`, one log line with the reason and a count in
/// /metrics. An allowed request goes on with the signed-URL and token parameters taken out of its query
/// and the viewer's height limit put in as `max_height`, so the manifest is built and cached per
/// decision class, never per token; then the token is written into every URI of the manifest, responses
/// under a token become `private` (no shared cache gives them to another viewer), and `Vary` names
/// the headers the decision read.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = OriginRequestContext
    let gate: AccessGate
    let metrics: OriginMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let path = MediaPath(path: request.uri.path) else { return try await next(request, context) }
        let viewer = Self.viewerRequest(request, path: path, remoteIP: context.remoteIP, gate: gate)
        let grant: AccessGrant
        switch try await gate.decide(viewer, path: request.uri.path) {
        case .deny(let refusal):
            metrics.recordAccessRefusal(reason: refusal.reason.rawValue)
            context.logger.notice("access refused: \(request.uri.path): \(refusal.reason.rawValue): \(refusal.message)")
            throw OriginError.forbidden(refusal.message)
        case .allow(let allowed):
            grant = allowed
        }
        var response = try await next(forwarded(request, path: path, grant: grant), context)
        guard response.status.code < 400 else { return response }
        Self.apply(grant, isManifest: path.isManifest, to: &response.headers)
        if path.isManifest, let query = grant.propagatedQuery {
            if response.status == .ok {
                response = try await propagate(query, into: response, dash: request.uri.path.hasSuffix(".mpd"))
            }
            // The routes answered a GET (see `forwarded`): a HEAD gets its headers, with the rewritten length.
            if request.method == .head { response = response.createHeadResponse() }
        }
        return response
    }

    /// What an allowed request's grant does to its response headers: `private` when the answer was for
    /// this viewer's credentials, and `Vary` naming the request headers the decision read.
    static func apply(_ grant: AccessGrant, isManifest: Bool, to headers: inout HTTPFields) {
        if grant.viewerSpecific, let cache = headers[.cacheControl] { headers[.cacheControl] = privateCache(cache) }
        guard !grant.vary.isEmpty || (isManifest && !grant.manifestVary.isEmpty) else { return }
        let vary = grant.vary + (isManifest ? grant.manifestVary : [])
        if !vary.isEmpty {
            headers[.vary] = ([headers[.vary]].compactMap { $0 } + vary).joined(separator: ", ")
        }
    }

    /// What the evaluator reads of a request; also used for key requests (`GatedKeyAccess`), which name
    /// their item through the key rather than the path.
    static func viewerRequest(_ request: Request, path: MediaPath, remoteIP: String?, gate: AccessGate) -> ViewerRequest {
        viewerRequest(uri: request.uri, headers: request.headers, path: path, remoteIP: remoteIP, gate: gate)
    }

    /// The same from the request's parts (the fast path has no Hummingbird `Request`). Only the access
    /// parameters of the query are read, in one pass; no dictionary of it is built.
    static func viewerRequest(uri: URI, headers: HTTPFields, path: MediaPath, remoteIP: String?, gate: AccessGate) -> ViewerRequest {
        let names = gate.headerNames
        let header = { (name: HTTPField.Name?) in name.flatMap { headers[$0] } }
        return viewerRequest(path: path, rawQuery: uri.query.map { Substring($0) }, authorization: headers[.authorization],
                             userAgent: headers[.userAgent], country: header(names.country), mobile: header(names.mobile),
                             cdnSecret: header(names.cdnSecret), forwardedClientIP: header(names.clientIP), remoteIP: remoteIP,
                             names: names, now: Int(Date().timeIntervalSince1970))
    }

    /// The same from the header values themselves (`FastManifestRequest` reads them from the raw request):
    /// the bearer token out of `Authorization`, and the configured client-IP header (its port taken off when
    /// it carries one) in place of the connection's address.
    static func viewerRequest(path: MediaPath, rawQuery: Substring?, authorization: String?, userAgent: String?, country: String?,
                              mobile: String?, cdnSecret: String?, forwardedClientIP: String?, remoteIP: String?,
                              names: ViewerHeaderNames, now: Int) -> ViewerRequest {
        viewerRequest(path: path, parameters: AccessParameters(rawQuery: rawQuery), authorization: authorization, userAgent: userAgent,
                      country: country, mobile: mobile, cdnSecret: cdnSecret, forwardedClientIP: forwardedClientIP, remoteIP: remoteIP,
                      names: names, now: now)
    }

    /// The same with the query's access parameters already read.
    static func viewerRequest(path: MediaPath, parameters: AccessParameters, authorization: String?, userAgent: String?,
                              country: String?, mobile: String?, cdnSecret: String?, forwardedClientIP: String?, remoteIP: String?,
                              names: ViewerHeaderNames, now: Int) -> ViewerRequest {
        var bearer: String?
        if let authorization, authorization.hasPrefix("Bearer ") { bearer = String(authorization.dropFirst(7)) }
        var clientIP = remoteIP
        if let forwardedClientIP, let address = ForwardedAddress.address(forwardedClientIP, carriesPort: names.clientIPCarriesPort) {
            clientIP = address
        }
        return ViewerRequest(path: path, parameters: parameters, bearerToken: bearer, country: country,
                             mobileHeader: mobile, userAgent: userAgent, clientIP: clientIP, cdnSecret: cdnSecret, now: now)
    }

    /// True for the query parameters that carry access (a signed URL's and `token`, as `AccessParameters`
    /// reads them), never passed on to the routes and the packager.
    static func isAccessParameter(_ name: Substring) -> Bool {
        switch name {
        case "exp", "ip", "mh", "sig", "token": true
        default: false
        }
    }

    /// The query the routes see under `grant`: no access parameters, and on manifests the height limit as
    /// `max_height` (the lower of the viewer's own and the grant's). `changed` is false when it is the
    /// request's query as it came. Read from the raw query in one pass.
    static func forwardedQuery(_ uri: URI, path: MediaPath, grant: AccessGrant) -> (items: [(String, String)], changed: Bool) {
        var items: [(String, String)] = []
        var userMax: Int?
        var count = 0
        if let query = uri.query, !query.isEmpty {
            RawQuery.forEachPair(Substring(query)) { pair in
                count += 1
                if isAccessParameter(pair.name) { return }
                if pair.name == "max_height", path.isManifest, let limit = grant.listedMaxHeight {
                    userMax = Int(pair.value) ?? limit
                    return
                }
                items.append((String(pair.name), pair.value))
            }
        }
        if path.isManifest, let limit = grant.listedMaxHeight { items.append(("max_height", String(min(userMax ?? limit, limit)))) }
        return (items, items.count != count || grant.listedMaxHeight != nil)
    }

    /// The request the routes see: no access parameters, the height limit as `max_height` on manifests,
    /// and (when the token will be written into it) asking for the manifest uncompressed, whole (no 304)
    /// and as a GET even for a HEAD: the rewritten bytes decide the ETag and Content-Length a HEAD reports.
    private func forwarded(_ request: Request, path: MediaPath, grant: AccessGrant) -> Request {
        let (items, stripped) = Self.forwardedQuery(request.uri, path: path, grant: grant)
        guard stripped || (path.isManifest && grant.propagatedQuery != nil) else { return request }
        var head = request.head
        let encoded = items.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        head.path = request.uri.path + (encoded.isEmpty ? "" : "?" + encoded)
        if path.isManifest, grant.propagatedQuery != nil {
            head.headerFields[.acceptEncoding] = nil
            head.headerFields[.ifNoneMatch] = nil
            if head.method == .head { head.method = .get }
        }
        return Request(head: head, body: request.body)
    }

    /// `public, max-age=60, s-maxage=60` -> `private, max-age=60`: the browser may keep it, a CDN may not.
    /// The routes' own policies are turned once, here; anything else on each call.
    static func privateCache(_ value: String) -> String {
        privateForms[value] ?? makePrivate(value)
    }

    private static let privateForms: [String: String] = Dictionary(
        [CachePolicy.immutable, .vodVersionedManifest, .vodEntryManifest, .notYetAvailable, .shortLived]
            .map { ($0.headerValue, makePrivate($0.headerValue)) }, uniquingKeysWith: { first, _ in first })

    private static func makePrivate(_ value: String) -> String {
        let kept = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0 != "public" && !$0.hasPrefix("s-maxage") }
        return (["private"] + kept.filter { $0 != "private" }).joined(separator: ", ")
    }

    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? value
    }

    /// Rewrites a manifest body with the token in every URI; a new strong ETag over the bytes sent.
    /// The rewrite is kept per (manifest ETag, token query), so a player reloading with the same URL
    /// costs a lookup, not a rewrite and a digest.
    func propagate(_ query: String, into response: Response, dash: Bool) async throws -> Response {
        var response = response
        let rewritten: PropagatedManifests.Entry
        if let etag = response.headers[.eTag], let hit = gate.propagations.cached(etag: etag, query: query, dash: dash) {
            rewritten = hit
        } else {
            let collected = BodyCollector.Box()
            try await response.body.write(BodyCollector(box: collected))
            let text = String(buffer: collected.buffer.withLock { $0 })
            rewritten = gate.propagations.rewrite(text, etag: response.headers[.eTag], query: query, dash: dash)
        }
        response.headers[.eTag] = rewritten.etag
        response.headers[.contentEncoding] = nil
        response.body = ResponseBody(byteBuffer: rewritten.body)
        response.headers[.contentLength] = String(rewritten.body.readableBytes)
        return response
    }
}

/// Collects a response body that is already in memory (a rendered manifest).
struct BodyCollector: ResponseBodyWriter {
    final class Box: Sendable {
        let buffer = Mutex<ByteBuffer>(ByteBuffer())
    }

    let box: Box

    mutating func write(_ buffer: ByteBuffer) async throws {
        box.buffer.withLock { $0.writeImmutableBuffer(buffer) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension CharacterSet {
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+#")
        return set
    }()
}

import Synchronization

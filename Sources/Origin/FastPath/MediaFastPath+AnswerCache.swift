import Access
import Foundation
import HTTPTypes
import NIOCore

/// The whole-answer cache of VOD manifests (`ManifestAnswerCache`) as `FastPathFront` uses it: a hit is
/// the encoded answer with this request's X-Request-Id, Date and Server spliced in, after the same
/// per-request work as a miss (the listing still current, the item still clear, the access decision made
/// now and giving the grant the answer was made under, the access-log entry and metrics); a miss is kept
/// once `answer` has made it.
extension MediaFastPath {
    private static let allocator = ByteBufferAllocator()
    private static let splicedNames = (HTTPField.Name.xRequestID.rawName, HTTPField.Name.date.rawName, HTTPField.Name.server.rawName)

    /// The request as the cache reads it; nil when the cache may not answer or keep it.
    func manifestRequest(_ head: RawRequestHead) -> FastManifestRequest? {
        guard answers.isEnabled else { return nil }
        return FastManifestRequest(head, viewerHeaders: access?.headerNames)
    }

    private func key(_ request: FastManifestRequest, notModified: Bool) -> ManifestAnswerCache.Key {
        ManifestAnswerCache.Key(target: request.target, gzip: request.gzip, cors: request.origin && cors.isEnabled,
                                notModified: notModified)
    }

    private static func matches(_ ifNoneMatch: String, _ etag: String) -> Bool {
        Validators(etag: etag, lastModified: nil).notModified(ifNoneMatch: ifNoneMatch, ifModifiedSince: nil)
    }

    /// The encoded answer to `request` from the cache, or nil to answer it the ordinary way.
    func cachedAnswer(_ request: FastManifestRequest, remoteIP: String?, date: String, decisions: inout AccessDecisionMemo?) -> ByteBuffer? {
        let start = ContinuousClock.now
        var key = key(request, notModified: request.ifNoneMatch != nil)
        var found: ManifestAnswerCache.Entry?
        if let ifNoneMatch = request.ifNoneMatch {
            if let entry = answers.entry(key), Self.matches(ifNoneMatch, entry.etag) {
                found = entry
            } else {
                key.notModified = false
                // A 200 whose ETag the request names would be a 304 that is not kept yet.
                if let entry = answers.entry(key), !(entry.conditional && Self.matches(ifNoneMatch, entry.etag)) { found = entry }
            }
        } else {
            found = answers.entry(key)
        }
        guard let entry = found else { return nil }
        guard let listing = index.cachedVersions(tree: .vod, owner: entry.owner) else { return nil }
        guard listing.version == entry.listingVersion, listing.assetVersion == entry.assetVersion else {
            answers.remove(key, ifStill: entry)
            return nil
        }
        guard isKnownClear(entry.owner),
              decisionGives(entry.grant, path: entry.mediaPath, parameters: entry.parameters, request: request, remoteIP: remoteIP,
                            memo: &decisions) else {
            return nil
        }
        let requestID = AccessLogMiddleware.requestID(from: request.requestID)
        var bytes = splicedHead(entry.head, requestID: requestID, date: date, bodyBytes: request.isHead ? 0 : entry.body.readableBytes)
        if !request.isHead { bytes.writeImmutableBuffer(entry.body) }
        let elapsed = start.duration(to: .now)
        recorder.record(.init(method: request.isHead ? "HEAD" : "GET", path: entry.path, status: entry.status,
                              bytes: request.isHead ? 0 : entry.contentLength,
                              nanoseconds: RequestRecorder.nanoseconds(elapsed),
                              requestID: requestID, kind: entry.kind))
        answered.wrappingAdd(1, ordering: .relaxed)
        answeredFromCache.wrappingAdd(1, ordering: .relaxed)
        return bytes
    }

    /// A kept head (without its blank line) with this request's X-Request-Id, Date and Server and the blank
    /// line, in a buffer with room for `bodyBytes` more.
    func splicedHead(_ head: ByteBuffer, requestID: String, date: String, bodyBytes: Int) -> ByteBuffer {
        let names = Self.splicedNames
        var bytes = Self.allocator.buffer(capacity: head.readableBytes + bodyBytes + 128)
        bytes.writeImmutableBuffer(head)
        bytes.writeString(names.0)
        bytes.writeStaticString(": ")
        bytes.writeString(requestID)
        bytes.writeStaticString("\r\n")
        bytes.writeString(names.1)
        bytes.writeStaticString(": ")
        bytes.writeString(date)
        bytes.writeStaticString("\r\n")
        bytes.writeString(names.2)
        bytes.writeStaticString(": ")
        bytes.writeString(serverName)
        bytes.writeStaticString("\r\n\r\n")
        return bytes
    }

    /// The answer's head without the per-request fields and the blank line, as the answer caches keep it.
    static func keptHead(_ answer: Answer) -> ByteBuffer {
        var fields = answer.headers
        fields[.xRequestID] = nil
        fields[.date] = nil
        fields[.server] = nil
        var head = allocator.buffer(capacity: 512)
        RawResponseHead.write(status: answer.status, headers: fields, into: &head, ending: false)
        return head
    }

    /// Whether this server's access decision for `request` now gives `grant` (the one a kept answer was
    /// made under); true without access control when the answer was made without it.
    /// `memo` is the connection's last signed-URL decision (`AccessDecisionMemo`).
    func decisionGives(_ grant: AccessGrant?, path: MediaPath?, parameters: AccessParameters,
                       request: FastManifestRequest, remoteIP: String?, memo: inout AccessDecisionMemo?) -> Bool {
        guard let access else { return grant == nil }
        guard let path else { return false }
        let decision = access.knownDecision(path.scope, parameters: parameters, forwardedFor: request.clientIP, memo: &memo) {
            request.viewer(path: path, parameters: parameters, remoteIP: remoteIP, names: access.headerNames,
                           now: Int(Date().timeIntervalSince1970))
        }
        guard case .allow(let now)? = decision else { return false }
        return now == grant
    }

    /// Keeps `answer` (just made by `answer(_:remoteIP:date:)` for `request`) when it is a whole manifest
    /// answer to a GET: a 200, or a 304 kept apart for requests naming its ETag.
    func remember(_ answer: Answer, for request: FastManifestRequest) {
        guard !request.isHead, let source = answer.source, answer.status == .ok || answer.status == .notModified,
              request.isCacheable else { return }
        let body: ByteBuffer
        switch answer.body {
        case .buffer(let buffer): body = buffer
        case .none: body = ByteBuffer()
        case .file: return
        }
        guard let etag = answer.headers[.eTag] else { return }
        let head = Self.keptHead(answer)
        let notModified = answer.status == .notModified
        // A token-carrying manifest ignores If-None-Match (it is always sent whole): no 304 of it exists.
        let conditional = source.grant?.propagatedQuery == nil
        let entry = ManifestAnswerCache.Entry(
            head: head, body: body, etag: etag, conditional: conditional, status: Int(answer.status.code),
            contentLength: Int(answer.headers[.contentLength] ?? "") ?? 0, owner: source.owner,
            listingVersion: source.listingVersion, assetVersion: source.assetVersion, mediaPath: source.mediaPath,
            parameters: AccessParameters(rawQuery: request.rawQuery), grant: source.grant, path: source.path, kind: RouteKind.classify(path: source.path))
        answers.insert(entry, for: key(request, notModified: notModified))
    }
}

import Access
import HTTPTypes
import Hummingbird
import HummingbirdCore
import MediaCore
import NIOCore
import Storage
import Synchronization

/// Answers, on the event loop, the VOD GET and HEAD requests whose answer is already in memory: a
/// rendered manifest in the manifest cache under a listing the index holds as current, or a segment of a
/// clear asset from the open-file cache. It is the same answer the Hummingbird routes give, built from the
/// same pure parts (`ManifestResponse.answer`, `FileResponder.plan`, the access evaluator through
/// `AccessGate.knownDecision`, the CORS and grant headers), with the same access-log entry, metrics and
/// CMCD credit; what it saves is the hop from NIO's event loop to a Swift task and back (5-6 futex calls
/// and two context switches per request) and the middleware chain (docs/perf-notes.md).
///
/// Anything it cannot answer from memory without waiting goes to Hummingbird unchanged: live, encrypted
/// items, a first request (which fills the caches), JWT and webhook items, refusals (403 with their log
/// line), errors, 416, a listing or a rule due for revalidation, sendfile off.
final class MediaFastPath: Sendable {
    /// A response the fast path sends whole.
    struct Answer {
        enum Body {
            case none
            case buffer(ByteBuffer)
            /// Sent with sendfile(2) through `FileRegionHandoff`.
            case file(LocalFile, Range<Int>)
        }

        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: Body
        /// For a manifest: what the answer holds under, so `ManifestAnswerCache` can keep it.
        var source: ManifestAnswerSource?
        /// For a segment: the same for `SegmentAnswerCache`.
        var segment: SegmentAnswerSource?
    }

    /// What a segment answer was made from: the file under the version its URL names, and the grant.
    struct SegmentAnswerSource {
        var owner: SafeName
        var version: Int
        var rendition: SafeName
        var fileName: String
        var file: LocalFile
        var mediaPath: MediaPath?
        var grant: AccessGrant?
        /// The request's path as the access log names it.
        var path = ""
    }

    /// What a manifest answer was made from: the listing it rendered and the grant it was made under.
    struct ManifestAnswerSource {
        var owner: SafeName
        var listingVersion: String
        var assetVersion: Int
        var mediaPath: MediaPath?
        var grant: AccessGrant?
        /// The request's path as the access log names it.
        var path = ""
    }

    let media: MediaRoutes
    let index: any CachedMediaIndex
    let access: AccessGate?
    let cors: CORSHeadersMiddleware<OriginRequestContext>
    let cmcd: CMCDMiddleware?
    let recorder: RequestRecorder
    let serverName: String
    /// Requests answered here (tests check that the fast path, not Hummingbird, answered).
    let answered = Atomic<Int>(0)
    /// Of those, the ones answered from the raw bytes by `FastPathFront` (the rest by `FastPathHandler`).
    let answeredInFront = Atomic<Int>(0)
    /// Of those, the ones answered whole from `answers`.
    let answeredFromCache = Atomic<Int>(0)
    /// Of those, the segments answered with a head from `segmentAnswers`.
    let segmentsFromCache = Atomic<Int>(0)
    /// Answers of `FastPathFront` the socket took whole from its direct write (`DirectSocketWrite`), and
    /// those it took only in part, whose rest went through NIO (tests check both ways are taken).
    let writtenDirectly = Atomic<Int>(0)
    let finishedThroughNIO = Atomic<Int>(0)
    /// Whole manifest answers, for `FastPathFront` (ManifestAnswerCache).
    let answers: ManifestAnswerCache
    /// Encoded segment heads, for `FastPathFront` (SegmentAnswerCache).
    let segmentAnswers: SegmentAnswerCache

    init(media: MediaRoutes, index: any CachedMediaIndex, access: AccessGate?, cors: CORSHeadersMiddleware<OriginRequestContext>,
         cmcd: CMCDMiddleware?, recorder: RequestRecorder, serverName: String,
         answers: ManifestAnswerCache = ManifestAnswerCache(), segmentAnswers: SegmentAnswerCache = SegmentAnswerCache()) {
        self.answers = answers
        self.segmentAnswers = segmentAnswers
        self.media = media
        self.index = index
        self.access = access
        self.cors = cors
        self.cmcd = cmcd
        self.recorder = recorder
        self.serverName = serverName
    }

    /// The whole response to `request`, or nil to pass it to Hummingbird. `date` is the Date header
    /// value for now. An answered request is recorded (access log, metrics) and credited (CMCD).
    func answer(_ request: HTTPRequest, remoteIP: String?, date: String) -> Answer? {
        let start = ContinuousClock.now
        guard request.method == .get || request.method == .head, let target = request.path, target.hasPrefix("/vod/") else {
            return nil
        }
        let uri = URI(target)
        let path = uri.path
        guard !path.hasSuffix("/"), RequestTargetGuard.check(path: path) == nil else { return nil }
        var grant: AccessGrant?
        var accessPath: MediaPath?
        if let access {
            guard let mediaPath = MediaPath(path: path) else { return nil }
            accessPath = mediaPath
            let viewer = AccessMiddleware.viewerRequest(uri: uri, headers: request.headerFields, path: mediaPath,
                                                        remoteIP: remoteIP, gate: access)
            guard case .allow(let allowed)? = access.knownDecision(viewer) else { return nil }
            grant = allowed
        }
        let parts = path.split(separator: "/")
        guard parts.count >= 3, let owner = SafeName(String(parts[1])) else { return nil }
        var answer: Answer?
        var isManifest = false
        switch parts.count {
        case 2 + 1:
            guard let name = ManifestName(parts[2]) else { return nil }
            isManifest = true
            answer = manifest(owner: owner, name: name, version: nil, path: path, uri: uri, request: request, grant: grant)
        case 2 + 2:
            if let version = AssetVersion(parts[2]), parts[3].hasSuffix(".m3u8") {
                guard let name = ManifestName(parts[3]), case .hlsMedia = name else { return nil }
                isManifest = true
                answer = manifest(owner: owner, name: name, version: version, path: path, uri: uri, request: request, grant: grant)
            } else {
                guard let rendition = SafeName(String(parts[2])) else { return nil }
                answer = segment(owner: owner, version: nil, rendition: rendition, fileName: String(parts[3]), request: request)
            }
        case 2 + 3:
            guard let version = AssetVersion(parts[2]), let rendition = SafeName(String(parts[3])) else { return nil }
            answer = segment(owner: owner, version: version, rendition: rendition, fileName: String(parts[4]), request: request)
        default:
            return nil
        }
        guard var answer else { return nil }
        answer.source?.mediaPath = accessPath
        answer.source?.grant = grant
        answer.source?.path = path
        answer.segment?.mediaPath = accessPath
        answer.segment?.grant = grant
        answer.segment?.path = path
        // The layers around the routes, innermost first, as the Hummingbird chain applies them.
        cmcd?.credit(uri: uri, headers: request.headerFields)
        if cors.applies(to: request.headerFields) { cors.addHeaders(to: &answer.headers) }
        if let grant { AccessMiddleware.apply(grant, isManifest: isManifest, to: &answer.headers) }
        let requestID = AccessLogMiddleware.requestID(from: request.headerFields[.xRequestID])
        answer.headers[.xRequestID] = requestID
        answer.headers[.date] = date
        answer.headers[.server] = serverName
        let isHead = request.method == .head
        if isHead { answer.body = .none }
        let elapsed = start.duration(to: .now)
        let bytes = isHead ? 0 : Int(answer.headers[.contentLength] ?? "") ?? 0
        recorder.record(.init(method: request.method.rawValue, path: path, status: Int(answer.status.code), bytes: bytes,
                              nanoseconds: RequestRecorder.nanoseconds(elapsed),
                              requestID: requestID, kind: RouteKind.classify(path: path)))
        answered.wrappingAdd(1, ordering: .relaxed)
        return answer
    }

    /// A VOD manifest already rendered for this listing version, decision class and query.
    private func manifest(owner: SafeName, name: ManifestName, version: AssetVersion?, path: String, uri: URI,
                          request: HTTPRequest, grant: AccessGrant?) -> Answer? {
        guard let listing = index.cachedListing(tree: .vod, owner: owner), let listingVersion = listing.version else { return nil }
        if case .hlsMedia(let rendition) = name, !listing.renditions.contains(where: { $0.rendition.id == rendition }) { return nil }
        guard let cache = MediaRoutes.vodManifestCache(name, requested: version, current: listing.assetVersion),
              isKnownClear(owner) else { return nil }
        var query: [String: String] = [:]
        if let grant {
            for (key, value) in AccessMiddleware.forwardedQuery(uri, path: MediaPath(path: path)!, grant: grant).items { query[key] = value }
        } else {
            for (key, value) in uri.queryParameters { query[String(key)] = String(value) }
        }
        let key = ManifestCache.key(owner: owner, version: listingVersion, scheme: "clear", path: path, query: query)
        guard let rendered = media.manifests.cached(key: key) else { return nil }
        let propagated = grant?.propagatedQuery
        let headers = request.headerFields
        guard let made = try? ManifestResponse.answer(
            rendered, contentType: name == .dash ? "application/dash+xml" : "application/vnd.apple.mpegurl", cache: cache,
            acceptEncoding: propagated == nil ? headers[.acceptEncoding] : nil,
            ifNoneMatch: propagated == nil ? headers[.ifNoneMatch] : nil) else { return nil }
        var answer = Answer(status: made.status, headers: made.headers, body: made.body.map { .buffer($0) } ?? .none,
                            source: ManifestAnswerSource(owner: owner, listingVersion: listingVersion,
                                                         assetVersion: listing.assetVersion, mediaPath: nil, grant: nil))
        var length = made.body?.readableBytes ?? 0
        if let propagated, let access, made.status == .ok {
            let entry = access.propagations.cached(etag: rendered.etag, query: propagated, dash: name == .dash)
                ?? access.propagations.rewrite(String(buffer: rendered.plain), etag: rendered.etag, query: propagated, dash: name == .dash)
            answer.headers[.eTag] = entry.etag
            answer.headers[.contentEncoding] = nil
            answer.body = .buffer(entry.body)
            length = entry.body.readableBytes
        }
        answer.headers[.contentLength] = String(length)
        return answer
    }

    /// A segment of a clear VOD asset from the open-file cache (a remote store's object cache, with the
    /// pointer it holds in memory: nothing here waits on another server), under the version its URL names.
    private func segment(owner: SafeName, version: AssetVersion?, rendition: SafeName, fileName: String,
                         request: HTTPRequest) -> Answer? {
        guard SegmentFileName.isValid(fileName), isKnownClear(owner),
              let kind = media.kinds.known(tree: .vod, owner: owner, rendition: rendition),
              let contentType = MediaRoutes.segmentContentType(kind, isInit: fileName == SegmentFileName.initSegment),
              let folder = media.store.openCachedVersion(of: AssetID(owner)),
              case .version(let stamped) = folder.stamp(), stamped == (version?.number ?? 1),
              case .localFile(let file)? = folder.openSegment(rendition: rendition, fileName: fileName) else { return nil }
        let headers = request.headerFields
        let plan = FileResponder.plan(object: .localFile(file), contentType: contentType, cache: .immutable,
                                      isHead: request.method == .head, ifNoneMatch: headers[.ifNoneMatch],
                                      ifModifiedSince: headers[.ifModifiedSince], ifRange: headers[.ifRange], range: headers[.range])
        var answer = Answer(status: .notModified, headers: plan.headers, body: .none)
        switch plan.outcome {
        case .notModified:
            answer.headers[.contentLength] = "0"
        case .unsatisfiable:
            return nil
        case .send(let status, let range):
            answer.status = status
            answer.headers[.contentLength] = String(range.count)
            if !range.isEmpty { answer.body = .file(file, range) }
        }
        answer.segment = SegmentAnswerSource(owner: owner, version: stamped, rendition: rendition, fileName: fileName, file: file)
        return answer
    }

    /// True when the item is known to be clear (or the server encrypts nothing); an item whose state is
    /// not in memory yet goes the ordinary way.
    func isKnownClear(_ owner: SafeName) -> Bool {
        guard let protection = media.protection else { return true }
        return protection.knownEncrypted(tree: .vod, owner: owner) == false
    }
}

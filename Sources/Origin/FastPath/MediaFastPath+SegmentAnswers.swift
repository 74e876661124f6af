import Access
import MediaCore
import NIOCore
import Storage

/// The kept segment heads (`SegmentAnswerCache`) as `FastPathFront` uses them: a hit is the head with this
/// request's X-Request-Id, Date and Server spliced in and the file the open-file cache holds now, after
/// the same per-request work as a miss (the item still clear, the folder's stamp the URL's version, the
/// file the one the head describes, the access decision made now and giving the head's grant, the
/// access-log entry and metrics); a miss is kept once `answer` has made it.
extension MediaFastPath {
    /// A kept answer: the encoded head and the bytes of the file to send after it.
    struct SegmentReply {
        var head: ByteBuffer
        var file: LocalFile
        var range: Range<Int>
    }

    /// The request as the segment cache reads it; nil when it may not answer or keep it. `memo` is the
    /// connection's reading of its last query.
    func segmentRequest(_ head: RawRequestHead, memo: inout SegmentQueryMemo) -> FastManifestRequest? {
        guard segmentAnswers.isEnabled else { return nil }
        return FastManifestRequest(segment: head, viewerHeaders: access?.headerNames, memo: &memo)
    }

    private func segmentKey(_ request: FastManifestRequest) -> SegmentAnswerCache.Key {
        SegmentAnswerCache.Key(path: request.path, cors: request.origin && cors.isEnabled)
    }

    /// The answer to `request` from a kept head, or nil to answer it the ordinary way.
    func cachedSegment(_ request: FastManifestRequest, remoteIP: String?, date: String, decisions: inout AccessDecisionMemo?) -> SegmentReply? {
        let start = ContinuousClock.now
        let key = segmentKey(request)
        guard let entry = segmentAnswers.entry(key) else { return nil }
        guard isKnownClear(entry.owner), let folder = media.store.openCachedVersion(of: AssetID(entry.owner)),
              case .version(let stamped) = folder.stamp(), stamped == entry.version,
              case .localFile(let file)? = folder.openSegment(rendition: entry.rendition, fileName: entry.fileName),
              entry.describes(file) else {
            segmentAnswers.remove(key, ifStill: entry)
            return nil
        }
        // A kept head is keyed by path: the decision is made for this request's own query's parameters.
        guard decisionGives(entry.grant, path: entry.mediaPath,
                            parameters: request.segmentParameters ?? AccessParameters(rawQuery: request.rawQuery),
                            request: request, remoteIP: remoteIP, memo: &decisions) else { return nil }
        let requestID = AccessLogMiddleware.requestID(from: request.requestID)
        let head = splicedHead(entry.head, requestID: requestID, date: date, bodyBytes: 0)
        let elapsed = start.duration(to: .now)
        recorder.record(.init(method: "GET", path: entry.path, status: 200, bytes: file.size,
                              nanoseconds: RequestRecorder.nanoseconds(elapsed), requestID: requestID, kind: entry.kind))
        answered.wrappingAdd(1, ordering: .relaxed)
        segmentsFromCache.wrappingAdd(1, ordering: .relaxed)
        return SegmentReply(head: head, file: file, range: 0..<file.size)
    }

    /// Keeps the head of `answer` (just made by `answer(_:remoteIP:date:)` for `request`) when it is a whole
    /// 200 of a segment file.
    func remember(segment answer: Answer, for request: FastManifestRequest) {
        guard answer.status == .ok, let source = answer.segment, case .file(let file, let range) = answer.body,
              file === source.file, range == 0..<file.size, source.path == request.path else { return }
        let path = source.path
        let entry = SegmentAnswerCache.Entry(
            head: Self.keptHead(answer), owner: source.owner, version: source.version, rendition: source.rendition,
            fileName: source.fileName, file: file, mediaPath: source.mediaPath, grant: source.grant, path: path,
            kind: RouteKind.classify(path: path))
        segmentAnswers.insert(entry, for: SegmentAnswerCache.Key(path: Substring(path), cors: request.origin && cors.isEnabled))
    }
}

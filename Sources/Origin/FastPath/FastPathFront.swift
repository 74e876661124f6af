#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import NIOCore
import Storage

/// The first handler after `ConnectionDeadlines` on a plain HTTP/1.1 connection: it reads request heads
/// from the raw bytes itself and answers what `MediaFastPath` can answer from memory with one buffer (the
/// encoded head, and the body for manifests) or the head and a FileRegion (segments). Every other request
/// is passed on as the very bytes that came in, to NIO's HTTP/1 decoder, the `RequestGate` and Hummingbird.
///
/// Why in front of the decoder: on a cached manifest the floor of the ordinary pipeline (llhttp, the gate's
/// queue, the HTTP-types conversions both ways, the state handler, the response encoder) was most of the
/// request's cost (docs/perf-notes.md, session 6).
///
/// What it keeps of the pipeline behind it:
/// - order: a request is answered here only while no earlier request of the connection is with the
///   ordinary path; from the first one passed on, the rest follow it until its responses are all written
///   (the gate tells `slowResponseEnded`);
/// - back-pressure: at most `maxInFlight` of its answers wait for the client; meanwhile the socket is not read;
/// - deadlines: it reports heads and responses to `ConnectionDeadlines` as the gate does;
/// - the idle keep-alive timeout (Hummingbird's state handler does not see the requests answered here,
///   so it runs without one and this handler keeps it for the whole connection) and graceful shutdown;
/// - anything it does not read strictly (`RawRequestHead.unusual`), a transfer coding, or a head longer
///   than `maxHeadBytes` turns it into a pass-through for the rest of the connection.
final class FastPathFront: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    /// Longest head read here; a longer one goes to the decoder and its own limits.
    static let maxHeadBytes = 16 * 1024

    private let fastPath: MediaFastPath
    private let maxInFlight: Int
    private let idleTimeout: TimeAmount?
    private weak var deadlines: ConnectionDeadlines?
    private var context: ChannelHandlerContext?
    private var remoteIP: String?
    /// Bytes read and not yet answered or passed on.
    private var pending: ByteBuffer?
    /// Everything goes to the decoder from now on.
    private var passthrough = false
    /// Requests passed on whose response end the gate has not written yet.
    private var slowRequests = 0
    /// Body bytes of the last request passed on that are still to come.
    private var slowBodyBytes = 0
    /// Answers written here and not yet taken by the socket.
    private var fastInFlight = 0
    /// Writes from the handlers behind (answers to requests passed on) not yet taken by the socket.
    private var writesBehind = 0
    /// The channel's access to its socket, looked up once: NIO's `withUnsafeTransportIfAvailable` casts the
    /// channel core to this constrained existential on every call, and that runtime cast (demangling the
    /// constraint) was 9 % of a cached manifest request (perf, docs/perf-notes.md session 10).
    private var transport: (any NIOTransportAccessibleChannelCore<NIOBSDSocket.Handle>)?
    private var transportLooked = false
    private var blocked = false
    private var readHeld = false
    private var processing = false
    private var inRead = false
    private var quiescing = false
    private var lastActivity = NIODeadline.now()
    private var idleTimer: Scheduled<Void>?
    /// A close from behind (Hummingbird ending the connection on shutdown) that waits for answers in flight.
    private var heldClose = HeldClose()
    private var date = ConnectionDate()
    /// Bytes went on to the decoder since the last read-complete event passed on.
    private var forwardedSinceReadComplete = false
    /// The writability the handlers behind were last told of (see `channelWritabilityChanged`).
    private var writableBehind = true
    /// The last segment query's reading (a player sends the same token with every segment).
    private var segmentQueries = SegmentQueryMemo()
    /// The connection's last signed-URL decision (`AccessDecisionMemo`); never nil here, optional for callers without one.
    private var decisions: AccessDecisionMemo? = AccessDecisionMemo()
    /// The channel's `autoRead` is off and this handler asks for reads itself (see `channelReadComplete`).
    private let readsItself: Bool

    /// With `readsItself`, the channel must have `autoRead` off (`OriginHTTPChannel` turns it off with the front).
    init(fastPath: MediaFastPath, maxInFlight: Int, idleTimeout: Duration?, deadlines: ConnectionDeadlines?, readsItself: Bool = false) {
        self.fastPath = fastPath
        self.maxInFlight = max(1, maxInFlight)
        self.idleTimeout = idleTimeout.map { TimeAmount($0) }
        self.deadlines = deadlines
        self.readsItself = readsItself
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        remoteIP = context.channel.remoteAddress?.ipAddress
        if context.channel.isActive {
            scheduleIdleCheck(in: idleTimeout)
            if readsItself { read(context: context) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        self.context = nil
        transport = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        if idleTimer == nil { scheduleIdleCheck(in: idleTimeout) }
        context.fireChannelActive()
        // What NIO does after channelActive with autoRead on.
        if readsItself { read(context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        pending = nil
        context.fireChannelInactive()
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        lastActivity = .now()
        if passthrough, pending == nil {
            forwardedSinceReadComplete = true
            context.fireChannelRead(data)
            return
        }
        if pending == nil || pending!.readableBytes == 0 {
            pending = bytes
        } else {
            pending!.writeBuffer(&bytes)
        }
        inRead = true
        process(context: context)
        inRead = false
    }

    /// Passed on only after bytes were: a read whose requests were all answered here has nothing for the
    /// decoder, the gate or Hummingbird's async channel to finish, and walking it through their ten
    /// handlers was ~3 % of a cached manifest request (perf, docs/perf-notes.md session 7).
    ///
    /// With `readsItself`, this is also where the next read is asked for, in place of NIO's `autoRead`, which
    /// sends a `read` from the tail of the pipeline through every handler behind after each read (~6 % of a
    /// cached manifest request; perf, docs/perf-notes.md session 9). While any request or byte of the
    /// connection is with the ordinary path, the read still starts at the tail, exactly as `autoRead` would,
    /// so the handlers behind (the request gate, Hummingbird's async channel) can hold it for their
    /// back-pressure; otherwise nothing behind has anything to hold it for, and it goes from here to the socket
    /// (or waits here while this handler's own answers are at their bound).
    func channelReadComplete(context: ChannelHandlerContext) {
        let forwarded = forwardedSinceReadComplete
        if forwarded {
            forwardedSinceReadComplete = false
            context.fireChannelReadComplete()
        }
        guard readsItself else { return }
        if forwarded || slowRequests > 0 || slowBodyBytes > 0 || passthrough || quiescing {
            context.pipeline.syncOperations.read()
        } else {
            read(context: context)
        }
    }

    /// A segment answered here makes the channel unwritable until the socket takes it (the region is larger
    /// than the high watermark), twice a request through every handler behind, Hummingbird's async writer
    /// included (~3 % of a segment request). While no request of the connection is with the ordinary path,
    /// nothing behind writes, so the flips are kept from it; the state is passed on when a request is
    /// (`syncWritabilityBehind`). `ConnectionDeadlines`, in front, sees every change for its write timeout.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        guard slowRequests > 0 || passthrough else { return }
        writableBehind = context.channel.isWritable
        context.fireChannelWritabilityChanged()
    }

    private func syncWritabilityBehind(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        guard writable != writableBehind else { return }
        writableBehind = writable
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if blocked {
            readHeld = true
        } else {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // From now on every request goes the ordinary way; Hummingbird's state handler closes the connection
        // when its own requests are answered, and `close` below holds that close for answers still going out
        // from here. (Closing here instead would skip `FileRegionSwapHandler`, which holds closes for
        // Hummingbird's own regions.)
        quiescing = true
        context.fireUserInboundEventTriggered(event)
    }

    /// The gate wrote the end of a response to a request passed on from here.
    func slowResponseEnded() {
        slowRequests -= 1
        lastActivity = .now()
        guard slowRequests == 0, let context, pending.map({ $0.readableBytes > 0 }) ?? false else { return }
        // Not from inside the gate's write: the end's bytes are queued first, then the next answers.
        context.eventLoop.assumeIsolated().execute {
            guard let context = self.context else { return }
            self.process(context: context)
        }
    }

    /// Answers or passes on every whole request in `pending`, in order, until back-pressure stops it.
    private func process(context: ChannelHandlerContext) {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        var forwarded = false
        blocked = false
        loop: while var buffer = pending, buffer.readableBytes > 0 {
            if passthrough {
                pending = nil
                syncWritabilityBehind(context: context)
                context.fireChannelRead(wrapInboundOut(buffer))
                forwarded = true
                break
            }
            if slowBodyBytes > 0 {
                let count = min(slowBodyBytes, buffer.readableBytes)
                let body = buffer.readSlice(length: count)!
                slowBodyBytes -= count
                pending = buffer
                context.fireChannelRead(wrapInboundOut(body))
                forwarded = true
                continue
            }
            let scan = buffer.withUnsafeReadableBytes { RawRequestHead.scan($0, limit: Self.maxHeadBytes) }
            switch scan {
            case .incomplete:
                break loop
            case .unusual:
                passthrough = true
            case .head(let head):
                if head.hasTransferEncoding {
                    passthrough = true
                    continue
                }
                if slowRequests == 0, !quiescing, isFastCandidate(head) {
                    guard fastInFlight < maxInFlight else {
                        blocked = true
                        break loop
                    }
                    if let reply = answer(head) {
                        buffer.moveReaderIndex(forwardBy: head.length)
                        pending = buffer
                        deadlines?.headReceived()
                        deadlines?.requestReceived()
                        switch reply {
                        case .answer(let answer): send(answer, context: context)
                        case .encoded(let bytes): send(encoded: bytes, context: context)
                        case .file(let kept): send(head: kept.head, file: kept.file, range: kept.range, context: context)
                        }
                        continue
                    }
                }
                let bytes = buffer.readSlice(length: head.length)!
                pending = buffer
                slowRequests += 1
                slowBodyBytes = head.contentLength ?? 0
                syncWritabilityBehind(context: context)
                context.fireChannelRead(wrapInboundOut(bytes))
                forwarded = true
            }
        }
        if pending?.readableBytes == 0 {
            pending = nil
        } else if var rest = pending, rest.readerIndex > 4096 {
            rest.discardReadBytes()
            pending = rest
        }
        if forwarded {
            if inRead {
                forwardedSinceReadComplete = true
            } else {
                forwardedSinceReadComplete = false
                context.fireChannelReadComplete()
            }
        }
        if !blocked, readHeld {
            readHeld = false
            context.read()
        }
    }

    /// A GET or HEAD of a VOD path over HTTP/1.1 with one Host, no body and no option the ordinary
    /// path has to look at.
    private func isFastCandidate(_ head: RawRequestHead) -> Bool {
        head.method != .other && head.isHTTP11 && head.hostCount == 1 && (head.contentLength ?? 0) == 0
            && !head.needsOrdinaryPath && head.target.utf8.starts(with: "/vod/".utf8)
    }

    private enum Reply {
        case answer(MediaFastPath.Answer)
        /// A whole answer from `ManifestAnswerCache`, already encoded.
        case encoded(ByteBuffer)
        /// A segment's head from `SegmentAnswerCache`, and its file.
        case file(MediaFastPath.SegmentReply)
    }

    /// A manifest's whole answer from `ManifestAnswerCache`, else `MediaFastPath`'s answer to the request
    /// as Hummingbird's HTTP-types codec would have given it (scheme, authority from Host, every other field
    /// in order), kept in the cache when it may be; nil passes it on.
    private func answer(_ head: RawRequestHead) -> Reply? {
        let manifest = fastPath.manifestRequest(head)
        if let manifest, let bytes = fastPath.cachedAnswer(manifest, remoteIP: remoteIP, date: date.current(), decisions: &decisions) {
            fastPath.answeredInFront.wrappingAdd(1, ordering: .relaxed)
            return .encoded(bytes)
        }
        let segment = manifest == nil ? fastPath.segmentRequest(head, memo: &segmentQueries) : nil
        if let segment, let kept = fastPath.cachedSegment(segment, remoteIP: remoteIP, date: date.current(), decisions: &decisions) {
            fastPath.answeredInFront.wrappingAdd(1, ordering: .relaxed)
            return .file(kept)
        }
        guard let answer = answerAnew(head) else { return nil }
        if let manifest { fastPath.remember(answer, for: manifest) }
        if let segment { fastPath.remember(segment: answer, for: segment) }
        return .answer(answer)
    }

    private func answerAnew(_ head: RawRequestHead) -> MediaFastPath.Answer? {
        var fields = HTTPFields()
        fields.reserveCapacity(head.fields.count)
        var authority: String?
        for (name, value) in head.fields {
            if authority == nil, name.utf8.count == 4, name.lowercased() == "host" {
                authority = value
                continue
            }
            guard let fieldName = HTTPField.Name(name) else { return nil }
            fields.append(HTTPField(name: fieldName, value: value))
        }
        let request = HTTPRequest(method: head.method == .head ? .head : .get, scheme: "http", authority: authority,
                                  path: head.target, headerFields: fields)
        guard let answer = fastPath.answer(request, remoteIP: remoteIP, date: date.current()) else { return nil }
        fastPath.answeredInFront.wrappingAdd(1, ordering: .relaxed)
        return answer
    }

    /// True when the socket may be written here directly (`DirectSocketWrite`): nothing of this connection
    /// waits in NIO's outbound buffer, neither an answer of this handler nor a write from behind, so bytes
    /// written now cannot overtake any.
    private var socketIsOurs: Bool { fastInFlight == 0 && writesBehind == 0 }

    /// Runs `body` on the connection's socket, through NIO's scoped access to it (`withUnsafeTransport`
    /// checks that the channel has not closed it, so the descriptor cannot be another connection's); nil
    /// when closed or not a socket.
    private func withSocket<Result>(_ context: ChannelHandlerContext, _ body: (CInt) -> Result) -> Result? {
        if !transportLooked {
            transportLooked = true
            transport = context.channel._channelCore as? any NIOTransportAccessibleChannelCore<NIOBSDSocket.Handle>
        }
        guard let transport else { return nil }
        return try? transport.withUnsafeTransport { body($0) }
    }

    /// Sends a whole encoded answer (head and body in one buffer): what the socket takes at once directly,
    /// the rest through NIO.
    private func send(encoded bytes: ByteBuffer, context: ChannelHandlerContext) {
        var bytes = bytes
        if socketIsOurs, let sent = withSocket(context, { DirectSocketWrite.send($0, bytes, more: false) }) {
            if sent == bytes.readableBytes {
                fastPath.writtenDirectly.wrappingAdd(1, ordering: .relaxed)
                return
            }
            bytes.moveReaderIndex(forwardBy: sent)
            fastPath.finishedThroughNIO.wrappingAdd(1, ordering: .relaxed)
        }
        let written = answerQueued(context: context)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(bytes)), promise: written)
        afterWrite(written, context: context)
    }

    private func send(_ answer: MediaFastPath.Answer, context: ChannelHandlerContext) {
        var bytes = context.channel.allocator.buffer(capacity: 512)
        RawResponseHead.write(status: answer.status, headers: answer.headers, into: &bytes)
        switch answer.body {
        case .none:
            send(encoded: bytes, context: context)
        case .buffer(var body):
            bytes.writeBuffer(&body)
            send(encoded: bytes, context: context)
        case .file(let file, let range):
            send(head: bytes, file: file, range: range, context: context)
        }
    }

    /// Sends an encoded head and then bytes of a file with sendfile(2): what the socket takes at once
    /// directly (the head with MSG_MORE, then one sendfile), the rest through NIO.
    private func send(head bytes: ByteBuffer, file: LocalFile, range: Range<Int>, context: ChannelHandlerContext) {
        var bytes = bytes
        var range = range
        if socketIsOurs, let done = withSocket(context, { socket -> Bool in
            bytes.moveReaderIndex(forwardBy: DirectSocketWrite.send(socket, bytes, more: !range.isEmpty))
            guard bytes.readableBytes == 0 else { return false }
            range = range.lowerBound + DirectSocketWrite.sendfile(socket, file: file.descriptor, offset: range.lowerBound,
                                                                   count: range.count) ..< range.upperBound
            return range.isEmpty
        }) {
            guard !done else {
                fastPath.writtenDirectly.wrappingAdd(1, ordering: .relaxed)
                return
            }
            fastPath.finishedThroughNIO.wrappingAdd(1, ordering: .relaxed)
        }
        let written = answerQueued(context: context)
        guard !range.isEmpty else {
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(bytes)), promise: written)
            afterWrite(written, context: context)
            return
        }
        // Head and file in full-sized packets (nginx's tcp_nopush): corked until the region is sent.
        let cork = ChannelOptions.Types.SocketOption(level: .tcp, name: .init(rawValue: TCP_CORK))
        let options = context.channel.syncOptions
        let corked = bytes.readableBytes > 0
        if corked {
            try? options?.setOption(cork, value: 1)
            context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
        }
        // The region borrows the open-file cache's descriptor (sendfile reads at explicit offsets): no
        // dup, and ownership is handed back, not closed, once the region is done. `file` keeps the
        // descriptor open until then. (One callback for both clean-ups and then
        // `answerWritten`, as `afterWrite` orders them: each callback is a closure and a list entry.)
        let handle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: file.descriptor)
        let region = FileRegion(fileHandle: handle, readerIndex: range.lowerBound, endIndex: range.upperBound)
        written.futureResult.assumeIsolated().whenComplete { _ in
            if corked { try? options?.setOption(cork, value: 0) }
            _ = try? handle.takeDescriptorOwnership()
            withExtendedLifetime(file) {}
            self.answerWritten()
        }
        context.writeAndFlush(wrapOutboundOut(.fileRegion(region)), promise: written)
    }

    /// Counts an answer as going out (the deadlines see it) and makes the promise its last write completes.
    private func answerQueued(context: ChannelHandlerContext) -> EventLoopPromise<Void> {
        fastInFlight += 1
        deadlines?.responseQueued()
        return context.eventLoop.makePromise(of: Void.self)
    }

    /// Registered last, after any clean-up of the answer's own (uncork, the descriptor handed back), so the
    /// next answers and a held close come after it.
    private func afterWrite(_ written: EventLoopPromise<Void>, context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in
            bound.value.answerWritten()
        }
    }

    private func answerWritten() {
        fastInFlight -= 1
        lastActivity = .now()
        deadlines?.responseWritten(remaining: fastInFlight)
        guard let context else { return }
        if fastInFlight == 0, heldClose.release(context: context) { return }
        if blocked { process(context: context) }
    }

    // MARK: outbound

    /// Counted, so that this handler writes to the socket directly only when no write from behind waits
    /// (`socketIsOurs`).
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        writesBehind += 1
        let promise = promise ?? context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { _ in self.writesBehind -= 1 }
        context.write(data, promise: promise)
    }

    /// Hummingbird considers a connection done when its own responses are; an answer of this handler may
    /// still be going out (a large segment to a slow reader), so a close from behind waits for it, as
    /// `FileRegionSwapHandler` holds closes for Hummingbird's own regions.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard fastInFlight > 0 else {
            context.close(mode: mode, promise: promise)
            return
        }
        heldClose.hold(mode: mode, promise: promise)
    }

    // MARK: idle keep-alive timeout

    private func scheduleIdleCheck(in delay: TimeAmount?) {
        guard let delay, let context else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [weak self] in
            guard let self, let context = self.context, let idleTimeout = self.idleTimeout else { return }
            self.idleTimer = nil
            // A request being answered (here or behind) is not idleness; a head being read has its own deadline.
            if self.slowRequests > 0 || self.fastInFlight > 0 || self.blocked {
                self.scheduleIdleCheck(in: idleTimeout)
                return
            }
            let due = self.lastActivity + idleTimeout
            if due <= .now() {
                // From the tail, so `FileRegionSwapHandler` holds it for a region of Hummingbird's still going out.
                context.channel.close(promise: nil)
            } else {
                self.scheduleIdleCheck(in: due - .now())
            }
        }
    }
}

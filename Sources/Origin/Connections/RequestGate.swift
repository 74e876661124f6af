import NIOCore
import NIOHTTP1

/// Sits between NIO's HTTP/1 codec and Hummingbird's HTTP-types codec and decides which requests reach the
/// application, and when.
///
/// - Back-pressure for pipelining: the next request is passed on only when the previous response has been
///   written and fewer than `maxResponsesInFlight` responses are still waiting for the client to read them;
///   meanwhile the socket is not read. A client that pushes thousands of requests without reading answers
///   holds at most that many responses (and open segment files), and then only its own socket buffer.
/// - Framing rules Hummingbird does not check: HTTP/1.1 needs exactly one `Host` (400), only `chunked` is a
///   known transfer coding (501), only HTTP/1.x is spoken (505), and a malformed request is answered 400.
/// - HTTP/1.0: answered as HTTP/1.0 with `Connection: close`, and the connection is closed after it.
/// - A connection admitted on the health-check reserve gets 503 for anything but the health endpoints.
final class RequestGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    static let healthPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]

    private let maxResponsesInFlight: Int
    private let healthChecksOnly: Bool
    private weak var deadlines: ConnectionDeadlines?
    /// The raw-bytes fast path in front of the decoder, told when a response to a request it passed on ends.
    private weak var front: FastPathFront?
    private var queue = CircularBuffer<HTTPServerRequestPart>()
    /// A request was passed on and its response's end has not been written yet.
    private var awaitingResponse = false
    /// Response ends written whose bytes have not all gone to the socket yet.
    private var responsesInFlight = 0
    /// Hummingbird asked to read while requests were held back.
    private var readHeld = false
    /// The version and close decision of the request being answered, applied to its response head.
    private var answering: (version: HTTPVersion, close: Bool)?
    /// Refused or failed: nothing more is passed on, and the connection closes after the answer.
    private var finished = false
    private var isReading = false

    init(maxResponsesInFlight: Int, healthChecksOnly: Bool, deadlines: ConnectionDeadlines?, front: FastPathFront? = nil) {
        self.maxResponsesInFlight = max(1, maxResponsesInFlight)
        self.healthChecksOnly = healthChecksOnly
        self.deadlines = deadlines
        self.front = front
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head: deadlines?.headReceived()
        case .end: deadlines?.requestReceived()
        case .body: break
        }
        guard !finished else { return }
        queue.append(part)
        isReading = true
        pump(context: context)
        isReading = false
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard error is HTTPParserError, !finished else {
            context.fireErrorCaught(error)
            return
        }
        if awaitingResponse {
            // Inside a request body (a malformed chunk size): the body stream fails with it, the route
            // answers, and the connection closes after that answer.
            finished = true
            answering?.close = true
            context.fireErrorCaught(error)
        } else {
            refuse(context: context, status: .badRequest, reason: "malformed HTTP request: \(error)", version: .http1_1)
        }
    }

    func read(context: ChannelHandlerContext) {
        if queue.isEmpty || finished {
            context.read()
        } else {
            readHeld = true
        }
    }

    /// Passes on queued parts while the current response allows it; reading resumes when all are passed.
    private func pump(context: ChannelHandlerContext) {
        var forwarded = false
        loop: while let front = queue.first, !finished {
            switch front {
            case .head(var head):
                guard !awaitingResponse, responsesInFlight < maxResponsesInFlight else { break loop }
                queue.removeFirst()
                if let (status, reason) = refusal(of: head) {
                    refuse(context: context, status: status, reason: reason, version: head.version)
                    return
                }
                let close = head.version.major == 1 && head.version.minor == 0 || !head.isKeepAlive
                if close { head.headers.replaceOrAdd(name: "connection", value: "close") }
                answering = (head.version, close)
                awaitingResponse = true
                context.fireChannelRead(wrapInboundOut(.head(head)))
            case .body, .end:
                queue.removeFirst()
                context.fireChannelRead(wrapInboundOut(front))
            }
            forwarded = true
        }
        if forwarded, !isReading { context.fireChannelReadComplete() }
        if queue.isEmpty, readHeld {
            readHeld = false
            context.read()
        }
    }

    /// What is wrong with a request head that the application must not see, as a status and one line.
    private func refusal(of head: HTTPRequestHead) -> (HTTPResponseStatus, String)? {
        guard head.version.major == 1 else {
            return (.httpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are spoken here")
        }
        let hosts = head.headers[canonicalForm: "host"]
        if head.version.minor >= 1, hosts.count != 1 {
            return (.badRequest, hosts.isEmpty ? "an HTTP/1.1 request needs a Host header"
                                               : "an HTTP/1.1 request must have exactly one Host header")
        }
        let codings = head.headers[canonicalForm: "transfer-encoding"].map { $0.lowercased() }
        if !codings.isEmpty {
            guard codings == ["chunked"] else {
                return (.notImplemented, "transfer coding '\(codings.joined(separator: ", "))' is not supported: use chunked or Content-Length")
            }
            if head.headers.contains(name: "content-length") {
                return (.badRequest, "a request must not have both Transfer-Encoding and Content-Length")
            }
        }
        if healthChecksOnly, !Self.healthPaths.contains(String(head.uri.prefix { $0 != "?" })) {
            return (.serviceUnavailable, "the server is at its connection limit: try again shortly")
        }
        return nil
    }

    /// Answers a request itself (it never reaches the application) and closes the connection.
    private func refuse(context: ChannelHandlerContext, status: HTTPResponseStatus, reason: String, version: HTTPVersion) {
        finished = true
        queue.removeAll()
        let body = ByteBuffer(string: reason + "\n")
        var headers = HTTPHeaders([("content-type", "text/plain; charset=utf-8"), ("content-length", String(body.readableBytes)),
                                   ("connection", "close"), ("cache-control", "no-store")])
        if status == .serviceUnavailable { headers.add(name: "retry-after", value: "5") }
        let responseVersion: HTTPVersion = version.major == 1 && version.minor == 0 ? .http1_0 : .http1_1
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: responseVersion, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    // MARK: outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            if let answering {
                if answering.version.minor == 0 { head.version = .http1_0 }
                if answering.close { head.headers.replaceOrAdd(name: "connection", value: "close") }
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            let closeAfter = answering?.close ?? false
            awaitingResponse = false
            answering = nil
            responsesInFlight += 1
            deadlines?.responseQueued()
            let written = promise ?? context.eventLoop.makePromise()
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in
                let (gate, context) = bound.value
                gate.responsesInFlight -= 1
                gate.deadlines?.responseWritten(remaining: gate.responsesInFlight)
                if closeAfter {
                    context.close(promise: nil)
                } else {
                    gate.pump(context: context)
                }
            }
            context.write(data, promise: written)
            front?.slowResponseEnded()
        }
    }
}

import Logging
import NIOCore

/// The two deadlines a connection's bytes must meet, first in the pipeline where it sees raw bytes:
///
/// - header timeout: once the first byte of a request arrives, its whole head must follow within
///   `headerTimeout` (slowloris clients drip headers to hold a connection forever);
/// - write timeout: while responses are queued for a client, its socket must take some of them within
///   every `writeTimeout` (a client that never reads would otherwise pin buffers and open files).
///
/// The idle keep-alive timeout between requests stays with Hummingbird's connection state handler.
final class ConnectionDeadlines: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Nil: no header deadline here (HTTPS, where `FirstRequestDeadline` keeps it).
    private let headerTimeout: TimeAmount?
    private let writeTimeout: TimeAmount
    private let logger: Logger
    private var context: ChannelHandlerContext?
    /// No head is being read: the next byte starts one.
    private var betweenRequests = true
    private var headerTimer: Scheduled<Void>?
    /// A head has begun and not completed; when it began.
    private var headPending = false
    private var headStarted = NIODeadline.now()
    private var writeTimer: Scheduled<Void>?
    private var queuedResponses = 0
    private var bufferedAtLastCheck = -1

    init(headerTimeout: Duration?, writeTimeout: Duration, logger: Logger) {
        self.headerTimeout = headerTimeout.map { TimeAmount($0) }
        self.writeTimeout = TimeAmount(writeTimeout)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if betweenRequests, let headerTimeout {
            betweenRequests = false
            headPending = true
            headStarted = .now()
            if headerTimer == nil { scheduleHeaderCheck(at: headStarted + headerTimeout) }
        }
        context.fireChannelRead(data)
    }

    /// One timer per connection at a time, not one per request: a head that completes in time only clears
    /// `headPending` (scheduling and cancelling a timer per request was a per-request cost of its own);
    /// when the timer fires it closes the connection if the head it finds pending began `headerTimeout` ago,
    /// and otherwise waits for the deadline of the head now pending, or ends.
    private func scheduleHeaderCheck(at deadline: NIODeadline) {
        guard let context else { return }
        headerTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self, let context = self.context, let timeout = self.headerTimeout else { return }
            self.headerTimer = nil
            guard self.headPending else { return }
            let due = self.headStarted + timeout
            guard due <= .now() else {
                self.scheduleHeaderCheck(at: due)
                return
            }
            self.logger.info("closing HTTP connection: request head not complete \(timeout.nanoseconds / 1_000_000_000) s after it began",
                             metadata: ["peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
            context.close(promise: nil)
        }
    }

    /// A response larger than the channel's buffer is stalled before its end is even written.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if !context.channel.isWritable, writeTimer == nil { scheduleWriteCheck() }
        context.fireChannelWritabilityChanged()
    }

    /// The decoder produced a request head: the header deadline is met.
    func headReceived() {
        headPending = false
    }

    /// The request ended: the next byte starts the next request's head.
    func requestReceived() {
        betweenRequests = true
    }

    /// A response was queued for the client: from now on its socket must make progress.
    func responseQueued() {
        queuedResponses += 1
        if writeTimer == nil { scheduleWriteCheck() }
    }

    /// A queued response went to the socket; `remaining` are still waiting. The check stays scheduled: it
    /// ends itself when it finds nothing queued, so a keep-alive connection schedules one timer per
    /// `writeTimeout`, not one per response (a timer-heap insert and a cancel were per-request costs).
    func responseWritten(remaining: Int) {
        queuedResponses = remaining
        bufferedAtLastCheck = -1
    }

    /// Every `writeTimeout`, while responses are queued: if the bytes waiting in the channel did not go
    /// down since the last look, the client stopped reading and the connection is dropped.
    private func scheduleWriteCheck() {
        guard let context else { return }
        writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: writeTimeout) { [weak self] in
            guard let self, let context = self.context else { return }
            self.writeTimer = nil
            guard self.queuedResponses > 0 || !context.channel.isWritable else { return }
            let buffered = (try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
            if buffered > 0, buffered == self.bufferedAtLastCheck {
                self.logger.info("closing HTTP connection: the client read nothing for \(self.writeTimeout.nanoseconds / 1_000_000_000) s",
                                 metadata: ["peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
                context.close(promise: nil)
                return
            }
            self.bufferedAtLastCheck = buffered
            self.scheduleWriteCheck()
        }
    }

    private func cancelTimers() {
        headerTimer?.cancel()
        headerTimer = nil
        writeTimer?.cancel()
        writeTimer = nil
    }
}

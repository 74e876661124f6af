import Foundation
import LiveSegmenting
import Logging
import MediaCore
import NIOCore
import RTMP

/// Carries out an `RTMPServerSession`'s actions on one TCP connection: writes its replies, asks the key
/// validator and the stream store about a publish, and hands media to the publication's segmenter task.
final class RTMPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Decision: Sendable {
        case accepted(LivePublication)
        case refused(String)
    }

    private var session: RTMPServerSession
    private let streams: LiveStreams
    private let validateKey: StreamKeyValidator
    private let authorise: PublishAuthoriser?
    private var logger: Logger
    /// The segmenter task's input: the media messages of one read at a time (one hand-over per read, not
    /// per message: the hand-overs were a tenth of a live stream's CPU).
    private var feed: AsyncStream<[ArrivedMediaEvent]>.Continuation?
    private var isActive = true
    /// Reads (of at most 32 KiB) queued for the segmenter before the publisher is cut off (half a minute
    /// and more of a 3 Mb/s stream), which bounds the memory a publisher can pin when storage is slow.
    static let maxQueuedReads = 512

    private let publishTimeout: TimeAmount
    private var publishDeadline: Scheduled<Void>?
    /// The server-wide budget for unfinished messages, and this connection's share of it.
    private let budget: RTMPMemoryBudget
    private var budgetShare = 0
    /// The server's count of publications not finished yet (what its shutdown waits for).
    private let unfinished: UnfinishedPublications

    init(settings: RTMPServerSession.Settings, streams: LiveStreams, validateKey: @escaping StreamKeyValidator,
         authorise: PublishAuthoriser? = nil, publishTimeout: TimeAmount, budget: RTMPMemoryBudget, unfinished: UnfinishedPublications, logger: Logger) {
        self.authorise = authorise
        self.publishTimeout = publishTimeout
        self.budget = budget
        self.unfinished = unfinished
        self.session = RTMPServerSession(settings: settings,
                                         handshake: RTMPHandshake(serverTime: UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970))))
        self.streams = streams
        self.validateKey = validateKey
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        logger[metadataKey: "peer"] = "\(context.remoteAddress.map { "\($0)" } ?? "?")"
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        publishDeadline = context.eventLoop.scheduleTask(in: publishTimeout) {
            let (handler, context) = loopBound.value
            // Asking is enough: the key validator may take its time without the deadline closing on it.
            guard handler.session.phase != .publishing, handler.session.phase != .publishPending else { return }
            handler.logger.info("closing RTMP connection: not publishing \(handler.publishTimeout.nanoseconds / 1_000_000_000) s after connecting")
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            let actions = try session.receive(bytes)
            let share = session.bufferedBytes
            guard budget.adjust(by: share - budgetShare) else {
                throw LiveError.limitExceeded("RTMP connections together hold \(budget.limit) bytes of unfinished messages")
            }
            budgetShare = share
            perform(actions, context: context)
        } catch {
            logger.warning("closing RTMP connection: \(error)")
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        _ = budget.adjust(by: -budgetShare)
        budgetShare = 0
        publishDeadline?.cancel()
        feed?.finish()
        feed = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            logger.info("closing idle RTMP connection")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("RTMP connection error: \(error)")
        context.close(promise: nil)
    }

    private func perform(_ actions: [RTMPServerSession.Action], context: ChannelHandlerContext) {
        var media: [ArrivedMediaEvent] = []
        for action in actions {
            switch action {
            case .send(let bytes):
                context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
            case .publishRequested(_, let key):
                authorize(key: key, context: context)
            case .media(let event):
                if feed != nil { media.append(ArrivedMediaEvent(event, receivedAt: Date().timeIntervalSince1970)) }
            case .unpublished:
                guard deliver(&media, context: context) else { return }
                feed?.finish()
                feed = nil
            case .close(let reason):
                guard deliver(&media, context: context) else { return }
                logger.info("closing RTMP connection: \(reason)")
                context.writeAndFlush(wrapOutboundOut(ByteBuffer()), promise: nil)
                context.close(promise: nil)
                return
            }
        }
        guard deliver(&media, context: context) else { return }
        context.flush()
    }

    /// Hands the media messages gathered so far to the segmenter task; false when its queue is full (the
    /// connection is then closed).
    private func deliver(_ media: inout [ArrivedMediaEvent], context: ChannelHandlerContext) -> Bool {
        defer { media = [] }
        guard !media.isEmpty, let feed else { return true }
        if case .dropped = feed.yield(media) {
            // The disk cannot keep up with this publisher: dropping frames would corrupt segments.
            logger.error("closing RTMP connection: segment writing fell \(Self.maxQueuedReads) reads behind")
            context.close(promise: nil)
            return false
        }
        return true
    }

    /// Asks the validator (which may be slow: a database) and then the publish authoriser (an HTTP
    /// round trip) off the event loop, then claims the stream.
    private func authorize(key: String, context: ChannelHandlerContext) {
        let validate = validateKey, authorise = authorise
        let streams = streams, unfinished = unfinished
        let address = context.channel.remoteAddress?.ipAddress
        context.eventLoop.makeFutureWithTask { () -> Decision in
            guard let target = await validate(key) else { return .refused("unknown stream key") }
            let stream = target.stream
            if let authorise, let reason = await authorise(PublishAttempt(stream: stream, key: key, address: address, transport: .rtmp)) {
                return .refused(reason)
            }
            guard let publication = streams.beginPublishing(stream, input: target.input) else {
                return .refused("stream '\(stream)' already has a publisher on its \(target.input) key")
            }
            unfinished.began()
            return .accepted(publication)
        }.assumeIsolated().whenSuccess { decision in
            switch decision {
            case .accepted(let publication):
                guard self.isActive else {
                    publication.finish()
                    return unfinished.finished()
                }
                self.logger.info("publishing started", metadata: ["stream": "\(publication.stream)", "input": "\(publication.input)"])
                self.feed = Self.startSegmenting(publication, channel: context.channel, unfinished: unfinished, logger: self.logger)
                self.perform(self.session.acceptPublish(), context: context)
            case .refused(let reason):
                self.logger.notice("publish refused: \(reason)")
                self.perform(self.session.refusePublish(reason: reason), context: context)
            }
        }
    }

    /// The publication's segmenter runs in its own task, fed in arrival order; file writes stay off the
    /// event loop. When the feed ends (disconnect, unpublish) the last segments are written and the
    /// stream is released for the next publisher.
    private static func startSegmenting(_ publication: LivePublication, channel: Channel, unfinished: UnfinishedPublications,
                                        logger: Logger) -> AsyncStream<[ArrivedMediaEvent]>.Continuation {
        let (reads, continuation) = AsyncStream.makeStream(of: [ArrivedMediaEvent].self, bufferingPolicy: .bufferingOldest(maxQueuedReads))
        Task {
            defer { unfinished.finished() }
            do {
                let audio = AudioToAAC(stream: publication.stream, logger: logger)
                for await events in reads {
                    for event in events {
                        for converted in try audio.convert(event) { try publication.receive(converted) }
                    }
                }
                for converted in audio.finish(receivedAt: Date().timeIntervalSince1970) { try publication.receive(converted) }
            } catch {
                logger.error("live stream \(publication.stream) stopped: \(error)")
                channel.close(promise: nil)
            }
            publication.finish()
            logger.info("publishing ended", metadata: ["stream": "\(publication.stream)", "input": "\(publication.input)"])
        }
        return continuation
    }
}

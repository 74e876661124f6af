import Hummingbird
import HummingbirdCore
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 child channel with the origin's defences added: connection admission (total,
/// per address, health-check reserve), header and write deadlines, and the `RequestGate` between NIO's
/// HTTP/1 codec and Hummingbird's. Hummingbird's own `HTTP1Channel` builds the same pipeline without them
/// and offers no place below its HTTP-types codec, where the request version and raw framing are visible.
struct OriginHTTPChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: HTTPConnectionLimits
    let admission: ConnectionAdmission
    let additionalChannelHandlers: @Sendable () -> [any RemovableChannelHandler]
    /// Added after Hummingbird's connection-state handler, last before the application (the fast path).
    let lastHandler: @Sendable () -> (any ChannelHandler)?
    /// Answers cached VOD requests from the raw bytes, in front of the decoder (`FastPathFront`); nil when off.
    let fastPath: MediaFastPath?
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let address = channel.remoteAddress?.ipAddress
            let decision = admission.admit(address: address)
            let pipeline = channel.pipeline.syncOperations
            if case .refused(let reason) = decision {
                self.logger.notice("refusing HTTP connection: \(reason)", metadata: ["peer": "\(address ?? "?")"])
                try pipeline.addHandler(ConnectionRefusal(reason: reason))
            } else {
                let admission = self.admission
                channel.closeFuture.whenComplete { _ in admission.release(address: address) }
                let deadlines = ConnectionDeadlines(headerTimeout: limits.headerTimeout, writeTimeout: limits.writeTimeout, logger: self.logger)
                try pipeline.addHandler(deadlines)
                // Not on the health-check reserve: there the gate answers 503 to anything but health checks.
                let front = decision == .healthChecksOnly ? nil : fastPath.map {
                    FastPathFront(fastPath: $0, maxInFlight: limits.maxResponsesInFlight, idleTimeout: limits.idleTimeout, deadlines: deadlines,
                                  readsItself: true)
                }
                if let front {
                    // The front asks for reads itself (`FastPathFront.channelReadComplete`).
                    try channel.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
                    try pipeline.addHandler(front)
                }
                try pipeline.configureHTTPServerPipeline(
                    withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                    withEncoderConfiguration: .init(), withDecoderLimitConfiguration: .init())
                try pipeline.addHandler(RequestGate(maxResponsesInFlight: limits.maxResponsesInFlight,
                                                    healthChecksOnly: decision == .healthChecksOnly, deadlines: deadlines, front: front))
                try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                try pipeline.addHandlers(additionalChannelHandlers())
                // With the front, the idle timeout is the front's: this handler does not see the requests it answers.
                try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: front == nil ? limits.idleTimeout : nil, logger: logger))
                if let last = lastHandler() { try pipeline.addHandler(last) }
            }
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

/// The whole pipeline of a refused connection: a 503 with the reason, then close. Nothing is read.
final class ConnectionRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let reason: String

    init(reason: String) { self.reason = reason }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(context: ChannelHandlerContext) {
        let body = "service unavailable: \(reason)\n"
        let text = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: \(body.utf8.count)\r\n"
            + "retry-after: 5\r\nconnection: close\r\n\r\n" + body
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

extension HTTPServerBuilder {
    /// The origin's HTTP/1 server: `OriginHTTPChannel` with these limits.
    static func origin(limits: HTTPConnectionLimits, admission: ConnectionAdmission, logger: Logger,
                       additionalChannelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler],
                       lastHandler: @escaping @Sendable () -> (any ChannelHandler)? = { nil },
                       fastPath: MediaFastPath? = nil) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            OriginHTTPChannel(responder: responder, limits: limits, admission: admission,
                              additionalChannelHandlers: additionalChannelHandlers, lastHandler: lastHandler, fastPath: fastPath,
                              logger: logger)
        }
    }
}

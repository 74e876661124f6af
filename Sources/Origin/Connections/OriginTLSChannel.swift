import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL

/// HTTPS (HTTP/2 and HTTP/1.1 by ALPN, Hummingbird's `HTTP2UpgradeChannel`) with the defences plain HTTP
/// has: admission (total and per-address limits, and the health-check reserve: a connection over the total
/// is served `/healthz`, `/readyz` and `/metrics` only, decided per request once it is decrypted), a
/// deadline for the handshake and the first request bytes (`headerTimeout`), the write deadline on the
/// raw socket, and for HTTP/1.1 the request gate (pipelining bound and back-pressure, framing rules),
/// installed by `TLSGateInstaller` once ALPN has chosen the protocol. The idle timeout is Hummingbird's,
/// set from the same limits for both protocols.
struct OriginTLSChannel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// nil for a refused connection (closed during setup).
        let upgraded: HTTP2UpgradeChannel.Value?
    }

    let inner: HTTP2UpgradeChannel
    let limits: HTTPConnectionLimits
    let admission: ConnectionAdmission
    let logger: Logger

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress
        let decision = admission.admit(address: address)
        if case .refused(let refusal) = decision {
            self.logger.notice("refusing HTTPS connection: \(refusal)", metadata: ["peer": "\(address ?? "?")"])
            channel.close(promise: nil)
            return channel.eventLoop.makeSucceededFuture(Value(channel: channel, upgraded: nil))
        }
        let admission = self.admission
        channel.closeFuture.whenComplete { _ in admission.release(address: address) }
        let timeout = limits.headerTimeout, log = self.logger
        do {
            // On the raw (encrypted) bytes, ahead of the TLS handler: the write deadline for clients that
            // stop reading. The header deadline is `FirstRequestDeadline`'s (the decrypted bytes are HTTP/2
            // frames or HTTP/1.1, which only the protocol's own handlers can tell apart).
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionDeadlines(headerTimeout: nil, writeTimeout: limits.writeTimeout, logger: log))
            try pipeline.addHandler(AdmissionMark(healthChecksOnly: decision == .healthChecksOnly))
        } catch {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { upgraded in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(FirstRequestDeadline(timeout: timeout, logger: log),
                                    position: .after(try pipeline.handler(type: NIOSSLServerHandler.self)))
            return Value(channel: channel, upgraded: upgraded)
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard let upgraded = value.upgraded else { return }
        await inner.handle(value: upgraded, logger: logger)
    }
}

/// Right after the TLS handler: closes the connection unless decrypted bytes (the first request, or
/// HTTP/2's preface) arrive within `timeout` of the connection being set up, then steps aside.
final class FirstRequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(timeout: Duration, logger: Logger) {
        self.timeout = TimeAmount(timeout)
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let timeout = self.timeout, logger = self.logger
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let context = bound.value
            logger.info("closing HTTPS connection: no request \(timeout.nanoseconds / 1_000_000_000) s after it opened",
                        metadata: ["peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        timer?.cancel()
        timer = nil
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

extension HTTPServerBuilder {
    /// The origin's HTTPS server: `OriginTLSChannel` around Hummingbird's HTTP/2-upgrade channel, its idle
    /// timeouts (connection without streams, HTTP/1.1 keep-alive) from `limits`.
    static func originTLS(_ tls: TLSConfiguration, limits: HTTPConnectionLimits, admission: ConnectionAdmission,
                          logger: Logger) throws -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            let configuration = HTTP2UpgradeChannel.Configuration(
                idleTimeout: limits.idleTimeout,
                streamConfiguration: .init(additionalChannelHandlers: [TLSGateInstaller(maxResponsesInFlight: limits.maxResponsesInFlight)],
                                           idleTimeout: TimeAmount(limits.idleTimeout)))
            return OriginTLSChannel(inner: try HTTP2UpgradeChannel(tlsConfiguration: tls, configuration: configuration, responder: responder),
                                    limits: limits, admission: admission, logger: logger)
        }
    }
}

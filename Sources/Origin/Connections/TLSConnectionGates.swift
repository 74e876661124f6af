import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Put on an HTTPS connection's pipeline by `OriginTLSChannel`: whether the connection was admitted on the
/// health-check reserve (over `maxConnections`), for the per-protocol gates set up after ALPN.
final class AdmissionMark: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let healthChecksOnly: Bool

    init(healthChecksOnly: Bool) { self.healthChecksOnly = healthChecksOnly }
}

/// Given to Hummingbird's HTTP/1.1 and HTTP/2-stream pipelines behind TLS (`additionalChannelHandlers`):
/// when the pipeline is built it puts in the plain-HTTP defences that fit the negotiated protocol.
/// - HTTP/1.1: `RequestGate` before the HTTP-types codec, as on plain HTTP: the pipelining bound and
///   back-pressure, the framing rules, the reserve's 503s, and the write deadline fed by its responses.
/// - HTTP/2: on a connection admitted on the reserve, `HealthChecksOnlyStream` on every stream (HTTP/2's
///   own flow control bounds what a stream holds, and the connection's write deadline still applies).
final class TLSGateInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    let maxResponsesInFlight: Int

    init(maxResponsesInFlight: Int) { self.maxResponsesInFlight = maxResponsesInFlight }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        do {
            if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
                let mark = try? pipeline.handler(type: AdmissionMark.self)
                let deadlines = try? pipeline.handler(type: ConnectionDeadlines.self)
                try pipeline.addHandler(RequestGate(maxResponsesInFlight: maxResponsesInFlight,
                                                    healthChecksOnly: mark?.healthChecksOnly ?? false, deadlines: deadlines),
                                        position: .before(codec))
            } else if let parent = context.channel.parent,
                      let mark = try? parent.pipeline.syncOperations.handler(type: AdmissionMark.self), mark.healthChecksOnly {
                try pipeline.addHandler(HealthChecksOnlyStream(), position: .after(self))
            }
        } catch {
            context.fireErrorCaught(error)
        }
    }
}

/// One HTTP/2 stream of a connection admitted on the health-check reserve: `/healthz`, `/readyz` and
/// `/metrics` go on; anything else gets 503 with `Retry-After` and never reaches the application.
final class HealthChecksOnlyStream: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            let path = String((request.path ?? "").prefix { $0 != "?" })
            guard !RequestGate.healthPaths.contains(path) else {
                context.fireChannelRead(data)
                return
            }
            refused = true
            let body = ByteBuffer(string: "the server is at its connection limit: try again shortly\n")
            let headers: HTTPFields = [.contentType: "text/plain; charset=utf-8", .contentLength: String(body.readableBytes),
                                       .cacheControl: "no-store", .retryAfter: "5"]
            context.write(wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .body, .end:
            if !refused { context.fireChannelRead(data) }
        }
    }
}

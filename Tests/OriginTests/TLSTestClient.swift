import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The test's own HTTPS/1.1 connection (swift-nio-ssl, certificate not verified: the tests make a
/// self-signed one): GET requests pipelined on one connection, the responses parsed in the order they
/// arrive, and the option to stop reading altogether, which curl cannot do.
final class TLSTestClient: Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var bodyBytes = 0
        var complete = false
    }

    /// Filled on the event loop, read by the test.
    final class Received: Sendable {
        let responses = Mutex<[Response]>([])
        let closed = Atomic<Bool>(false)

        var complete: [Response] { responses.withLock { $0.filter(\.complete) } }
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPClientResponsePart
        let received: Received

        init(_ received: Received) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                received.responses.withLock { $0.append(Response(status: Int(head.status.code), headers: head.headers)) }
            case .body(let buffer):
                received.responses.withLock { $0[$0.count - 1].bodyBytes += buffer.readableBytes }
            case .end:
                received.responses.withLock { $0[$0.count - 1].complete = true }
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            received.closed.store(true, ordering: .sequentiallyConsistent)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    let channel: any Channel
    let received: Received

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    /// Connects to 127.0.0.1:`port` over TLS with ALPN `http/1.1`; `receiveBuffer` shrinks SO_RCVBUF for
    /// tests that stop reading.
    static func connect(port: Int, receiveBuffer: Int? = nil) async throws -> TLSTestClient {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: configuration)
        let received = Received()
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let receiveBuffer {
            bootstrap = bootstrap.channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        let channel = try await bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                try pipeline.addHTTPClientHandlers()
                try pipeline.addHandler(Collector(received))
            }
        }.connect(host: "127.0.0.1", port: port).get()
        return TLSTestClient(channel: channel, received: received)
    }

    /// Writes one GET per path, all in one flush (pipelined), each with `X-Request-Id` from `ids`.
    func get(_ paths: [String], ids: [String]? = nil) {
        for (index, path) in paths.enumerated() {
            var headers = HTTPHeaders([("Host", "127.0.0.1")])
            if let ids { headers.add(name: "X-Request-Id", value: ids[index]) }
            channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)),
                          promise: nil)
            channel.write(HTTPClientRequestPart.end(nil), promise: nil)
        }
        channel.flush()
    }

    /// Stops reading the socket: what the server sends stays in the kernel's buffers, then in its own.
    func stopReading() async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: false).get()
    }

    func close() {
        channel.close(promise: nil)
    }
}

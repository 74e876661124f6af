import LiveSegmenting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RTMP

/// The RTMP listener: accepts many concurrent publishers, each on its own connection handler, and
/// sends their media into `LiveStreams`.
public final class RTMPServer: Sendable {
    public let configuration: RTMPServerConfiguration
    private let streams: LiveStreams
    private let validateKey: StreamKeyValidator
    private let authorise: PublishAuthoriser?
    private let group: any EventLoopGroup
    private let logger: Logger
    private let channel = NIOLockedValueBox<Channel?>(nil)
    /// Open publisher connections, so shutdown can end them and let their last segments be written.
    private let connections = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])
    /// Open connections per client address (the per-address limit).
    private let perAddress = NIOLockedValueBox<[String: Int]>([:])
    let budget: RTMPMemoryBudget
    /// Publications handed out and not finished yet: shutdown waits for these, because a stream stops
    /// counting as publishing inside `finish` before its last segment and end events are reported.
    let unfinished = UnfinishedPublications()

    /// `authorise`, when given, is asked after a key matched (`live.publish_webhook_url`).
    public init(configuration: RTMPServerConfiguration, streams: LiveStreams, validateKey: @escaping StreamKeyValidator,
                authorise: PublishAuthoriser? = nil, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "mediaserve.live.rtmp")) {
        self.configuration = configuration
        self.streams = streams
        self.validateKey = validateKey
        self.authorise = authorise
        self.group = group
        self.logger = logger
        budget = RTMPMemoryBudget(limit: configuration.maxBufferedBytesTotal)
    }

    /// Binds the listener; returns the port it listens on (useful with port 0).
    @discardableResult
    public func start() async throws -> Int {
        let settings = RTMPServerSession.Settings(application: configuration.application, limits: configuration.limits)
        let streams = streams, validateKey = validateKey, authorise = authorise, logger = logger, timeout = configuration.readTimeout
        let connections = connections, publishTimeout = configuration.publishTimeout
        let maxConnections = configuration.maxConnections, maxPerAddress = configuration.maxConnectionsPerAddress
        let perAddress = perAddress, budget = budget, unfinished = unfinished
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Reads of at most 32 KiB: a 3 Mb/s publisher still needs only a dozen reads a second, and each
            // connection's pooled receive buffer stays a quarter of NIO's 64 KiB default (memory per stream).
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 4096, maximum: 32 << 10))
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                let address = channel.remoteAddress?.ipAddress
                let refusal = connections.withLockedValue { open -> String? in
                    guard open.count < maxConnections else { return "\(maxConnections) connections already open" }
                    let admitted = perAddress.withLockedValue { counts -> Bool in
                        guard let address else { return true }
                        guard maxPerAddress <= 0 || counts[address, default: 0] < maxPerAddress else { return false }
                        counts[address, default: 0] += 1
                        return true
                    }
                    guard admitted else { return "\(maxPerAddress) connections already open from \(address ?? "?")" }
                    open[id] = channel
                    return nil
                }
                if let refusal {
                    logger.warning("refusing RTMP connection: \(refusal)")
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in
                    _ = connections.withLockedValue { $0.removeValue(forKey: id) }
                    guard let address else { return }
                    perAddress.withLockedValue { counts in
                        let left = counts[address, default: 1] - 1
                        counts[address] = left > 0 ? left : nil
                    }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(readTimeout: timeout),
                        RTMPConnectionHandler(settings: settings, streams: streams, validateKey: validateKey, authorise: authorise,
                                              publishTimeout: publishTimeout, budget: budget, unfinished: unfinished, logger: logger),
                    ])
                }
            }
        let bound: Channel
        do {
            bound = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            throw LiveError.listen(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
        channel.withLockedValue { $0 = bound }
        let port = bound.localAddress?.port ?? configuration.port
        logger.info("RTMP listening on \(configuration.host):\(port), publish to rtmp://<host>:\(port)/\(configuration.application)/<stream-key>")
        return port
    }

    /// Connections open now (publishers, and clients still in the handshake).
    public var openConnections: Int { connections.withLockedValue { $0.count } }

    /// Stops accepting publishers, disconnects the connected ones and waits (up to `grace`) until their
    /// last segments are written and reported and their streams released (each publication's `finish`
    /// has returned, so its `publishEnded` event is out).
    public func shutdown(grace: Duration = .seconds(5)) async throws {
        if let bound = channel.withLockedValue({ value -> Channel? in defer { value = nil }; return value }) {
            try? await bound.close()
        }
        for connection in connections.withLockedValue({ Array($0.values) }) {
            try? await connection.close()
        }
        let deadline = ContinuousClock.now + grace
        while unfinished.count > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// How many publications of one server are between `beginPublishing` and the end of their `finish`.
final class UnfinishedPublications: Sendable {
    private let value = NIOLockedValueBox(0)

    var count: Int { value.withLockedValue { $0 } }

    func began() { value.withLockedValue { $0 += 1 } }

    func finished() { value.withLockedValue { $0 -= 1 } }
}

import FFmpegKit
import Foundation
import Logging
import MediaCore
import NIOConcurrencyHelpers

/// An SRT listener for one stream, through libavformat's `srt` protocol (libsrt): a caller connects
/// with an MPEG-TS of H.264 + AAC, and its media goes to the same segmenter as RTMP publishers.
///
/// libavformat's listener neither reports the caller's `streamid` nor accepts more than one caller per
/// socket, so each SRT stream has its own port, and the SRT passphrase (AES, 10–79 characters) is the
/// key: a caller without it is refused by libsrt during the handshake.
public final class SRTListener: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var stream: SafeName
        /// The caller must know it (`srt://host:port?passphrase=…`); nil accepts anyone who reaches the port.
        public var passphrase: String?
        /// SRT receiver latency in milliseconds (libsrt's default is 120).
        public var latencyMilliseconds: Int

        public init(host: String = "0.0.0.0", port: Int, stream: SafeName, passphrase: String? = nil, latencyMilliseconds: Int = 120) {
            self.host = host
            self.port = port
            self.stream = stream
            self.passphrase = passphrase
            self.latencyMilliseconds = latencyMilliseconds
        }
    }

    public let configuration: Configuration
    private let streams: LiveStreams
    private let logger: Logger
    private let cancellation = NetworkInput.Cancellation()
    private let finished = NIOLockedValueBox<Bool>(false)

    public init(configuration: Configuration, streams: LiveStreams, logger: Logger = Logger(label: "mediaserve.live.srt")) {
        self.configuration = configuration
        self.streams = streams
        self.logger = logger
    }

    var url: String {
        // libavformat's srt options take microseconds for latency.
        "srt://\(configuration.host):\(configuration.port)?mode=listener&latency=\(configuration.latencyMilliseconds * 1000)"
    }

    /// Listens on a thread of its own (libavformat blocks) until `stop`; one caller at a time.
    public func start() {
        let thread = Thread { [self] in
            while !cancellation.isCancelled {
                serveOneCaller()
            }
            finished.withLockedValue { $0 = true }
        }
        thread.name = "srt-\(configuration.stream)"
        thread.start()
    }

    /// Stops listening, ends a connected caller (its last segments are written) and waits for the thread.
    public func stop() async {
        cancellation.cancel()
        while !finished.withLockedValue({ $0 }) { try? await Task.sleep(for: .milliseconds(20)) }
    }

    private func serveOneCaller() {
        var options: [String: String] = [:]
        if let passphrase = configuration.passphrase { options["passphrase"] = passphrase }
        let input: NetworkInput
        do {
            input = try NetworkInput(url: url, options: options, cancellation: cancellation)
        } catch {
            if !cancellation.isCancelled {
                logger.warning("SRT listener on port \(configuration.port): \(error)")
                Thread.sleep(forTimeInterval: 0.2)  // a port in use must not become a busy loop
            }
            return
        }
        guard let publication = streams.beginPublishing(configuration.stream) else {
            logger.notice("SRT caller refused: stream '\(configuration.stream)' already has a publisher")
            return
        }
        logger.info("SRT publishing started", metadata: ["stream": "\(configuration.stream)"])
        do {
            try pump(input, into: publication)
        } catch {
            logger.warning("SRT stream \(configuration.stream) ended: \(error)")
        }
        publication.finish()
        logger.info("SRT publishing ended", metadata: ["stream": "\(configuration.stream)"])
    }

    private func pump(_ input: NetworkInput, into publication: LivePublication) throws {
        var adapter = TSMediaAdapter()
        let packet = Packet()
        while !cancellation.isCancelled, try input.readPacket(into: packet) {
            guard let stream = input.stream(at: packet.streamIndex), let pts = packet.pts else { continue }
            let scale = stream.timeBase.denominator == 90_000 && stream.timeBase.numerator == 1
            guard scale else { throw LiveError.malformedMedia("SRT stream time base \(stream.timeBase) is not MPEG-TS's 1/90000") }
            let events: [LiveMediaEvent]
            switch (stream.kind, stream.codec) {
            case (.video?, "h264"):
                events = adapter.video(packet.bytes, pts: pts, dts: packet.dts ?? pts, isKeyframe: packet.isKeyframe)
            case (.audio?, "aac"):
                events = try adapter.audio(packet.bytes, pts: pts)
            case (.video?, let codec), (.audio?, let codec):
                throw LiveError.unsupportedCodec(codec)
            default:
                continue
            }
            let now = Date().timeIntervalSince1970
            for event in events { try publication.receive(ArrivedMediaEvent(event, receivedAt: now)) }
        }
    }
}

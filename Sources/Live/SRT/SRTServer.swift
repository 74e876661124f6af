import Foundation
import LiveSegmenting
import Logging
import MediaCore
import NIOConcurrencyHelpers
import RTMP
import SRTKit

/// The SRT listener: one UDP port for every stream, many callers at once, each choosing its stream with
/// its `streamid` (`srt://host:port?streamid=<stream-key>`, or `#!::r=<stream-key>,m=publish`). A caller
/// sends MPEG-TS with H.264 and AAC; its media goes to the same segmenter as RTMP publishers.
///
/// Unknown keys, keys whose stream already has a publisher (over RTMP or SRT), other modes and callers
/// beyond `maxCallers` are refused during the handshake, with an SRT reject reason, before libsrt
/// accepts the connection. libsrt and libavformat block, so the accept loop and every caller run on
/// threads of their own, never on Swift's cooperative pool.
public final class SRTServer: Sendable {
    struct State {
        var listener: SRTSocket?
        var stopping = false
        /// Connected callers by session number, so shutdown can end them.
        var callers: [Int: SRTSocket] = [:]
        var nextSession = 0
        /// Threads (accept loop and callers) still running: shutdown waits for them.
        var threads = 0
    }

    public let configuration: SRTServerConfiguration
    private let streams: LiveStreams
    private let validateKey: SRTStreamKeyValidator
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    public init(configuration: SRTServerConfiguration, streams: LiveStreams, validateKey: @escaping SRTStreamKeyValidator,
                logger: Logger = Logger(label: "mediaserve.live.srt")) {
        self.configuration = configuration
        self.streams = streams
        self.validateKey = validateKey
        self.logger = logger
    }

    /// Binds the listener and starts accepting; returns the UDP port (useful with port 0).
    @discardableResult
    public func start() throws -> Int {
        let listener: SRTSocket
        do {
            listener = try SRTSocket()
            try listener.set(.latencyMilliseconds(configuration.latencyMilliseconds))
            if let passphrase = configuration.passphrase { try listener.set(.passphrase(passphrase)) }
            try listener.bind(host: configuration.host, port: configuration.port)
            try listener.onHandshake { [self] handshake in decide(handshake) }
            try listener.listen(backlog: 64)
        } catch {
            throw LiveError.srtListen(host: configuration.host, port: configuration.port, reason: error.description)
        }
        state.withLockedValue {
            $0.listener = listener
            $0.threads += 1
        }
        let thread = Thread { [self] in acceptLoop(listener) }
        thread.name = "srt-accept"
        thread.start()
        let port = listener.localPort
        logger.info("SRT listening on \(configuration.host):\(port) (UDP), publish to srt://<host>:\(port)?streamid=<stream-key>")
        return port
    }

    /// Stops accepting callers, ends the connected ones and waits (up to `grace`) until their last
    /// segments are written and their streams released.
    public func shutdown(grace: Duration = .seconds(5)) async {
        let callers = state.withLockedValue { state -> [SRTSocket] in
            state.stopping = true
            return Array(state.callers.values)
        }
        // Callers notice `stopping` within one receive timeout; closing also wakes a blocked receive.
        for caller in callers { caller.close() }
        let deadline = ContinuousClock.now + grace
        while state.withLockedValue({ $0.threads }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        state.withLockedValue { $0.listener }?.close()
    }

    var isStopping: Bool { state.withLockedValue { $0.stopping } }

    /// The handshake verdict, on libsrt's receiver thread (quick: a catalog lookup at most).
    func decide(_ handshake: SRTHandshake) -> SRTVerdict {
        let (stopping, connected) = state.withLockedValue { ($0.stopping, $0.callers.count) }
        guard !stopping else { return .reject(.down) }
        guard connected < configuration.maxCallers else {
            logger.warning("refusing SRT caller \(handshake.peer): \(connected) callers already connected")
            return .reject(.overload)
        }
        switch SRTStreamID(handshake.streamID) {
        case .malformed:
            logger.notice("SRT caller \(handshake.peer) refused: no usable streamid (use ?streamid=<stream-key>)")
            return .reject(.badRequest)
        case .unsupportedMode(let mode):
            logger.notice("SRT caller \(handshake.peer) refused: mode '\(mode)' (only m=publish is served)")
            return .reject(.badMode)
        case .publish(let key):
            // The key is a secret: it never appears in a log line, only the stream it maps to.
            guard let stream = validateKey(key) else {
                logger.notice("SRT caller \(handshake.peer) refused: unknown stream key")
                return .reject(.notFound)
            }
            guard !streams.publishingStreams.contains(stream) else {
                logger.notice("SRT caller \(handshake.peer) refused: stream '\(stream)' already has a publisher")
                return .reject(.conflict)
            }
            return .accept
        }
    }

    private func acceptLoop(_ listener: SRTSocket) {
        defer { state.withLockedValue { $0.threads -= 1 } }
        while !isStopping {
            do {
                guard let caller = try listener.accept(timeoutMilliseconds: 200) else { continue }
                admit(caller)
            } catch {
                guard !isStopping else { break }
                logger.warning("SRT accept failed: \(error)")
                Thread.sleep(forTimeInterval: 0.1)  // a persistent failure must not become a busy loop
            }
        }
    }

    /// Claims the caller's stream (it was checked during the handshake, but another publisher may have
    /// claimed it since) and runs the caller on a thread of its own.
    private func admit(_ caller: SRTSocket) {
        guard case .publish(let key) = SRTStreamID(caller.streamID), let stream = validateKey(key) else {
            logger.notice("SRT caller \(caller.peer) dropped: its stream key is no longer valid")
            return caller.close()
        }
        // Counted as connected before it publishes, so the caller limit holds as soon as it is on the air.
        let session = state.withLockedValue { state -> Int? in
            guard !state.stopping else { return nil }
            state.nextSession += 1
            state.callers[state.nextSession] = caller
            state.threads += 1
            return state.nextSession
        }
        guard let session else { return caller.close() }
        guard let publication = streams.beginPublishing(stream) else {
            logger.notice("SRT caller \(caller.peer) dropped: stream '\(stream)' already has a publisher")
            state.withLockedValue {
                $0.callers.removeValue(forKey: session)
                $0.threads -= 1
            }
            return caller.close()
        }
        let thread = Thread { [self] in
            SRTCallerSession(caller: caller, publication: publication, readTimeoutSeconds: configuration.readTimeoutSeconds,
                             isStopping: { [self] in isStopping }, logger: logger).run()
            caller.close()
            state.withLockedValue {
                $0.callers.removeValue(forKey: session)
                $0.threads -= 1
            }
        }
        thread.name = "srt-\(stream)"
        thread.start()
    }
}

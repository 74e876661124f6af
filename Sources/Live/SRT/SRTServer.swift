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
    private let authorise: PublishAuthoriser?
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    /// `authorise`, when given, is asked after a key matched (`live.publish_webhook_url`). It may wait,
    /// so it is asked on the caller's own thread once libsrt accepted it, not during the handshake: a
    /// refused caller is disconnected before any of its media is taken.
    public init(configuration: SRTServerConfiguration, streams: LiveStreams, validateKey: @escaping SRTStreamKeyValidator,
                authorise: PublishAuthoriser? = nil, logger: Logger = Logger(label: "mediaserve.live.srt")) {
        self.configuration = configuration
        self.streams = streams
        self.validateKey = validateKey
        self.authorise = authorise
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
            guard let target = validateKey(key) else {
                logger.notice("SRT caller \(handshake.peer) refused: unknown stream key")
                return .reject(.notFound)
            }
            guard !streams.isPublishing(target.stream, input: target.input) else {
                logger.notice("SRT caller \(handshake.peer) refused: stream '\(target.stream)' already has a publisher on its \(target.input) key")
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

    /// Runs the caller on a thread of its own, which asks the publish authoriser (when there is one)
    /// and claims the caller's stream (the key was checked during the handshake, but another publisher
    /// may have claimed the stream since).
    private func admit(_ caller: SRTSocket) {
        guard case .publish(let key) = SRTStreamID(caller.streamID), let target = validateKey(key) else {
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
        let stream = target.stream
        let thread = Thread { [self] in
            defer {
                caller.close()
                state.withLockedValue {
                    $0.callers.removeValue(forKey: session)
                    $0.threads -= 1
                }
            }
            if let authorise {
                let attempt = PublishAttempt(stream: stream, key: key, address: Self.host(ofPeer: caller.peer), transport: .srt)
                if let reason = PublishAuthorisation.waitBlocking(authorise, attempt) {
                    return logger.notice("SRT caller \(caller.peer) refused: \(reason)")
                }
            }
            guard !isStopping else { return }
            guard let publication = streams.beginPublishing(stream, input: target.input) else {
                return logger.notice("SRT caller \(caller.peer) dropped: stream '\(stream)' already has a publisher on its \(target.input) key")
            }
            SRTCallerSession(caller: caller, publication: publication, readTimeoutSeconds: configuration.readTimeoutSeconds,
                             isStopping: { [self] in isStopping }, logger: logger).run()
        }
        thread.name = "srt-\(stream)"
        thread.start()
    }

    /// `127.0.0.1:52000` -> `127.0.0.1`, `[::1]:52000` -> `::1`; nil when libsrt gave no address.
    static func host(ofPeer peer: String) -> String? {
        if peer.hasPrefix("["), let end = peer.firstIndex(of: "]") { return String(peer[peer.index(after: peer.startIndex)..<end]) }
        guard let colon = peer.lastIndex(of: ":") else { return nil }
        return String(peer[..<colon])
    }
}

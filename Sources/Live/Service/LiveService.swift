import Catalog
import Foundation
import LiveSegmenting
import Logging
import MediaCore
import NIOConcurrencyHelpers
import Storage

/// Live ingest as `mediaserve serve` runs it: both listeners (RTMP, and SRT when configured) over one set
/// of streams, stream keys and states from the catalog, segments under `data/live/<stream>/` (through the
/// live storage seam), and the in-memory segment index the origin's live routes read.
///
/// Catalog states follow the publisher, whichever listener it came through: `live` when one is accepted;
/// after it leaves, `idle` while it may come back, and `ended` once `disconnectTimeout` passed without a
/// new publisher.
public final class LiveService: Sendable {
    public struct Settings: Sendable {
        public var rtmp: RTMPServerConfiguration
        /// The SRT listener; nil runs RTMP only (`srt.enabled: false`).
        public var srt: SRTServerConfiguration?
        public var live: LiveConfiguration
        /// Seconds a stream stays `idle` (resumable) after its publisher left before it is `ended`.
        public var disconnectTimeout: Double

        public init(rtmp: RTMPServerConfiguration, srt: SRTServerConfiguration? = nil, live: LiveConfiguration = LiveConfiguration(),
                    disconnectTimeout: Double = 30) {
            self.rtmp = rtmp
            self.srt = srt
            self.live = live
            self.disconnectTimeout = disconnectTimeout
        }
    }

    /// The ports the listeners bound (useful with port 0).
    public struct Ports: Sendable, Equatable {
        public var rtmp: Int
        /// nil when no SRT listener is configured.
        public var srt: Int?
    }

    /// Waits out the disconnect timeout. `serve` sleeps on the continuous clock; tests pass a timer they
    /// fire themselves, so the `idle` -> `ended` rule is checked without waiting for wall-clock time.
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    /// The streams' segment indexes (what `/live/<stream>/...` manifests are built from).
    public let streams: LiveStreams
    /// How long an event-mode stream keeps its segments: the configuration's upper bound for a DVR window.
    public static let eventWindowSeconds: Double = 30 * 86_400
    public let rtmp: RTMPServer
    public let srt: SRTServer?
    private let catalog: any CatalogStore
    private let logger: Logger
    private let sleep: Sleep
    private let endings = NIOLockedValueBox<[SafeName: Task<Void, Never>]>([:])

    /// `observer` hears every live event after the catalog was updated (e.g. to purge cached manifests).
    /// The SRT listener logs as `mediaserve.live.srt` at `logger`'s level. `authorisePublish` is asked
    /// by both listeners after a stream key matched (`live.publish_webhook_url`).
    public init(settings: Settings, data: DataDirectory, catalog: any CatalogStore,
                authorisePublish: PublishAuthoriser? = nil,
                logger: Logger = Logger(label: "mediaserve.live"),
                sleep: @escaping Sleep = { try await Task.sleep(for: $0) },
                observer: @escaping @Sendable (LiveEvent) -> Void = { _ in }) {
        self.catalog = catalog
        self.logger = logger
        self.sleep = sleep
        let relay = NIOLockedValueBox<(@Sendable (LiveEvent) -> Void)?>(nil)
        streams = LiveStreams(
            store: data, configuration: settings.live,
            dvrWindow: { stream in
                guard let record = (try? catalog.liveStream(id: stream)).flatMap({ $0 }) else { return nil }
                // An event keeps every segment from its start (HLS EVENT), up to the longest DVR window allowed.
                return record.eventMode ? LiveService.eventWindowSeconds : Double(record.dvrWindowSeconds)
            },
            lowLatency: { stream in (try? catalog.liveStream(id: stream)).flatMap { $0 }?.lowLatency },
            onEvent: { event in relay.withLockedValue { $0 }?(event) })
        rtmp = RTMPServer(configuration: settings.rtmp, streams: streams,
                          validateKey: { LiveService.target(forKey: $0, catalog: catalog) }, authorise: authorisePublish,
                          logger: logger)
        var srtLogger = Logger(label: "mediaserve.live.srt")
        srtLogger.logLevel = logger.logLevel
        let streams = streams
        srt = settings.srt.map { configuration in
            SRTServer(configuration: configuration, streams: streams,
                      validateKey: { LiveService.target(forKey: $0, catalog: catalog) }, authorise: authorisePublish,
                      logger: srtLogger)
        }
        let timeout = settings.disconnectTimeout
        relay.withLockedValue { $0 = { [weak self] event in
            self?.track(event, disconnectTimeout: timeout)
            observer(event)
        } }
    }

    /// The stream a publisher's key opens, nil for an unknown key: what every listener (RTMP, SRT) asks.
    /// The key is a secret: it never appears in a log line, only the stream it maps to.
    public func stream(forKey key: String) -> SafeName? {
        Self.target(forKey: key, catalog: catalog)?.stream
    }

    /// The stream key opens the primary input, the backup key the standby.
    private static func target(forKey key: String, catalog: any CatalogStore) -> PublishTarget? {
        guard let record = (try? catalog.liveStream(key: key)).flatMap({ $0 }) else { return nil }
        return PublishTarget(record.id, input: record.key == key ? .primary : .backup)
    }

    /// Starts the listeners; returns their ports. First every stream's segment index is reloaded from
    /// the journal beside its files (players keep the DVR window, archives still work). Streams the
    /// catalog still calls `live` or `idle` lost their publisher with the previous process, so they are
    /// `ended` (ENDLIST, static MPD) until a publisher comes back. When the SRT listener cannot start, the
    /// RTMP listener is stopped again and the error thrown (nothing is left half-running).
    @discardableResult
    public func start() async throws -> Ports {
        let records = (try? catalog.listLiveStreams()) ?? []
        for (stream, warning) in streams.restore(records.map(\.id)) {
            logger.warning("live stream index partly restored: \(warning)", metadata: ["stream": "\(stream)"])
        }
        for record in records where record.state == .live || record.state == .idle {
            setState(record.id, .ended)
        }
        let rtmpPort = try await rtmp.start()
        guard let srt else { return Ports(rtmp: rtmpPort, srt: nil) }
        do {
            return Ports(rtmp: rtmpPort, srt: try srt.start())
        } catch {
            try? await rtmp.shutdown()
            throw error
        }
    }

    /// Disconnects publishers of both listeners (their last segments are written) and stops listening.
    public func shutdown() async throws {
        let srt = self.srt
        async let srtStopped: Void = { if let srt { await srt.shutdown() } }()
        do {
            try await rtmp.shutdown()
        } catch {
            await srtStopped
            throw error
        }
        await srtStopped
        for task in endings.withLockedValue({ Array($0.values) }) { task.cancel() }
    }

    private func track(_ event: LiveEvent, disconnectTimeout: Double) {
        switch event {
        case .publishStarted(let stream):
            endings.withLockedValue { $0.removeValue(forKey: stream) }?.cancel()
            setState(stream, .live)
        case .publishEnded(let stream):
            setState(stream, .idle)
            let sleep = self.sleep
            let task = Task { [weak self] in
                try? await sleep(.seconds(disconnectTimeout))
                guard !Task.isCancelled, let self, !self.streams.publishingStreams.contains(stream) else { return }
                self.setState(stream, .ended)
            }
            endings.withLockedValue { $0[stream] = task }
        case .storageFailed(let stream, let reason):
            logger.error("live stream cannot write its segments: listing them as gaps until writes work again",
                         metadata: ["stream": "\(stream)", "error": "\(reason)"])
        case .storageRecovered(let stream):
            logger.notice("live stream writes its segments again", metadata: ["stream": "\(stream)"])
        case .inputSwitched(let stream, let change):
            logger.warning("live stream switched input \(change.from) -> \(change.to): \(change.reason.rawValue)", metadata: [
                "stream": "\(stream)", "segment": "\(change.segment)", "discontinuity": "\(change.discontinuity)",
            ])
        case .segmentOverTarget(let stream, let seconds, let target):
            let length = String(format: "%.2f", seconds)
            logger.warning("live stream cut a \(length) s segment, longer than its EXT-X-TARGETDURATION of \(target) s: the encoder's keyframe interval grew; keep it steady (ideally dividing live.segment_seconds)",
                           metadata: ["stream": "\(stream)"])
        default:
            break
        }
    }

    private func setState(_ stream: SafeName, _ state: LiveStreamState) {
        do {
            try catalog.setLiveStreamState(id: stream, state: state)
        } catch {
            logger.error("cannot record live stream state", metadata: ["stream": "\(stream)", "state": "\(state)", "error": "\(error)"])
        }
    }
}

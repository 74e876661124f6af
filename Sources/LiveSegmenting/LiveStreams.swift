import Foundation
import MediaCore
import NIOConcurrencyHelpers
import RTMP
import Storage

/// Every live stream of this process: its segmenter, its in-memory segment index (the DVR window), and
/// whether a publisher holds it. The RTMP server asks it for a publication; the origin asks it for the
/// current index of a stream.
public final class LiveStreams: Sendable {
    /// Where the streams' files go (`data/live/<stream>/...` locally).
    public let store: any LiveMediaStore
    public let configuration: LiveConfiguration
    private let onEvent: @Sendable (LiveEvent) -> Void
    private let dvrWindowOverride: @Sendable (SafeName) -> Double?
    private let slots = NIOLockedValueBox<[SafeName: StreamSlot]>([:])

    /// `dvrWindow` may give a stream its own window (the catalog stores one per stream); nil keeps
    /// `configuration.dvr`.
    public init(store: any LiveMediaStore, configuration: LiveConfiguration = LiveConfiguration(),
                dvrWindow: @escaping @Sendable (SafeName) -> Double? = { _ in nil },
                onEvent: @escaping @Sendable (LiveEvent) -> Void = { _ in }) {
        self.store = store
        self.configuration = configuration
        self.dvrWindowOverride = dvrWindow
        self.onEvent = onEvent
        _ = SegmentMemory.configured
    }

    /// Streams in a local folder (`root` is `data/live`: each stream gets `<root>/<stream>/<rendition>/`).
    public convenience init(root: URL, configuration: LiveConfiguration = LiveConfiguration(),
                            dvrWindow: @escaping @Sendable (SafeName) -> Double? = { _ in nil },
                            onEvent: @escaping @Sendable (LiveEvent) -> Void = { _ in }) {
        self.init(store: LiveDirectory(root: root), configuration: configuration, dvrWindow: dvrWindow, onEvent: onEvent)
    }

    /// Claims `stream` for a new publisher; nil when another publisher holds it.
    public func beginPublishing(_ stream: SafeName) -> LivePublication? {
        let slot = self.slot(stream).slot
        guard slot.claim() else { return nil }
        onEvent(.publishStarted(stream: stream))
        return LivePublication(stream: stream, slot: slot, onEvent: onEvent)
    }

    /// The stream's slot, made (and its earlier run's index restored from disk) on first use.
    private func slot(_ stream: SafeName) -> (slot: StreamSlot, made: Bool) {
        var streamConfiguration = configuration
        if let window = dvrWindowOverride(stream), window > 0 { streamConfiguration.dvr = DVRRing(window: window) }
        return slots.withLockedValue { slots in
            if let slot = slots[stream] { return (slot, false) }
            let slot = StreamSlot(files: SegmentFiles(store: store, stream: stream),
                                  configuration: streamConfiguration)
            slots[stream] = slot
            return (slot, true)
        }
    }

    /// Reloads each stream's index from the journal an earlier run left beside its segments (at start-up,
    /// so players keep the DVR window across a restart). Returns one warning line per stream whose
    /// journal or files were partly unusable; the rest of that stream loads regardless.
    @discardableResult
    public func restore(_ streams: [SafeName]) -> [SafeName: String] {
        var warnings: [SafeName: String] = [:]
        for stream in streams {
            let (slot, made) = slot(stream)
            if made, let warning = slot.restoreWarning { warnings[stream] = warning }
        }
        return warnings
    }

    /// The stream's renditions with the segments inside the DVR window, in order (video first).
    public func indexes(for stream: SafeName) -> [RenditionIndex] {
        slots.withLockedValue { $0[stream] }?.indexes() ?? []
    }

    /// What manifests of `stream` are built from: its renditions aligned to the segment numbers all of
    /// them still hold, the discontinuities that already left the window, and its own DVR window.
    public func listing(for stream: SafeName) -> LiveListing? {
        guard let slot = slots.withLockedValue({ $0[stream] }) else { return nil }
        let snapshot = slot.snapshot()
        return LiveListing(renditions: snapshot.indexes, discontinuitiesBefore: snapshot.discontinuitiesBefore,
                           dvrWindowSeconds: slot.dvr.window, parts: snapshot.parts, partTargetSeconds: configuration.partDuration)
    }

    /// The stream's listing as soon as `condition` holds for it, waiting for the segmenter to store more
    /// (woken by each stored file, not polling); nil when the stream is unknown or `deadline` passes first.
    /// LL-HLS blocking playlist reloads and parts asked for before they exist wait here.
    public func listing(for stream: SafeName, when condition: (LiveListing) -> Bool,
                        until deadline: ContinuousClock.Instant) async -> LiveListing? {
        guard let slot = slots.withLockedValue({ $0[stream] }) else { return nil }
        while true {
            let seen = slot.changes.generation
            if let listing = listing(for: stream), condition(listing) { return listing }
            guard ContinuousClock.now < deadline else { return nil }
            await slot.changes.wait(after: seen, until: deadline)
        }
    }

    /// Video samples the stream's open segment holds so far (0 for an unknown stream): how far a publisher
    /// got into the segment that is not cut yet, which tests wait on instead of sleeping.
    public func pendingVideoSamples(for stream: SafeName) -> Int {
        slots.withLockedValue { $0[stream] }?.pendingVideoSamples ?? 0
    }

    /// Streams with a publisher connected now.
    public var publishingStreams: [SafeName] {
        slots.withLockedValue { Array($0) }.filter { $0.value.isPublishing }.map(\.key).sorted()
    }
}

/// One stream's index as manifests need it (`LiveStreams.listing(for:)`).
public struct LiveListing: Sendable, Equatable {
    /// Renditions (video first) with segments; those without any are left out.
    public var renditions: [RenditionIndex]
    /// Discontinuity-flagged segments before the first listed one (HLS EXT-X-DISCONTINUITY-SEQUENCE).
    public var discontinuitiesBefore: Int
    /// The stream's DVR window in seconds (its own, or the configured default).
    public var dvrWindowSeconds: Double
    /// Low latency: the parts on disk per rendition (the newest segments' and the open segment's), oldest first.
    public var parts: [SafeName: [PartInfo]] = [:]
    /// Low latency: the configured longest part (LL-HLS PART-TARGET); nil when the stream cuts no parts.
    public var partTargetSeconds: Double?

    /// Where `rendition`'s live edge is: its newest complete segment and newest part.
    public func edge(of rendition: SafeName) -> LivePartEdge {
        LivePartEdge(rendition, renditions: renditions, parts: parts)
    }
}

/// One publisher's hold on a stream. Feed it media in arrival order from one task; `finish` releases it.
public final class LivePublication: Sendable {
    public let stream: SafeName
    private let slot: StreamSlot
    private let onEvent: @Sendable (LiveEvent) -> Void

    init(stream: SafeName, slot: StreamSlot, onEvent: @escaping @Sendable (LiveEvent) -> Void) {
        self.stream = stream
        self.slot = slot
        self.onEvent = onEvent
    }

    /// Segments the event and writes whatever segments it completes. Throws `LiveError.storage`.
    public func receive(_ event: ArrivedMediaEvent) throws {
        for event in try slot.process(stream: stream, { $0.receive(event) }) { onEvent(event) }
    }

    /// Writes the last (short) segments and releases the stream for the next publisher.
    public func finish() {
        let events = (try? slot.process(stream: stream, { $0.endSession() })) ?? []
        slot.release()
        for event in events { onEvent(event) }
        onEvent(.publishEnded(stream: stream))
    }
}

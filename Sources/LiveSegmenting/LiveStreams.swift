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
    private let lowLatencyOverride: @Sendable (SafeName) -> Bool?
    private let slots = NIOLockedValueBox<[SafeName: StreamSlot]>([:])
    /// A stream's own ladder (the catalog's); nil falls back to `configuration.defaultTranscode`.
    private let transcodeLadder: @Sendable (SafeName) -> LiveTranscodeLadder?
    private let makeTranscoder: LiveTranscoderFactory?

    /// `dvrWindow` may give a stream its own window (the catalog stores one per stream); nil keeps
    /// `configuration.dvr`. `lowLatency` may turn parts on or off per stream (the catalog's
    /// `low_latency`); nil keeps `configuration.partDuration`. `transcode` may give a stream its own ladder,
    /// and `transcoder` makes the encoders of a stream that has one (issue 15; without it every stream is
    /// published as it arrives).
    public init(store: any LiveMediaStore, configuration: LiveConfiguration = LiveConfiguration(),
                dvrWindow: @escaping @Sendable (SafeName) -> Double? = { _ in nil },
                lowLatency: @escaping @Sendable (SafeName) -> Bool? = { _ in nil },
                transcode: @escaping @Sendable (SafeName) -> LiveTranscodeLadder? = { _ in nil },
                transcoder: LiveTranscoderFactory? = nil,
                onEvent: @escaping @Sendable (LiveEvent) -> Void = { _ in }) {
        self.store = store
        self.configuration = configuration
        self.dvrWindowOverride = dvrWindow
        self.lowLatencyOverride = lowLatency
        self.transcodeLadder = transcode
        self.makeTranscoder = transcoder
        self.onEvent = onEvent
        _ = SegmentMemory.configured
    }

    /// Streams in a local folder (`root` is `data/live`: each stream gets `<root>/<stream>/<rendition>/`).
    public convenience init(root: URL, configuration: LiveConfiguration = LiveConfiguration(),
                            dvrWindow: @escaping @Sendable (SafeName) -> Double? = { _ in nil },
                            onEvent: @escaping @Sendable (LiveEvent) -> Void = { _ in }) {
        self.init(store: LiveDirectory(root: root), configuration: configuration, dvrWindow: dvrWindow, onEvent: onEvent)
    }

    /// Claims `input` of `stream` for a new publisher; nil when another publisher holds that input. A
    /// publisher on the backup key is a standby while the primary runs (its media is parsed, not written).
    public func beginPublishing(_ stream: SafeName, input: LiveInput = .primary) -> LivePublication? {
        let slot = self.slot(stream).slot
        guard let claim = slot.claim(input) else { return nil }
        if claim.first {
            // The stream's first publisher (whichever input): its transcoder lives until the last one leaves.
            var ladder = transcodeLadder(stream) ?? configuration.defaultTranscode
            if ladder?.rungs.isEmpty == true { ladder = nil }
            var transcoder: (any LiveRungTranscoder)?
            if let ladder, let makeTranscoder {
                transcoder = makeTranscoder(stream, ladder, RungSink(stream: stream, slot: slot, onEvent: onEvent))
            }
            slot.setTranscode(transcoder == nil ? nil : ladder, transcoder: transcoder)
            onEvent(.publishStarted(stream: stream))
        }
        return LivePublication(stream: stream, input: input, slot: slot, onEvent: onEvent)
    }

    /// The stream's transcode status (rungs encoded, shed, above the source, lag); nil without a transcoder.
    public func transcodeStatus(for stream: SafeName) -> LiveTranscodeStatus? {
        slots.withLockedValue { $0[stream] }?.transcodeStatus
    }

    /// Whether a publisher holds `input` of `stream` now.
    public func isPublishing(_ stream: SafeName, input: LiveInput) -> Bool {
        slots.withLockedValue { $0[stream] }?.isPublishing(input) ?? false
    }

    /// The stream's inputs: which one is written, which are connected, the recent switches; nil for a
    /// stream this process has not seen.
    public func inputStatus(for stream: SafeName) -> LiveInputStatus? {
        slots.withLockedValue { $0[stream] }?.inputStatus
    }

    /// Input switches per stream and reason since start (the /metrics counters).
    public func inputSwitchCounts() -> [SafeName: [InputSwitch.Reason: Int]] {
        slots.withLockedValue { $0 }.mapValues(\.inputSwitchCounts).filter { !$0.value.isEmpty }
    }

    /// `live.failback: manual` (allowed with `auto` too): back to the primary input at its next keyframe.
    public func failback(_ stream: SafeName) throws(FailbackRefusal) {
        guard let slot = slots.withLockedValue({ $0[stream] }) else { throw .unknownStream(stream) }
        try slot.requestFailback(stream: stream)
    }

    /// The stream's slot, made (and its earlier run's index restored from disk) on first use.
    private func slot(_ stream: SafeName) -> (slot: StreamSlot, made: Bool) {
        var streamConfiguration = configuration
        if let window = dvrWindowOverride(stream), window > 0 { streamConfiguration.dvr = DVRRing(window: window) }
        if let lowLatency = lowLatencyOverride(stream) {
            streamConfiguration.partDuration = lowLatency ? configuration.partTarget : nil
        }
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
                           dvrWindowSeconds: slot.dvr.window, parts: snapshot.parts, partTargetSeconds: slot.partDuration,
                           targetDurationSeconds: slot.targetDuration)
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
    /// EXT-X-TARGETDURATION for the whole stream, fixed at its first segment (nil before it).
    public var targetDurationSeconds: Int?

    /// Where `rendition`'s live edge is: its newest complete segment and newest part.
    public func edge(of rendition: SafeName) -> LivePartEdge {
        LivePartEdge(rendition, renditions: renditions, parts: parts)
    }
}

/// One publisher's hold on one input of a stream. Feed it media in arrival order from one task; `finish`
/// releases it.
public final class LivePublication: Sendable {
    public let stream: SafeName
    /// The primary (stream key) or backup (backup key) input.
    public let input: LiveInput
    private let slot: StreamSlot
    private let onEvent: @Sendable (LiveEvent) -> Void

    init(stream: SafeName, input: LiveInput, slot: StreamSlot, onEvent: @escaping @Sendable (LiveEvent) -> Void) {
        self.stream = stream
        self.input = input
        self.slot = slot
        self.onEvent = onEvent
    }

    /// Segments the event (when this input is the active one) and writes whatever segments it completes;
    /// a standby's event is kept for a takeover, which it may trigger. Throws `LiveError.storage`.
    public func receive(_ event: ArrivedMediaEvent) throws {
        let input = input
        for event in try slot.process(stream: stream, { $0.inputs.receive(event, from: input, segmenter: &$0.segmenter) }) {
            onEvent(event)
        }
    }

    /// Releases the input. When it was the active one the other input takes over; with no publisher left
    /// the last (short) segments are written and the stream waits for the next publisher.
    public func finish() {
        let input = input
        let now = Date().timeIntervalSince1970
        // The last publisher leaves: the rungs encode what they hold before the last segments are cut.
        if !slot.isPublishing(input.other) { slot.takeTranscoder()?.stop() }
        let events = (try? slot.process(stream: stream, { $0.inputs.disconnect(input, at: now, segmenter: &$0.segmenter) })) ?? []
        for event in events { onEvent(event) }
        if !slot.isPublishing { onEvent(.publishEnded(stream: stream)) }
    }
}

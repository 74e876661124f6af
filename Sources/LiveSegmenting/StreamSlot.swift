import Foundation
import MediaCore
import NIOConcurrencyHelpers
import RTMP
import Storage

/// The state of one stream behind a lock: its segmenter (which outlives publishers so numbering and
/// timing continue), its index, and its publisher claim. Files are written under the lock, so the index
/// never names a segment that is not on disk yet; each file is journaled after it is in place, so a
/// restarted process reloads the same index (`SegmentFiles.restore`).
final class StreamSlot: Sendable {
    struct State {
        var segmenter: LiveSegmenter
        var indexes: [RenditionIndex] = []
        /// The stream's publishers (primary and backup) and which one is written.
        var inputs: InputFailover
        var sessions = 0
        /// EXT-X-TARGETDURATION, fixed once the first segment showed the source's GOP (nil before).
        var targetDuration: Int?
        /// A segment ran longer than `targetDuration` (a GOP longer than planned): reported once.
        var overTargetReported = false
        /// Segments from an earlier run were found: the first session is a discontinuity too.
        var resumedAfterEarlierRun: Bool
        /// The newest init number per rendition (on disk even before a segment uses it).
        var currentInits: [SafeName: Int] = [:]
        /// Numbers of every discontinuity-flagged segment, also those that left the window.
        var discontinuities: [Int] = []
        var highestNumber: Int?
        /// Lines in the journal file; it is rewritten when far longer than the index.
        var journalLines = 0
        /// The last write failed (full disk): reported once, and again when writes work.
        var storageFailing = false
        /// Low latency: the parts on disk per rendition, oldest first (the newest segments' and the open one's).
        var parts: [SafeName: [PartInfo]] = [:]
        /// A transcoded stream without passthrough: the source is still segmented (its keyframes decide
        /// every rung's cuts) but neither stored nor listed.
        var hideSource = false
        /// What this stream's transcoder is doing (nil when it has none).
        var transcode: LiveTranscodeStatus?
    }

    /// Parts are kept for this many segments before the newest complete one: playlists list those of the
    /// last few (`LowLatencyHLS`), and a player that just read a playlist may still ask for an older one.
    static let partSegmentsKept = 6

    let files: SegmentFiles
    let dvr: DVRRing
    /// Low latency: this stream's part target in seconds; nil cuts whole segments only.
    let partDuration: Double?
    let segmentDuration: Double
    /// Signalled whenever a segment, part or init is stored: blocking playlist reloads wait on it.
    let changes = ChangeSignal()
    /// What could not be restored from the earlier run, in one line (nil when everything loaded).
    let restoreWarning: String?
    private let state: NIOLockedValueBox<State>
    /// The stream's transcoder while it has publishers (issue 15), fed what the segmenter took.
    private let transcoder = NIOLockedValueBox<(any LiveRungTranscoder)?>(nil)

    init(files: SegmentFiles, configuration: LiveConfiguration) {
        self.files = files
        self.dvr = configuration.dvr
        self.partDuration = configuration.partDuration
        self.segmentDuration = configuration.segmentDuration
        let restored = files.restore(dvr: configuration.dvr)
        restoreWarning = restored.warning
        var segmenter = LiveSegmenter(targetDuration: configuration.segmentDuration, partDuration: configuration.partDuration,
                                      firstNumber: (restored.highestNumber ?? 0) + 1,
                                      resumeAtSeconds: restored.resumeAtSeconds)
        segmenter.spoolDirectory = files.scratchDirectory
        let inputs = InputFailover(lossSeconds: configuration.inputLossSeconds,
                                   steadySeconds: max(configuration.segmentDuration, configuration.inputLossSeconds),
                                   mode: configuration.failback)
        var initial = State(segmenter: segmenter, indexes: restored.indexes, inputs: inputs,
                            resumedAfterEarlierRun: restored.highestNumber != nil)
        initial.targetDuration = Self.targetDuration(restored: restored.indexes, segmentDuration: configuration.segmentDuration)
        initial.discontinuities = restored.discontinuities
        initial.highestNumber = restored.highestNumber
        initial.journalLines = restored.indexes.reduce(1) { $0 + $1.segments.count + 1 }
        state = NIOLockedValueBox(initial)
    }

    var isPublishing: Bool { state.withLockedValue { $0.inputs.anyConnected } }

    func isPublishing(_ input: LiveInput) -> Bool { state.withLockedValue { $0.inputs.isConnected(input) } }

    var inputStatus: LiveInputStatus { state.withLockedValue { $0.inputs.status } }

    var inputSwitchCounts: [InputSwitch.Reason: Int] { state.withLockedValue { $0.inputs.counts } }

    var targetDuration: Int? { state.withLockedValue { $0.targetDuration } }

    func requestFailback(stream: SafeName) throws(FailbackRefusal) {
        let result = state.withLockedValue { state in Result { () throws(FailbackRefusal) in try state.inputs.requestFailback(stream: stream) } }
        try result.get()
    }

    func indexes() -> [RenditionIndex] { state.withLockedValue { $0.indexes } }

    /// Video samples waiting in the open (not yet cut) segment.
    var pendingVideoSamples: Int { state.withLockedValue { $0.segmenter.video?.pending.count ?? 0 } }

    /// The index as manifests list it: renditions cut to the segment numbers they all still hold at the
    /// old end (the DVR ring trims each by its own clock), and the discontinuities before that point.
    func snapshot() -> (indexes: [RenditionIndex], discontinuitiesBefore: Int, parts: [SafeName: [PartInfo]]) {
        state.withLockedValue { state in
            let listed = state.indexes.filter { !$0.segments.isEmpty }
            guard let common = listed.compactMap(\.segments.first?.number).max() else { return (listed, 0, state.parts) }
            // Usually nothing to cut: keep the arrays shared (copy-on-write) instead of copying per request.
            let aligned = listed.map { index in
                index.segments[0].number >= common ? index
                    : RenditionIndex(rendition: index.rendition, segments: Array(index.segments.drop { $0.number < common }))
            }
            return (aligned, state.discontinuities.prefix { $0 < common }.count, state.parts)
        }
    }

    /// The stream's first publisher starts with `transcoder` for `ladder` (nil: no transcode): the status
    /// starts afresh. The transcoder lives until the stream's last publisher leaves (`takeTranscoder`).
    func setTranscode(_ ladder: LiveTranscodeLadder?, transcoder: (any LiveRungTranscoder)?) {
        self.transcoder.withLockedValue { $0 = transcoder }
        state.withLockedValue { state in
            state.segmenter.forwardsTaken = transcoder != nil
            state.hideSource = ladder.map { !$0.passthrough } ?? false
            state.transcode = ladder.map { ladder in
                var status = LiveTranscodeStatus()
                status.active = ladder.rungs
                return status
            }
        }
    }

    /// Removes the transcoder (the last publisher leaves: it is stopped before the last segments are cut).
    func takeTranscoder() -> (any LiveRungTranscoder)? {
        // Stopping drains every rung before the last segments are cut, so they are cut at once from then on.
        state.withLockedValue { $0.segmenter.forwardsTaken = false }
        return transcoder.withLockedValue { current in
            defer { current = nil }
            return current
        }
    }

    var transcodeStatus: LiveTranscodeStatus? { state.withLockedValue { $0.transcode } }

    func updateTranscodeStatus(_ change: (inout LiveTranscodeStatus) -> Void) {
        state.withLockedValue { state in
            var status = state.transcode ?? LiveTranscodeStatus()
            change(&status)
            state.transcode = status
        }
    }

    /// No rung could be made: the source is listed after all (better than no video).
    func showSource() {
        state.withLockedValue { $0.hideSource = false }
    }

    /// Drops a rung: no more segmenting, its segments, parts and inits removed and journaled as expired.
    func shed(_ rendition: SafeName) {
        defer { changes.signal() }
        state.withLockedValue { state in
            state.segmenter.removeRung(rendition)
            guard let position = state.indexes.firstIndex(where: { $0.rendition.id == rendition }) else { return }
            let segments = state.indexes[position].segments
            state.indexes.remove(at: position)
            try? journal(.expired(rendition, numbers: segments.map(\.number)), &state)
            for segment in segments { files.remove(rendition, number: segment.number) }
            for number in Set(segments.map(\.initNumber)) { files.removeInit(rendition, number: number) }
            if let current = state.currentInits.removeValue(forKey: rendition) { files.removeInit(rendition, number: current) }
            for part in state.parts.removeValue(forKey: rendition) ?? [] {
                files.store.remove(.part(rendition: rendition, segment: part.segment, index: part.index), of: files.stream)
            }
        }
    }

    /// Claims `input` for a publisher: nil when that input is held already; else whether it is the stream's
    /// first publisher now (the stream goes live).
    func claim(_ input: LiveInput) -> (first: Bool, active: Bool)? {
        state.withLockedValue { state in
            guard !state.inputs.isConnected(input) else { return nil }
            let first = !state.inputs.anyConnected
            let active = state.inputs.connect(input, at: Date().timeIntervalSince1970)
            if active {
                state.segmenter.beginSession(discontinuity: state.resumedAfterEarlierRun)
                state.sessions += 1
            }
            return (first, active)
        }
    }

    /// Runs `step` on the stream (its segmenter, through the inputs) and stores the outputs; returns the
    /// events to report (after the lock).
    func process(stream: SafeName, _ step: (inout State) -> (outputs: [LiveSegmenter.Output], switched: InputSwitch?)) throws -> [LiveEvent] {
        var stored = false
        var taken: [TranscoderInput] = []
        defer {
            if stored { changes.signal() }
            // What the segmenter took goes to the transcoder after the lock: it only queues, but shedding
            // comes back into this slot.
            if !taken.isEmpty, let transcoder = transcoder.withLockedValue({ $0 }) {
                for event in taken { transcoder.submit(event) }
            }
        }
        return try state.withLockedValue { state in
            var events: [LiveEvent] = []
            var (outputs, switched) = step(&state)
            if let switched { events.append(.inputSwitched(stream: stream, switched)) }
            if state.hideSource { outputs.removeAll { $0.renditionID == LiveSegmenter.videoRendition } }
            taken = state.segmenter.takeForwarded()
            stored = !outputs.isEmpty
            for output in outputs {
                switch output {
                case .part(let rendition, let part, let bytes):
                    // A part that cannot be written is left out of the playlists; the segment it belongs to
                    // still follows (or becomes a gap), so players fall back to whole segments.
                    guard (try? files.write(bytes, to: .part(rendition: rendition.id, segment: part.segment, index: part.index))) != nil else { continue }
                    state.parts[rendition.id, default: []].append(part)
                case .initSegment(let rendition, let number, let bytes):
                    try files.write(bytes, to: .initSegment(rendition: rendition.id, number: number))
                    try journal(.initSegment(rendition, number: number), &state)
                    state.currentInits[rendition.id] = number
                    state.highestNumber = max(state.highestNumber ?? number, number)
                    update(&state, rendition: rendition, appending: nil)
                    events.append(.initSegment(stream: stream, rendition: rendition))
                case .segment(let rendition, var info, let bytes):
                    // A segment that cannot be written (full disk) keeps its number as a gap: the playlist shows
                    // EXT-X-GAP instead of a silent hole, the publisher stays connected, and the stream
                    // resumes by itself when space returns. The journal is best effort on a full disk.
                    var written = false
                    do {
                        if info.gap {
                            throw LiveError.storage(path: files.store.location(of: .segment(rendition: rendition.id, number: info.number), stream: files.stream),
                                                    reason: "the segment's samples could not be spooled to disk")
                        }
                        try files.write(bytes, to: .segment(rendition: rendition.id, number: info.number))
                        written = true
                        try journal(.segment(rendition, info), &state)
                        if state.storageFailing {
                            state.storageFailing = false
                            events.append(.storageRecovered(stream: stream))
                        }
                    } catch let error as LiveError {
                        // Written but not journaled: served now, only a restart would forget it.
                        if !written {
                            info.gap = true
                            info.size = 0
                            try? journal(.segment(rendition, info), &state)
                        }
                        if !state.storageFailing {
                            state.storageFailing = true
                            events.append(.storageFailed(stream: stream, reason: error.description))
                        }
                    }
                    state.highestNumber = max(state.highestNumber ?? info.number, info.number)
                    if info.discontinuity, state.discontinuities.last.map({ $0 < info.number }) ?? true {
                        state.discontinuities.append(info.number)
                    }
                    if rendition.kind == .video, let event = fixTargetDuration(&state, stream: stream, segment: info, timescale: rendition.timescale) {
                        events.append(event)
                    }
                    let expired = update(&state, rendition: rendition, appending: info)
                    dropOldParts(&state, rendition: rendition.id, newestSegment: info.number)
                    events.append(.segment(stream: stream, rendition: rendition, segment: info))
                    if !expired.isEmpty {
                        try expire(expired, of: rendition.id, &state)
                        events.append(.segmentsExpired(stream: stream, rendition: rendition.id, numbers: expired.map(\.number)))
                    }
                }
            }
            compactJournalIfLong(&state)
            return events
        }
    }

    /// Fixes EXT-X-TARGETDURATION at the stream's first video segment, which shows the source's GOP: with
    /// a steady GOP G every segment is at most ceil(T/G)·G for target T (the first one is exactly that), so
    /// the playlist's target never needs to rise (RFC 8216 §4.3.3.1: it must not change). A later segment
    /// longer than that (the encoder's GOP grew, or a backup input has a longer one) is reported once.
    private func fixTargetDuration(_ state: inout State, stream: SafeName, segment: SegmentInfo, timescale: Int32) -> LiveEvent? {
        let seconds = Double(segment.duration) / Double(max(timescale, 1))
        let rounded = Int(seconds.rounded())
        guard let target = state.targetDuration else {
            if !segment.gap { state.targetDuration = max(Int(segmentDuration.rounded(.up)), rounded, 1) }
            return nil
        }
        guard rounded > target, !state.overTargetReported else { return nil }
        state.overTargetReported = true
        return .segmentOverTarget(stream: stream, seconds: seconds, targetDuration: target)
    }

    /// The target of a restarted stream: its restored segments' longest (they are still listed), at least
    /// the configured segment duration; nil when nothing was restored.
    static func targetDuration(restored: [RenditionIndex], segmentDuration: Double) -> Int? {
        guard let video = restored.first(where: { $0.rendition.kind == .video }), !video.segments.isEmpty else { return nil }
        let timescale = Double(max(video.rendition.timescale, 1))
        let longest = video.segments.map { Int((Double($0.duration) / timescale).rounded()) }.max() ?? 0
        return max(Int(segmentDuration.rounded(.up)), longest, 1)
    }

    /// Deletes the parts of segments `partSegmentsKept` or more before `newestSegment`.
    private func dropOldParts(_ state: inout State, rendition: SafeName, newestSegment: Int) {
        guard let parts = state.parts[rendition], let first = parts.first, first.segment <= newestSegment - Self.partSegmentsKept else { return }
        let old = parts.prefix { $0.segment <= newestSegment - Self.partSegmentsKept }
        for part in old { files.store.remove(.part(rendition: rendition, segment: part.segment, index: part.index), of: files.stream) }
        state.parts[rendition] = Array(parts.dropFirst(old.count))
    }

    private func journal(_ line: IndexJournal.Line, _ state: inout State) throws {
        try files.journal.append(line)
        state.journalLines += 1
    }

    /// Journals and deletes segments that left the window, and init segments nothing uses any more.
    private func expire(_ expired: [SegmentInfo], of rendition: SafeName, _ state: inout State) throws {
        // Deleting frees space, so it goes ahead even when the journal cannot be written (full disk).
        try? journal(.expired(rendition, numbers: expired.map(\.number)), &state)
        for segment in expired { files.remove(rendition, number: segment.number) }
        let remaining = state.indexes.first { $0.rendition.id == rendition }?.segments ?? []
        let used = Set(remaining.map(\.initNumber))
        for number in Set(expired.map(\.initNumber)) where !used.contains(number) && number != state.currentInits[rendition] {
            files.removeInit(rendition, number: number)
        }
    }

    /// Rewrites the journal to the live index once it holds more than twice the lines that needs. A
    /// failure keeps the long journal (it still replays correctly) and is retried only after as many
    /// lines again, not on every media event.
    private func compactJournalIfLong(_ state: inout State) {
        let needed = state.indexes.reduce(1) { $0 + $1.segments.count + 2 }
        guard state.journalLines > 2 * needed + 64 else { return }
        let lines = IndexJournal.lines(state.indexes, currentInits: state.currentInits, lastNumber: state.highestNumber,
                                       discontinuities: state.discontinuities)
        try? files.journal.rewrite(lines)
        state.journalLines = lines.count
    }

    /// Replaces the rendition description, appends the segment, trims to the DVR window.
    @discardableResult
    private func update(_ state: inout State, rendition: Rendition, appending segment: SegmentInfo?) -> [SegmentInfo] {
        guard let position = state.indexes.firstIndex(where: { $0.rendition.id == rendition.id }) else {
            state.indexes.append(RenditionIndex(rendition: rendition, segments: segment.map { [$0] } ?? []))
            state.indexes.sort { $0.rendition.kind == .video && $1.rendition.kind != .video }
            return []
        }
        state.indexes[position].rendition = rendition
        guard let segment else { return [] }
        state.indexes[position].segments.append(segment)
        let trimmed = dvr.trim(state.indexes[position].segments, timescale: rendition.timescale)
        state.indexes[position].segments = trimmed.kept
        return trimmed.expired
    }
}

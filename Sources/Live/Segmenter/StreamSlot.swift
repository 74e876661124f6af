import Foundation
import MediaCore
import NIOConcurrencyHelpers

/// The state of one stream behind a lock: its segmenter (which outlives publishers so numbering and
/// timing continue), its index, and its publisher claim. Files are written under the lock, so the index
/// never names a segment that is not on disk yet.
final class StreamSlot: Sendable {
    struct State {
        var segmenter: LiveSegmenter
        var indexes: [RenditionIndex] = []
        var publishing = false
        var sessions = 0
        /// Segments from an earlier run were found: the first session is a discontinuity too.
        var resumedAfterEarlierRun: Bool
    }

    let files: SegmentFiles
    let dvr: DVRRing
    private let state: NIOLockedValueBox<State>

    init(files: SegmentFiles, configuration: LiveConfiguration) {
        self.files = files
        self.dvr = configuration.dvr
        // Continue after any segment an earlier run left (a name never returns with other content). Those
        // files are outside this run's index, so nothing could ever expire them: remove them now.
        let existing = files.existingSegmentNumbers()
        let highest = (existing.values.flatMap { $0 } + [files.recordedLastNumber()].compactMap { $0 }).max()
        // Remember the highest number before the files go (if that fails, keep the files: they remember it).
        if let highest, (try? files.recordLastNumber(highest)) != nil {
            for (rendition, numbers) in existing {
                for number in numbers { files.remove(rendition, number: number) }
            }
        }
        var segmenter = LiveSegmenter(targetDuration: configuration.segmentDuration, firstNumber: (highest ?? 0) + 1)
        segmenter.spoolDirectory = files.streamDirectory
        state = NIOLockedValueBox(State(segmenter: segmenter, resumedAfterEarlierRun: highest != nil))
    }

    var isPublishing: Bool { state.withLockedValue { $0.publishing } }

    func indexes() -> [RenditionIndex] { state.withLockedValue { $0.indexes } }

    func claim() -> Bool {
        state.withLockedValue { state in
            guard !state.publishing else { return false }
            state.publishing = true
            state.segmenter.beginSession(discontinuity: state.resumedAfterEarlierRun)
            state.sessions += 1
            return true
        }
    }

    func release() {
        state.withLockedValue { $0.publishing = false }
    }

    /// Runs `step` on the segmenter and stores its outputs; returns the events to report (after the lock).
    func process(stream: SafeName, _ step: (inout LiveSegmenter) -> [LiveSegmenter.Output]) throws -> [LiveEvent] {
        try state.withLockedValue { state in
            var events: [LiveEvent] = []
            for output in step(&state.segmenter) {
                switch output {
                case .initSegment(let rendition, let bytes):
                    try files.write(bytes, to: files.initURL(rendition.id))
                    update(&state, rendition: rendition, appending: nil)
                    events.append(.initSegment(stream: stream, rendition: rendition))
                case .segment(let rendition, let info, let bytes):
                    try files.write(bytes, to: files.segmentURL(rendition.id, number: info.number))
                    let expired = update(&state, rendition: rendition, appending: info)
                    events.append(.segment(stream: stream, rendition: rendition, segment: info))
                    for segment in expired { files.remove(rendition.id, number: segment.number) }
                    if !expired.isEmpty {
                        events.append(.segmentsExpired(stream: stream, rendition: rendition.id, numbers: expired.map(\.number)))
                    }
                }
            }
            return events
        }
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

import MediaCore

/// Which segments of a live stream become a VOD asset, renumbered 1...n per rendition. Pure: it works on
/// the stream's segment index only, so the rule is tested on values.
///
/// The range is taken on the reference rendition (first video, else first): a segment is kept when any
/// part of it lies inside `[start, end)`, so the asset covers the range with whole segments (segments are
/// never cut: no re-encoding). Offsets count from the start of the first segment in the index. Every
/// rendition shares segment numbers and boundaries, so the same numbers are taken from each. Media
/// times (`tfdt`) are kept: the VOD manifests start at the first segment's time (DASH through
/// presentationTimeOffset), and the files stay byte-identical, so they can be hard links. A range whose
/// segments use two init segments (the encoder changed) is refused: the asset would need two inits.
struct LiveArchivePlan: Equatable {
    struct Rendition: Equatable {
        var index: RenditionIndex
        /// Original segment number for each new number (`sourceNumbers[0]` becomes `seg-1.m4s`).
        var sourceNumbers: [Int]
        /// The live init segment every chosen segment decodes with; it becomes the asset's `init.mp4`.
        var sourceInit: String
    }

    var renditions: [Rendition]
    var durationSeconds: Double

    /// Nil when no complete segment lies in the range; `reason` then says what the stream holds.
    static func make(_ renditions: [RenditionIndex], start: LiveArchiveRequest.Bound?, end: LiveArchiveRequest.Bound?)
        -> Result<LiveArchivePlan, Refusal> {
        let listed = renditions.filter { !$0.segments.isEmpty }
        guard let reference = listed.first(where: { $0.rendition.kind == .video }) ?? listed.first,
              let first = reference.segments.first else {
            return .failure(Refusal(reason: "the stream has no complete segments to archive"))
        }
        let timescale = Double(reference.rendition.timescale)
        func offset(_ segment: SegmentInfo) -> Double { Double(segment.start - first.start) / timescale }
        func seconds(_ bound: LiveArchiveRequest.Bound?, default value: Double) -> Double {
            switch bound {
            case .offset(let seconds): return seconds
            case .wallClock(let time): return first.programDateTime.map { time - $0 } ?? value
            case nil: return value
            }
        }
        let from = seconds(start, default: 0)
        let to = seconds(end, default: .infinity)
        let chosen = reference.segments.filter { offset($0) < to && offset($0) + Double($0.duration) / timescale > from }
        guard !chosen.isEmpty, from < to else {
            let last = reference.segments.last!
            let total = offset(last) + Double(last.duration) / timescale
            return .failure(Refusal(reason: "no complete segment lies between \(format(from)) s and \(format(to)) s; "
                                    + "the stream holds 0 to \(format(total)) s"))
        }
        let numbers = Set(chosen.map(\.number))
        var planned: [Rendition] = []
        for index in listed {
            let kept = index.segments.filter { numbers.contains($0.number) }
            guard let firstKept = kept.first else { continue }
            if let gap = kept.first(where: \.gap) {
                let at = format(Double(gap.start - first.start) / Double(index.rendition.timescale))
                return .failure(Refusal(reason: "\(index.rendition.id) segment \(gap.number) at \(at) s was never written (the disk was full); "
                                        + "archive the time before or after it"))
            }
            // A VOD rendition has one init.mp4: a range across an encoder change would pair segments with
            // the wrong init, so it is refused with where to split it.
            if let change = kept.first(where: { $0.initNumber != firstKept.initNumber }) {
                let at = format(Double(change.start - first.start) / Double(index.rendition.timescale))
                return .failure(Refusal(reason: "the range spans an encoder change at \(at) s (\(index.rendition.id) segment \(change.number) "
                                        + "has a new init segment); archive up to \(at) s and from \(at) s as two assets"))
            }
            let renumbered = kept.enumerated().map { position, segment in
                SegmentInfo(number: position + 1, start: segment.start, duration: segment.duration, size: segment.size,
                            discontinuity: position > 0 && segment.discontinuity, programDateTime: segment.programDateTime)
            }
            planned.append(Rendition(index: RenditionIndex(rendition: index.rendition, segments: renumbered),
                                     sourceNumbers: kept.map(\.number), sourceInit: firstKept.initFileName))
        }
        let duration = Double(chosen.reduce(Int64(0)) { $0 + $1.duration }) / timescale
        return .success(LiveArchivePlan(renditions: planned, durationSeconds: duration))
    }

    struct Refusal: Error, Equatable {
        var reason: String
    }

    private static func format(_ seconds: Double) -> String {
        seconds.isFinite ? String(format: "%.1f", seconds) : "the end"
    }
}

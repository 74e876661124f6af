import MediaCore

/// A manifest request resolved once: renditions filtered and ordered, periods laid out, the window of
/// segment numbers chosen. HLS and DASH text are then cheap functions of it.
///
///     let presentation = try Presentation(request)
///     presentation.hlsMultivariantPlaylist()
///     try presentation.hlsMediaPlaylist(for: id)
///     presentation.dashMPD()
public struct Presentation: Sendable {
    public let request: ManifestRequest
    /// Filtered renditions: video by ascending peak bitrate, then audio in the given order.
    public let renditions: [RenditionIndex]
    let timeline: Timeline
    /// Segment numbers listed in the MPD and in HLS playlists (except sliding live HLS, see `hlsNumbers`).
    public let numbers: ClosedRange<Int>
    /// Segment numbers listed in HLS media playlists.
    public let hlsNumbers: ClosedRange<Int>
    /// True when the manifests describe a finished presentation (static MPD, HLS ENDLIST).
    public let isStatic: Bool

    public init(_ request: ManifestRequest) throws {
        let normalized = request.renditions.map(Presentation.sortedByNumber)
        try RequestValidation.check(request, renditions: normalized)
        let kept = try RenditionFilter.apply(request.query, to: normalized)
        let videos = kept.filter { $0.rendition.kind == .video }
            .sorted { ($0.rendition.peakBitrate, $0.rendition.height ?? 0) < ($1.rendition.peakBitrate, $1.rendition.height ?? 0) }
        renditions = videos + kept.filter { $0.rendition.kind == .audio }
        guard let reference = normalized.first(where: { $0.rendition.kind == .video }) ?? normalized.first else {
            throw PackagingError.noRenditionsLeft(reason: "the asset has no renditions")
        }
        guard !reference.segments.isEmpty else { throw PackagingError.noSegments(rendition: reference.rendition.id.rawValue) }
        var resolved = request
        if resolved.availabilityStartTime == nil, request.kind.isLive {
            resolved.availabilityStartTime = Presentation.derivedAvailabilityStart(reference, now: request.now)
        }
        self.request = resolved
        timeline = Timeline(reference: reference, live: request.kind.isLive, availabilityStartTime: resolved.availabilityStartTime)
        let selection = try WindowSelection(timeline: timeline, request: resolved)
        numbers = selection.numbers
        hlsNumbers = selection.hlsNumbers
        isStatic = selection.isStatic
    }

    /// Segments of `index` whose numbers lie in `range` (binary search; segments are sorted by number).
    func segments(of index: RenditionIndex, in range: ClosedRange<Int>) -> ArraySlice<SegmentInfo> {
        let s = index.segments
        func lowerBound(_ n: Int) -> Int {
            var lo = 0, hi = s.count
            while lo < hi { let mid = (lo + hi) / 2; if s[mid].number < n { lo = mid + 1 } else { hi = mid } }
            return lo
        }
        return s[lowerBound(range.lowerBound)..<lowerBound(range.upperBound + 1)]
    }

    /// Periods that overlap `range`, each clipped to it.
    func periods(in range: ClosedRange<Int>) -> [PeriodPlan] {
        timeline.periods.compactMap { p in
            guard p.lastNumber >= range.lowerBound, p.firstNumber <= range.upperBound else { return nil }
            var clipped = p
            clipped.firstNumber = max(p.firstNumber, range.lowerBound)
            clipped.lastNumber = min(p.lastNumber, range.upperBound)
            return clipped
        }
    }

    /// Live without an explicit availabilityStartTime: the wall clock at media time 0 of the oldest run in
    /// the index (its first segment's programDateTime minus its media time), else `now` minus the newest
    /// segment's end. Both move as the index changes, so callers should pass the stream's real start.
    static func derivedAvailabilityStart(_ reference: RenditionIndex, now: Double?) -> Double? {
        let ts = Double(reference.rendition.timescale)
        if let first = reference.segments.first, let pdt = first.programDateTime {
            return ((pdt - Double(first.start) / ts) * 1000).rounded() / 1000
        }
        if let now, let last = reference.segments.last { return now - Double(last.start + last.duration) / ts }
        return nil
    }

    private static func sortedByNumber(_ index: RenditionIndex) -> RenditionIndex {
        let s = index.segments
        if zip(s, s.dropFirst()).allSatisfy({ $0.number < $1.number }) { return index }
        var copy = index
        copy.segments.sort { $0.number < $1.number }
        return copy
    }
}

extension Timeline {
    /// Index of a segment number in the reference arrays (numbers are sorted).
    func index(of number: Int) -> Int {
        var lo = 0, hi = numbers.count
        while lo < hi { let mid = (lo + hi) / 2; if numbers[mid] < number { lo = mid + 1 } else { hi = mid } }
        return min(lo, numbers.count - 1)
    }
}

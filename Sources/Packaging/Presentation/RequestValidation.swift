import MediaCore

/// Checks a request's values before any arithmetic: the index comes from a database or a live segmenter,
/// and a zero timescale, a negative duration or a NaN clock must be a clear error, never a trap or a
/// manifest a player chokes on.
enum RequestValidation {
    /// Ticks beyond 2^53 would lose precision as Double and could overflow sums.
    static let maxTicks: Int64 = 1 << 53
    static let maxNumber = Int(UInt32.max)

    /// `renditions` are the request's, sorted by segment number.
    static func check(_ request: ManifestRequest, renditions: [RenditionIndex]) throws {
        for clock in [request.now, request.availabilityStartTime].compactMap({ $0 }) where !clock.isFinite {
            throw PackagingError.inconsistentRenditions(reason: "now/availabilityStartTime must be finite, got \(clock)")
        }
        guard request.dvrWindow.isFinite, request.dvrWindow > 0 else {
            throw PackagingError.inconsistentRenditions(reason: "the DVR window must be a positive number of seconds, got \(request.dvrWindow)")
        }
        for index in renditions {
            let r = index.rendition
            guard r.timescale > 0 else {
                throw PackagingError.inconsistentRenditions(reason: "rendition \(r.id) has timescale \(r.timescale); it must be positive")
            }
            var previous: Int?
            for segment in index.segments {
                guard segment.duration > 0, segment.duration < maxTicks, segment.start >= 0, segment.start < maxTicks else {
                    throw PackagingError.inconsistentRenditions(reason: "rendition \(r.id) segment \(segment.number) has start \(segment.start) "
                        + "and duration \(segment.duration); reindex it")
                }
                guard (0..<maxNumber).contains(segment.number) else {
                    throw PackagingError.inconsistentRenditions(reason: "rendition \(r.id) has segment number \(segment.number); "
                        + "numbers must be 0 to \(maxNumber - 1) (DASH startNumber is 32-bit)")
                }
                if let pdt = segment.programDateTime, !pdt.isFinite {
                    throw PackagingError.inconsistentRenditions(reason: "rendition \(r.id) segment \(segment.number) has no valid programDateTime")
                }
                if let previous, previous == segment.number {
                    throw PackagingError.inconsistentRenditions(reason: "rendition \(r.id) lists segment \(segment.number) twice")
                }
                previous = segment.number
            }
        }
    }
}

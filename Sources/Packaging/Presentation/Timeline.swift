import MediaCore

/// One DASH Period / one run of HLS segments between discontinuities: consecutive segment numbers that
/// share one mapping from media time to presentation time and one init segment.
struct PeriodPlan: Hashable {
    var id: String
    var firstNumber: Int
    var lastNumber: Int
    /// The period's first segment number in the index (not clipped to a window): the segment whose media
    /// time is the presentationTimeOffset when `zeroOffset` is false.
    var anchorNumber: Int
    /// Presentation time of the period start, seconds (live: since availabilityStartTime).
    var start: Double
    /// True: media time 0 is the period start (presentationTimeOffset 0). False: the media time of the
    /// period's first segment in each rendition is.
    var zeroOffset: Bool
    /// The key period every segment of this period is encrypted under (DASH key rotation), nil when keys
    /// do not rotate. Its init is then the one encrypted with that period's key.
    var keyPeriod: Int?
}

/// The reference timeline: periods and the presentation time of every segment of the reference rendition
/// (the first video rendition, else the first). All renditions share segment numbers and boundaries.
struct Timeline {
    var periods: [PeriodPlan]
    var numbers: [Int]
    var starts: [Double]
    var ends: [Double]
    var programDateTimes: [Double?]

    init(reference: RenditionIndex, live: Bool, availabilityStartTime: Double?) {
        let segments = reference.segments
        let ts = Double(reference.rendition.timescale)
        periods = []
        numbers = []; starts = []; ends = []; programDateTimes = []
        numbers.reserveCapacity(segments.count)
        starts.reserveCapacity(segments.count)
        ends.reserveCapacity(segments.count)
        programDateTimes.reserveCapacity(segments.count)
        var offsetTicks: Int64 = 0   // media time at the current period's start
        var periodStart = 0.0
        for (i, segment) in segments.enumerated() {
            let newPeriod = i == 0 || segment.discontinuity || segment.number != segments[i - 1].number + 1
                || segment.initNumber != segments[i - 1].initNumber
            if newPeriod {
                var plan = PeriodPlan(id: "p\(segment.number)", firstNumber: segment.number, lastNumber: segment.number,
                                      anchorNumber: segment.number, start: 0, zeroOffset: false)
                let anchor = live ? availabilityStartTime.flatMap { ast in segment.programDateTime.map { $0 - ast } } : nil
                if i == 0 {
                    if !segment.discontinuity { plan.id = "p0" }
                    if live {
                        let shift = (anchor ?? Double(segment.start) / ts) - Double(segment.start) / ts
                        if shift >= -0.001 {
                            plan.start = max(0, (shift * 1000).rounded() / 1000)
                            plan.zeroOffset = true
                        } else {
                            plan.start = anchor ?? 0
                        }
                    }
                } else {
                    let previousEnd = ends[i - 1]
                    plan.start = max(previousEnd, anchor.map { ($0 * 1000).rounded() / 1000 } ?? previousEnd)
                }
                offsetTicks = plan.zeroOffset ? 0 : segment.start
                periodStart = plan.start
                periods.append(plan)
            } else {
                periods[periods.count - 1].lastNumber = segment.number
            }
            let s = periodStart + Double(segment.start - offsetTicks) / ts
            numbers.append(segment.number)
            starts.append(s)
            ends.append(s + Double(segment.duration) / ts)
            programDateTimes.append(segment.programDateTime)
        }
    }

    /// Presentation seconds for a `start`/`end` value; wall clocks map through programDateTime when the
    /// segments carry it, else through availabilityStartTime.
    func presentationTime(_ point: ManifestQuery.TimePoint, availabilityStartTime: Double?, parameter: String) throws -> Double {
        switch point {
        case .offset(let seconds):
            return seconds
        case .wallClock(let instant):
            if let i = programDateTimes.lastIndex(where: { $0.map { $0 <= instant } ?? false }), let pdt = programDateTimes[i] {
                return starts[i] + (instant - pdt)
            }
            if let i = programDateTimes.firstIndex(where: { $0 != nil }), let pdt = programDateTimes[i] {
                return starts[i] - (pdt - instant)
            }
            if let ast = availabilityStartTime { return instant - ast }
            throw PackagingError.invalidQuery(parameter: parameter, value: ISO8601.format(instant),
                                              reason: "this presentation has no wall clock (no programDateTime); use seconds")
        }
    }
}

/// Chooses which segment numbers a manifest lists: the DVR window of a live stream, the newest N for
/// sliding HLS, and the `start`/`end` time-shift window, clamped to what exists.
struct WindowSelection {
    var numbers: ClosedRange<Int>
    var hlsNumbers: ClosedRange<Int>
    var isStatic: Bool

    init(timeline t: Timeline, request: ManifestRequest) throws {
        let count = t.numbers.count
        var lo = 0, hi = count - 1
        let liveEdge = t.ends[hi]
        if request.kind == .liveSlidingWindow {
            let windowStart = liveEdge - request.dvrWindow
            while lo < hi, t.ends[lo] <= windowStart { lo += 1 }
        }
        var isStatic = request.kind == .vod || request.kind == .liveEnded
        let query = request.query
        if query.hasTimeWindow {
            let ast = request.availabilityStartTime
            let qs = try query.start.map { try t.presentationTime($0, availabilityStartTime: ast, parameter: "start") } ?? -Double.infinity
            let qe = try query.end.map { try t.presentationTime($0, availabilityStartTime: ast, parameter: "end") } ?? Double.infinity
            guard qe > qs else {
                throw PackagingError.emptyWindow(reason: "end (\(Decimal3.string(qe, trim: true)) s) is not after start (\(Decimal3.string(qs, trim: true)) s)")
            }
            var newLo = lo, newHi = hi
            while newLo <= hi, t.ends[newLo] <= qs { newLo += 1 }
            while newHi >= newLo, t.starts[newHi] >= qe { newHi -= 1 }
            guard newLo <= newHi else {
                let from = qs.isFinite ? Decimal3.string(qs, trim: true) + " s" : "the beginning"
                let to = qe.isFinite ? Decimal3.string(qe, trim: true) + " s" : "the end"
                throw PackagingError.emptyWindow(reason: "no segment between \(from) and \(to); available: "
                    + "\(Decimal3.string(t.starts[lo], trim: true))–\(Decimal3.string(t.ends[hi], trim: true)) s")
            }
            lo = newLo; hi = newHi
            // A window that closed before the live edge will not change any more: describe it as finished.
            if request.kind.isLive, qe <= liveEdge { isStatic = true }
        }
        numbers = t.numbers[lo]...t.numbers[hi]
        var hlsLo = lo
        if request.kind == .liveSlidingWindow, !query.hasTimeWindow, let newest = request.hlsLiveSegmentCount, newest > 0 {
            hlsLo = max(lo, hi - newest + 1)
        }
        hlsNumbers = t.numbers[hlsLo]...t.numbers[hi]
        self.isStatic = isStatic
    }
}

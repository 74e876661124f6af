import MediaCore

/// The run-length `SegmentTimeline` (ISO/IEC 23009-1 §5.3.9.6): one `S` per run of equal durations with
/// no gap, `t` written on the first entry and wherever the timeline jumps.
enum SegmentTimelineText {
    static func append(_ segments: ArraySlice<SegmentInfo>, to out: inout String, indent: String) {
        out += indent; out += "<SegmentTimeline>\n"
        var i = segments.startIndex
        var expectedStart: Int64? = nil
        while i < segments.endIndex {
            let first = segments[i]
            var repeats = 0
            var j = i + 1
            var end = first.start + first.duration
            while j < segments.endIndex, segments[j].duration == first.duration, segments[j].start == end {
                repeats += 1
                end += first.duration
                j += 1
            }
            out += indent; out += "  <S"
            if expectedStart != first.start { out.attribute("t", first.start) }
            out.attribute("d", first.duration)
            if repeats > 0 { out.attribute("r", repeats) }
            out += "/>\n"
            expectedStart = end
            i = j
        }
        out += indent; out += "</SegmentTimeline>\n"
    }
}

import MediaCore

/// Low-latency HLS (draft-pantos-hls-rfc8216bis, Apple's LL-HLS) for one media playlist request: the
/// stream's parts and what the request asked for. The tags are pure functions of it and of the listed
/// segments (`Presentation.hlsMediaPlaylist`), so they are tested with golden text and no clock.
public struct LowLatencyHLS: Sendable, Hashable {
    /// PART-TARGET in seconds: the configured longest part.
    public var partTarget: Double
    /// The parts the segmenter still holds per rendition (the newest segments' and the open one's), oldest first.
    public var parts: [SafeName: [PartInfo]]
    /// `_HLS_skip=YES` (or `v2`): a delta update, the older segments replaced by EXT-X-SKIP.
    public var skip: Bool

    /// Parts are listed for this many complete segments before the open one: LL-HLS asks for at least the
    /// last three target durations of them.
    public static let segmentsWithParts = 3

    public init(partTarget: Double, parts: [SafeName: [PartInfo]], skip: Bool = false) {
        self.partTarget = partTarget
        self.parts = parts
        self.skip = skip
    }

    /// CAN-SKIP-UNTIL: six target durations, the least the draft allows (§4.4.3.8).
    static func skipUntil(targetDuration: Int) -> Int { 6 * targetDuration }

    /// PART-HOLD-BACK: three part targets (the draft's minimum is two; three is its recommendation).
    var partHoldBack: Double { 3 * partTarget }

    /// `#EXT-X-SERVER-CONTROL` and `#EXT-X-PART-INF`.
    func headerTags(targetDuration: Int) -> String {
        "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=\(Self.skipUntil(targetDuration: targetDuration))"
            + ",PART-HOLD-BACK=\(Decimal3.string(partHoldBack, trim: true))\n"
            + "#EXT-X-PART-INF:PART-TARGET=\(Decimal3.string(partTarget, trim: true))\n"
    }

    /// The parts of segment `number` of `rendition` when all of them from the first are held (a list that
    /// starts in the middle of a segment would make players fetch half of one), else none.
    func completeParts(of rendition: SafeName, segment number: Int) -> ArraySlice<PartInfo> {
        guard let all = parts[rendition], let first = all.firstIndex(where: { $0.segment == number }) else { return [] }
        let run = all[first...].prefix { $0.segment == number }
        guard run.enumerated().allSatisfy({ $0.offset == $0.element.index }) else { return [] }
        return run
    }

    /// `#EXT-X-PART` lines for `parts`, their URIs under `prefix`.
    static func partLines(_ parts: ArraySlice<PartInfo>, prefix: String, timescale: Int64) -> String {
        var out = ""
        for part in parts {
            out += "#EXT-X-PART:DURATION=" + Decimal3.string(millis: Decimal3.millis(part.duration, timescale: timescale))
            out += ",URI=\"" + prefix + part.fileName + "\""
            if part.independent { out += ",INDEPENDENT=YES" }
            out += "\n"
        }
        return out
    }

    /// `#EXT-X-PRELOAD-HINT` for the part after `lastPart` in the open segment (`part-<n>.0.m4s` of the next
    /// segment when the newest segment is complete).
    static func preloadHint(openSegment: Int, openParts: ArraySlice<PartInfo>, prefix: String) -> String {
        let next = openParts.last.map { $0.index + 1 } ?? 0
        return "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"" + prefix + PartInfo.fileName(segment: openSegment, index: next) + "\"\n"
    }

    /// `#EXT-X-RENDITION-REPORT` of `rendition`, whose playlist is at `uri`: its newest segment and part.
    func renditionReport(_ rendition: RenditionIndex, uri: String) -> String {
        let lastSegment = rendition.segments.last?.number ?? 0
        var out = "#EXT-X-RENDITION-REPORT:URI=\"" + uri + "\""
        if let part = parts[rendition.rendition.id]?.last, part.segment > lastSegment {
            out += ",LAST-MSN=\(part.segment),LAST-PART=\(part.index)\n"
        } else {
            // The newest segment is complete: its last part is the newest part.
            let last = parts[rendition.rendition.id]?.last(where: { $0.segment == lastSegment })
            out += ",LAST-MSN=\(lastSegment)" + (last.map { ",LAST-PART=\($0.index)" } ?? "") + "\n"
        }
        return out
    }
}

import MediaCore
import MP4

/// Collects one track's samples between cuts and turns them into a CMAF media segment.
///
/// Output decode times are the publisher's times mapped so that each session continues exactly where
/// the previous one ended: `tfdt` of segment N+1 always equals `tfdt` + duration of segment N, also
/// across a reconnect (which is flagged as a discontinuity instead).
struct TrackFragmenter: Sendable {
    struct Pending: Sendable {
        var dts: Int64
        var compositionOffset: Int32
        var isSync: Bool
        var size: Int
        var receivedAt: Double
    }

    var track: CMAFTrack
    let renditionID: SafeName
    /// Number in the name of the init segment describing `track` (`init-<n>.mp4`); segments carry it.
    var initNumber: Int?
    private(set) var pending: [Pending] = []
    /// The pending samples' bytes, in memory or in a spool file (`useSpool`).
    private var payload = SamplePayload(spool: nil)
    /// End (in track ticks) of the last segment handed out; where the next one must start.
    private(set) var lastEnd: Int64?
    /// Added to the input time (in ticks) of this session's samples; set by the session's first sample.
    private(set) var adjust: Int64?
    private var lastSampleDuration: Int64
    private var discontinuityNext = false
    private var totalBytes = 0
    private var totalTicks: Int64 = 0
    private var peakBitrate = 0
    /// Low latency: the parts of the segment being collected, their bytes back to back, where its first
    /// sample arrived, and whether a part's bytes were lost (the segment becomes a gap).
    private(set) var segmentParts: [PartInfo] = []
    private var segmentBytes: [UInt8] = []
    private var segmentReceivedAt: Double = 0
    private var segmentGap = false

    init(track: CMAFTrack, renditionID: SafeName, defaultSampleDuration: Int64) {
        self.track = track
        self.renditionID = renditionID
        self.lastSampleDuration = defaultSampleDuration
    }

    /// A fresh fragmenter for a stream that has segments from an earlier run: its timeline goes on from
    /// where they ended (`seconds` of media time), as it does after a reconnect within one run.
    mutating func resume(atSeconds seconds: Double) {
        guard lastEnd == nil, seconds.isFinite, seconds > 0 else { return }
        lastEnd = Int64((seconds * Double(track.timescale)).rounded())
    }

    /// From now on sample bytes wait in `spool` rather than in memory (between segments only).
    mutating func useSpool(_ spool: SampleSpool) {
        guard payload.isEmpty else { return }
        payload = SamplePayload(spool: spool)
    }

    var pendingStart: Int64? { pending.first?.dts }
    var lastPendingDTS: Int64? { pending.last?.dts }

    /// A new publisher session (or a new decoder configuration) starts: remap its clock, flag the cut.
    mutating func beginSession(discontinuity: Bool) {
        adjust = nil
        if discontinuity { discontinuityNext = true }
    }

    /// Maps an input time (ticks on the publisher's clock) to the output timeline.
    mutating func outputTime(forInput input: Int64) -> Int64 {
        if adjust == nil { adjust = (lastEnd ?? max(input, 0)) - input }
        return input + adjust!
    }

    mutating func append(dts: Int64, compositionOffset: Int32, isSync: Bool, data: [UInt8], receivedAt: Double) {
        // Decode times must rise; a publisher that goes backwards gets nudged forward by one tick.
        let floor = (pending.last?.dts ?? lastEnd.map { $0 - 1 } ?? Int64.min) + 1
        pending.append(Pending(dts: max(dts, floor), compositionOffset: compositionOffset, isSync: isSync,
                               size: data.count, receivedAt: receivedAt))
        payload.append(data)
    }

    /// Emits every pending sample as segment `number`. `nextDTS` (the first sample after the cut) gives the
    /// last sample its duration; without it (end of stream) the previous duration is repeated.
    ///
    /// A low-latency track (`cutPart` was called since the last cut) ends its segment with a last part of
    /// whatever is pending, returned in `part`; the segment is then its parts back to back (a CMAF segment
    /// of several chunks), so a player that fetched the parts and one that fetches the segment get the
    /// same bytes.
    mutating func cut(number: Int, nextDTS: Int64?) -> (info: SegmentInfo, bytes: SegmentBytes, part: (PartInfo, [UInt8])?)? {
        guard let start = segmentParts.first?.start ?? pending.first?.dts else { return nil }
        guard !segmentParts.isEmpty else {
            guard let fragment = fragment(number: number, nextDTS: nextDTS, leaveSpooled: true) else { return nil }
            let info = finish(number: number, start: start, duration: fragment.duration, size: fragment.bytes?.count,
                              receivedAt: fragment.receivedAt)
            return (info, fragment.bytes ?? SegmentBytes([]), nil)
        }
        let last = cutPart(number: number, nextDTS: nextDTS)
        let duration = segmentParts.reduce(Int64(0)) { $0 + $1.duration }
        let bytes = segmentGap ? nil : segmentBytes
        let info = finish(number: number, start: start, duration: duration, size: bytes?.count, receivedAt: segmentReceivedAt)
        segmentParts = []
        segmentBytes = []
        segmentGap = false
        return (info, SegmentBytes(bytes ?? []), last)
    }

    /// Low latency: emits the pending samples as the next part of segment `number` (its bytes are also kept
    /// for the segment). Nil when nothing is pending. A part whose bytes the spool lost makes the whole
    /// segment a gap; the part itself is then not published (nil bytes).
    mutating func cutPart(number: Int, nextDTS: Int64?) -> (PartInfo, [UInt8])? {
        guard let fragment = fragment(number: number, nextDTS: nextDTS, leaveSpooled: false) else { return nil }
        if segmentParts.isEmpty { segmentReceivedAt = fragment.receivedAt }
        let part = PartInfo(segment: number, index: segmentParts.count, start: fragment.start, duration: fragment.duration,
                            independent: fragment.independent, discontinuity: discontinuityNext, initNumber: initNumber)
        segmentParts.append(part)
        // Parts are in memory (`leaveSpooled: false`): `head` is all of it.
        guard let bytes = fragment.bytes?.head else {
            segmentGap = true
            return nil
        }
        segmentBytes += bytes
        return (part, bytes)
    }

    /// Duration in ticks of the pending samples if `nextDTS` came next (what a part cut now would last).
    func pendingDuration(until nextDTS: Int64) -> Int64 {
        pending.first.map { nextDTS - $0.dts } ?? 0
    }

    /// Turns every pending sample into one `moof`+`mdat` (nil bytes when the spool lost them). With
    /// `leaveSpooled`, samples that are all in the spool file stay there (the file goes with the bytes).
    private mutating func fragment(number: Int, nextDTS: Int64?, leaveSpooled: Bool)
        -> (start: Int64, duration: Int64, bytes: SegmentBytes?, receivedAt: Double, independent: Bool)? {
        guard let first = pending.first else { return nil }
        var samples: [CMAFSampleEntry] = []
        samples.reserveCapacity(pending.count)
        for index in pending.indices {
            let next = index + 1 < pending.count ? pending[index + 1].dts : nextDTS
            var duration = next.map { $0 - pending[index].dts } ?? lastSampleDuration
            if duration <= 0 { duration = lastSampleDuration }
            lastSampleDuration = duration
            samples.append(CMAFSampleEntry(duration: UInt32(clamping: duration), size: UInt32(pending[index].size),
                                           compositionOffset: pending[index].compositionOffset, isSync: pending[index].isSync))
        }
        let duration = samples.reduce(Int64(0)) { $0 + Int64($1.duration) }
        // The spool may lose the bytes (the disk failed under it): the caller keeps the number and time as
        // a gap (HLS EXT-X-GAP), so the timeline and the numbering go on without a silent hole.
        let sequenceNumber = UInt32(truncatingIfNeeded: number), decodeTime = UInt64(max(first.dts, 0))
        let bytes: SegmentBytes?
        if leaveSpooled, let spooled = payload.takeSpooled() {
            let size = samples.reduce(0) { $0 + Int($1.size) }
            bytes = spooled.count != size ? nil : SegmentBytes(
                head: CMAFWriter.mediaSegmentHeader(track, sequenceNumber: sequenceNumber, baseMediaDecodeTime: decodeTime, entries: samples),
                spooled: spooled)
        } else {
            bytes = CMAFWriter.mediaSegment(track, sequenceNumber: sequenceNumber, baseMediaDecodeTime: decodeTime, entries: samples,
                                            payload: { payload.drain(into: &$0) }).map(SegmentBytes.init)
        }
        pending.removeAll(keepingCapacity: true)
        lastEnd = first.dts + duration
        return (first.dts, duration, bytes, first.receivedAt, first.isSync)
    }

    /// The segment's entry; a nil `size` (its bytes were lost) makes it a gap.
    private mutating func finish(number: Int, start: Int64, duration: Int64, size: Int?, receivedAt: Double) -> SegmentInfo {
        let info = SegmentInfo(number: number, start: start, duration: duration, size: size ?? 0,
                               discontinuity: discontinuityNext, programDateTime: receivedAt, initNumber: initNumber, gap: size == nil)
        discontinuityNext = false
        if let size { record(bytes: size, ticks: duration) }
        return info
    }

    private mutating func record(bytes: Int, ticks: Int64) {
        totalBytes += bytes
        totalTicks += ticks
        if ticks > 0 {
            peakBitrate = max(peakBitrate, Int(Double(bytes * 8) * Double(track.timescale) / Double(ticks)))
        }
    }

    /// The rendition as the packager describes it, with bitrates measured on the segments so far.
    func rendition(frameRate: Rational?) -> Rendition {
        let average = totalTicks > 0 ? Int(Double(totalBytes * 8) * Double(track.timescale) / Double(totalTicks)) : 0
        switch track.media {
        case .video(_, let width, let height):
            return Rendition(id: renditionID, kind: .video, codecs: track.codecString, peakBitrate: peakBitrate,
                             averageBitrate: average, timescale: Int32(track.timescale), width: width, height: height,
                             frameRate: frameRate)
        case .audio(let asc):
            return Rendition(id: renditionID, kind: .audio, codecs: track.codecString, peakBitrate: peakBitrate,
                             averageBitrate: average, timescale: Int32(track.timescale),
                             sampleRate: asc.sampleRate, channels: asc.channels)
        }
    }
}

/// One media segment's facts for one track, read from its `moof` boxes.
public struct FragmentSummary: Hashable, Sendable {
    /// `mfhd` sequence number of the first fragment.
    public var sequenceNumber: UInt32
    /// `tfdt` of the first fragment, in the track timescale.
    public var baseMediaDecodeTime: UInt64
    /// Sum of all sample durations of the track in the segment.
    public var duration: UInt64
    public var sampleCount: Int
    /// The first sample is a sync sample (IDR for video), so the segment can start playback.
    public var startsWithKeyframe: Bool
    /// Bytes of the whole segment.
    public var size: Int
    /// Per-sample durations in decode order (kept for frame-rate measurement and tests).
    public var sampleDurations: [UInt32]
}

/// Reads CMAF media segments (`styp`? `moof` `mdat`, possibly several fragments) (ISO/IEC 14496-12 §8.8).
public enum MediaSegment {
    public static func summary(_ bytes: [UInt8], track: TrackDescription) throws -> FragmentSummary {
        let top = try Box.children(of: bytes, in: 0..<bytes.count, parent: "segment")
        var result: FragmentSummary?
        for box in top where box.type == "moof" {
            let moof = try MovieFragmentBox(box, in: bytes)
            for traf in moof.trackFragments where traf.header.trackID == track.trackID {
                guard let tfdt = traf.decodeTime else { throw MP4Error.missingBox(path: "moof/traf/tfdt") }
                let part = try runs(traf, track: track)
                if var sum = result {
                    sum.duration = try checkedSum(sum.duration, part.duration)
                    sum.sampleCount += part.count
                    sum.sampleDurations += part.durations
                    result = sum
                } else {
                    result = FragmentSummary(
                        sequenceNumber: moof.header.sequenceNumber, baseMediaDecodeTime: tfdt.baseMediaDecodeTime,
                        duration: part.duration, sampleCount: part.count,
                        startsWithKeyframe: part.firstFlags.map { $0 & TrackRunBox.nonSyncSampleBit == 0 } ?? false,
                        size: bytes.count, sampleDurations: part.durations)
                }
            }
        }
        guard let result else {
            if top.first("moof") == nil { throw MP4Error.missingBox(path: "moof") }
            throw MP4Error.trackNotFound(trackID: track.trackID)
        }
        return result
    }

    /// Durations and first-sample flags of every `trun` in a `traf`, resolving defaults trun → tfhd → trex.
    private static func runs(_ traf: TrackFragmentBox, track: TrackDescription)
        throws -> (duration: UInt64, count: Int, durations: [UInt32], firstFlags: UInt32?) {
        let defaultDuration = traf.header.defaultSampleDuration ?? track.defaultSampleDuration
        let defaultFlags = traf.header.defaultSampleFlags ?? track.defaultSampleFlags
        var total: UInt64 = 0
        var durations: [UInt32] = []
        var firstFlags: UInt32?
        var count = 0
        for trun in traf.runs {
            if firstFlags == nil, trun.sampleCount > 0 {
                let first = trun.fields.contains(.flags) ? trun.samples.first?.flags : nil
                firstFlags = trun.firstSampleFlags ?? first ?? defaultFlags
            }
            count += trun.sampleCount
            if trun.samples.isEmpty {
                // No per-sample fields: every sample takes the default duration.
                total = try checkedSum(total, UInt64(trun.sampleCount) * UInt64(defaultDuration))
                durations += repeatElement(defaultDuration, count: min(trun.sampleCount, 1 << 20))
            } else {
                for sample in trun.samples {
                    let d = trun.fields.contains(.duration) ? sample.duration : defaultDuration
                    total = try checkedSum(total, UInt64(d))
                    durations.append(d)
                }
            }
        }
        return (total, count, durations, firstFlags)
    }

    /// Sample durations add up in 64 bits; a hostile file can still overflow them, which must be an error.
    private static func checkedSum(_ a: UInt64, _ b: UInt64) throws -> UInt64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw MP4Error.malformed(box: "trun", reason: "sample durations overflow 64 bits") }
        return sum
    }
}

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
    /// Bit of sample_flags that marks a sample as not a sync sample (14496-12 §8.8.3.1).
    static let nonSyncSample: UInt32 = 0x0001_0000

    public static func summary(_ bytes: [UInt8], track: TrackDescription) throws -> FragmentSummary {
        let top = try Box.children(of: bytes, in: 0..<bytes.count, parent: "segment")
        var result: FragmentSummary?
        for moof in top where moof.type == "moof" {
            let children = try moof.children(bytes)
            let mfhd = try MovieFragmentHeaderBox(try children.require("mfhd", in: "moof"), in: bytes)
            for traf in children where traf.type == "traf" {
                let trafChildren = try traf.children(bytes)
                let tfhd = try TrackFragmentHeaderBox(try trafChildren.require("tfhd", in: "moof/traf"), in: bytes)
                guard tfhd.trackID == track.trackID else { continue }
                let tfdt = try TrackFragmentDecodeTimeBox(try trafChildren.require("tfdt", in: "moof/traf"), in: bytes)
                let part = try runs(trafChildren, in: bytes, tfhd: tfhd, track: track)
                if var sum = result {
                    sum.duration = try checkedSum(sum.duration, part.duration)
                    sum.sampleCount += part.count
                    sum.sampleDurations += part.durations
                    result = sum
                } else {
                    result = FragmentSummary(
                        sequenceNumber: mfhd.sequenceNumber, baseMediaDecodeTime: tfdt.baseMediaDecodeTime,
                        duration: part.duration, sampleCount: part.count,
                        startsWithKeyframe: part.firstFlags.map { $0 & nonSyncSample == 0 } ?? false,
                        size: bytes.count, sampleDurations: part.durations)
                }
            }
        }
        guard let result else {
            if top.first("moof") == nil { throw PackagingError.missingBox(path: "moof") }
            throw PackagingError.trackNotFound(trackID: track.trackID)
        }
        return result
    }

    /// Durations and first-sample flags of every `trun` in a `traf`, resolving defaults trun → tfhd → trex.
    private static func runs(_ traf: [Box], in bytes: [UInt8], tfhd: TrackFragmentHeaderBox, track: TrackDescription)
        throws -> (duration: UInt64, count: Int, durations: [UInt32], firstFlags: UInt32?) {
        let defaultDuration = tfhd.defaultSampleDuration ?? track.defaultSampleDuration
        let defaultFlags = tfhd.defaultSampleFlags ?? track.defaultSampleFlags
        var total: UInt64 = 0
        var durations: [UInt32] = []
        var firstFlags: UInt32?
        var count = 0
        for box in traf where box.type == "trun" {
            let trun = try TrackRunBox(box, in: bytes)
            if firstFlags == nil, trun.sampleCount > 0 {
                firstFlags = trun.firstSampleFlags ?? trun.samples.first?.flags ?? defaultFlags
            }
            count += trun.sampleCount
            if trun.samples.isEmpty {
                // No per-sample fields: every sample takes the default duration.
                total = try checkedSum(total, UInt64(trun.sampleCount) * UInt64(defaultDuration))
                durations += repeatElement(defaultDuration, count: min(trun.sampleCount, 1 << 20))
            } else {
                for sample in trun.samples {
                    let d = sample.duration ?? defaultDuration
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
        guard !overflow else { throw PackagingError.malformed(box: "trun", reason: "sample durations overflow 64 bits") }
        return sum
    }
}

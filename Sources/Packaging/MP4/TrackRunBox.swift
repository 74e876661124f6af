/// `trun`: the samples of a fragment run (ISO/IEC 14496-12 §8.8.8). Only what indexing needs is kept:
/// the sum of durations, the total size, and the first sample's flags.
struct TrackRunBox {
    struct Sample {
        var duration: UInt32?
        var size: UInt32?
        var flags: UInt32?
    }

    var sampleCount: Int
    var firstSampleFlags: UInt32?
    var samples: [Sample]

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (_, flags) = try r.fullBoxHeader()
        let count = try r.u32()
        if flags & 0x001 != 0 { try r.skip(4) }  // data_offset
        firstSampleFlags = flags & 0x004 != 0 ? try r.u32() : nil
        let hasDuration = flags & 0x100 != 0, hasSize = flags & 0x200 != 0
        let hasFlags = flags & 0x400 != 0, hasCTO = flags & 0x800 != 0
        let perSample = (hasDuration ? 4 : 0) + (hasSize ? 4 : 0) + (hasFlags ? 4 : 0) + (hasCTO ? 4 : 0)
        // Check the declared count against the bytes really present before allocating anything.
        guard UInt64(count) * UInt64(perSample) <= UInt64(r.remaining) else {
            throw PackagingError.malformed(box: "trun", reason: "\(count) samples of \(perSample) bytes do not fit in \(r.remaining) bytes")
        }
        guard perSample > 0 || count <= 1 << 24 else {
            throw PackagingError.malformed(box: "trun", reason: "implausible sample count \(count)")
        }
        sampleCount = Int(count)
        samples = []
        samples.reserveCapacity(perSample > 0 ? sampleCount : 0)
        guard perSample > 0 else { return }
        for _ in 0..<sampleCount {
            let duration = hasDuration ? try r.u32() : nil
            let size = hasSize ? try r.u32() : nil
            let sampleFlags = hasFlags ? try r.u32() : nil
            if hasCTO { try r.skip(4) }
            samples.append(Sample(duration: duration, size: size, flags: sampleFlags))
        }
    }
}

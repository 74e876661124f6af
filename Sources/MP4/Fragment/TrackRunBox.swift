/// `trun` (ISO/IEC 14496-12 §8.8.8): the samples of a fragment run. Which per-sample fields are present
/// is one set for the whole run (`fields`); the flags are derived from it and the optionals.
struct TrackRunBox: MP4Box {
    struct Fields: OptionSet, Equatable, Sendable {
        let rawValue: UInt32
        static let duration = Fields(rawValue: 0x100)
        static let size = Fields(rawValue: 0x200)
        static let flags = Fields(rawValue: 0x400)
        static let compositionTimeOffset = Fields(rawValue: 0x800)
    }

    struct Sample: Equatable, Sendable {
        var duration: UInt32 = 0
        var size: UInt32 = 0
        var flags: UInt32 = 0
        /// Signed in version 1; version 0 stores the same 32 bits unsigned.
        var compositionTimeOffset: Int32 = 0
    }

    /// Sample flags (§8.8.3.1): a sync sample depends on nothing; any other depends on others and is not sync.
    static let syncSampleFlags: UInt32 = 0x0200_0000
    static let nonSyncSampleFlags: UInt32 = 0x0101_0000
    /// The bit of sample flags that marks a sample as not a sync sample.
    static let nonSyncSampleBit: UInt32 = 0x0001_0000

    var version: UInt8 = 1
    var fields: Fields
    var sampleCount: Int
    /// From the start of the `moof` (with `default-base-is-moof`) to the first sample byte.
    var dataOffset: Int32?
    var firstSampleFlags: UInt32?
    /// One per sample when `fields` is not empty; empty otherwise (every sample takes the defaults).
    var samples: [Sample]

    var boxType: String { "trun" }

    var flags: UInt32 { fields.rawValue | (dataOffset != nil ? 0x001 : 0) | (firstSampleFlags != nil ? 0x004 : 0) }

    init(fields: Fields, samples: [Sample], dataOffset: Int32?) {
        self.fields = fields
        self.samples = samples
        self.sampleCount = samples.count
        self.dataOffset = dataOffset
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        let (version, flags) = try r.fullBoxHeader()
        self.version = version
        let fields = Fields(rawValue: flags & 0xF00)
        self.fields = fields
        let count = try r.u32()
        dataOffset = flags & 0x001 != 0 ? Int32(bitPattern: try r.u32()) : nil
        firstSampleFlags = flags & 0x004 != 0 ? try r.u32() : nil
        let perSample = 4 * (0..<4).filter { flags & (0x100 << $0) != 0 }.count
        // Check the declared count against the bytes really present before allocating anything.
        guard UInt64(count) * UInt64(perSample) <= UInt64(r.remaining) else {
            throw MP4Error.malformed(box: "trun", reason: "\(count) samples of \(perSample) bytes do not fit in \(r.remaining) bytes")
        }
        guard perSample > 0 || count <= 1 << 24 else {
            throw MP4Error.malformed(box: "trun", reason: "implausible sample count \(count)")
        }
        sampleCount = Int(count)
        samples = []
        guard perSample > 0 else { return }
        samples.reserveCapacity(sampleCount)
        for _ in 0..<sampleCount {
            var sample = Sample()
            if fields.contains(.duration) { sample.duration = try r.u32() }
            if fields.contains(.size) { sample.size = try r.u32() }
            if fields.contains(.flags) { sample.flags = try r.u32() }
            if fields.contains(.compositionTimeOffset) { sample.compositionTimeOffset = Int32(bitPattern: try r.u32()) }
            samples.append(sample)
        }
    }

    func writePayload(to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 16 + samples.count * 16)
        out.appendFullBoxHeader(version: version, flags: flags)
        out.appendBigEndian(UInt32(truncatingIfNeeded: fields.isEmpty ? sampleCount : samples.count))
        if let dataOffset { out.appendBigEndian(dataOffset) }
        if let firstSampleFlags { out.appendBigEndian(firstSampleFlags) }
        guard !fields.isEmpty else { return }
        for sample in samples {
            if fields.contains(.duration) { out.appendBigEndian(sample.duration) }
            if fields.contains(.size) { out.appendBigEndian(sample.size) }
            if fields.contains(.flags) { out.appendBigEndian(sample.flags) }
            if fields.contains(.compositionTimeOffset) { out.appendBigEndian(sample.compositionTimeOffset) }
        }
    }
}

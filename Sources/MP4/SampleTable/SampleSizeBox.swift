/// `stsz` (ISO/IEC 14496-12 §8.7.3): one size for every sample, or a table of sizes when `sampleSize` is 0.
struct SampleSizeBox: MP4Box {
    var sampleSize: UInt32
    var sampleCount: UInt32
    /// Per-sample sizes, present only when `sampleSize` is 0.
    var sizes: [UInt32]

    var boxType: String { "stsz" }

    init(sampleSize: UInt32, sampleCount: UInt32, sizes: [UInt32]) {
        self.sampleSize = sampleSize
        self.sampleCount = sampleCount
        self.sizes = sizes
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        sampleSize = try r.u32()
        if sampleSize == 0 {
            let count = try r.entryCount(entrySize: 4)
            sampleCount = UInt32(count)
            sizes = try (0..<count).map { _ in try r.u32() }
        } else {
            sampleCount = try r.u32()
            sizes = []
        }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(sampleSize)
        out.appendBigEndian(sampleSize == 0 ? UInt32(sizes.count) : sampleCount)
        if sampleSize == 0 { for size in sizes { out.appendBigEndian(size) } }
    }
}

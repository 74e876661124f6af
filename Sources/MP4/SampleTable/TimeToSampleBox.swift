/// `stts` (ISO/IEC 14496-12 §8.6.1.2): runs of samples with the same duration (empty when fragmented).
struct TimeToSampleBox: MP4Box {
    struct Entry: Equatable, Sendable {
        var sampleCount: UInt32
        var sampleDelta: UInt32
    }

    var entries: [Entry]

    var boxType: String { "stts" }

    init(entries: [Entry]) { self.entries = entries }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        let count = try r.entryCount(entrySize: 8)
        entries = try (0..<count).map { _ in Entry(sampleCount: try r.u32(), sampleDelta: try r.u32()) }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(UInt32(entries.count))
        for entry in entries {
            out.appendBigEndian(entry.sampleCount)
            out.appendBigEndian(entry.sampleDelta)
        }
    }
}

/// `stsc` (ISO/IEC 14496-12 §8.7.4): which chunks hold how many samples (empty when fragmented).
struct SampleToChunkBox: MP4Box {
    struct Entry: Equatable, Sendable {
        var firstChunk: UInt32
        var samplesPerChunk: UInt32
        var sampleDescriptionIndex: UInt32
    }

    var entries: [Entry]

    var boxType: String { "stsc" }

    init(entries: [Entry]) { self.entries = entries }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        let count = try r.entryCount(entrySize: 12)
        entries = try (0..<count).map { _ in
            Entry(firstChunk: try r.u32(), samplesPerChunk: try r.u32(), sampleDescriptionIndex: try r.u32())
        }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(UInt32(entries.count))
        for entry in entries {
            out.appendBigEndian(entry.firstChunk)
            out.appendBigEndian(entry.samplesPerChunk)
            out.appendBigEndian(entry.sampleDescriptionIndex)
        }
    }
}

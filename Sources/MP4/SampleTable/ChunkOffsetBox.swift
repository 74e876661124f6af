/// `stco` (ISO/IEC 14496-12 §8.7.5): 32-bit file offsets of the chunks (empty when fragmented).
struct ChunkOffsetBox: MP4Box {
    var offsets: [UInt32]

    var boxType: String { "stco" }

    init(offsets: [UInt32]) { self.offsets = offsets }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        let count = try r.entryCount(entrySize: 4)
        offsets = try (0..<count).map { _ in try r.u32() }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(UInt32(offsets.count))
        for offset in offsets { out.appendBigEndian(offset) }
    }
}

/// `stbl` (ISO/IEC 14496-12 §8.5.1). In a fragmented track it holds the sample description and empty
/// time/size/chunk tables: the samples are described by each fragment's `trun`.
struct SampleTableBox: MP4Box {
    var description: SampleDescriptionBox
    var timeToSample: TimeToSampleBox?
    var sampleToChunk: SampleToChunkBox?
    var sampleSize: SampleSizeBox?
    var chunkOffset: ChunkOffsetBox?
    var others: [RawBox] = []

    var boxType: String { "stbl" }

    /// The tables of a fragmented track: one sample entry, no samples.
    init(fragmentedWith entry: SampleEntry) {
        description = SampleDescriptionBox(entries: [entry])
        timeToSample = TimeToSampleBox(entries: [])
        sampleToChunk = SampleToChunkBox(entries: [])
        sampleSize = SampleSizeBox(sampleSize: 0, sampleCount: 0, sizes: [])
        chunkOffset = ChunkOffsetBox(offsets: [])
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        description = try SampleDescriptionBox(try children.require("stsd", in: "moov/trak/mdia/minf/stbl"), in: bytes)
        timeToSample = try children.first("stts").map { try TimeToSampleBox($0, in: bytes) }
        sampleToChunk = try children.first("stsc").map { try SampleToChunkBox($0, in: bytes) }
        sampleSize = try children.first("stsz").map { try SampleSizeBox($0, in: bytes) }
        chunkOffset = try children.first("stco").map { try ChunkOffsetBox($0, in: bytes) }
        others = try children.raw(except: ["stsd", "stts", "stsc", "stsz", "stco"], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        description.write(to: &out)
        timeToSample?.write(to: &out)
        sampleToChunk?.write(to: &out)
        sampleSize?.write(to: &out)
        chunkOffset?.write(to: &out)
        others.write(to: &out)
    }
}

extension BoxReader {
    /// An entry count checked against the bytes really present before anything is allocated, so a
    /// hostile count cannot make the reader reserve gigabytes.
    mutating func entryCount(entrySize: Int) throws -> Int {
        let count = try u32()
        guard UInt64(count) * UInt64(entrySize) <= UInt64(remaining) else {
            throw MP4Error.malformed(box: box, reason: "\(count) entries of \(entrySize) bytes do not fit in \(remaining) bytes")
        }
        return Int(count)
    }
}

/// `stsd` (ISO/IEC 14496-12 §8.5.2): the codec descriptions of a track. CMAF allows one entry; the
/// reader uses the first.
struct SampleDescriptionBox: MP4Box {
    var entries: [SampleEntry]

    var boxType: String { "stsd" }

    init(entries: [SampleEntry]) { self.entries = entries }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        let count = try r.u32()
        guard count >= 1 else { throw MP4Error.malformed(box: "stsd", reason: "no sample entry") }
        let children = try Box.children(of: bytes, in: r.position..<r.end, parent: "stsd")
        guard !children.isEmpty else { throw MP4Error.malformed(box: "stsd", reason: "no sample entry") }
        entries = try children.map { try SampleEntry($0, in: bytes) }
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(UInt32(entries.count))
        entries.write(to: &out)
    }
}

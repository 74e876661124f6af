/// `dref` (ISO/IEC 14496-12 §8.7.2): the data entries; ours is one self-contained `url `.
struct DataReferenceBox: MP4Box {
    var entries: [DataEntryURLBox]
    /// Entries of other types (`urn `), kept whole and counted.
    var others: [RawBox] = []

    var boxType: String { "dref" }

    init(entries: [DataEntryURLBox]) { self.entries = entries }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        _ = try r.u32()  // entry_count: the boxes that follow are the entries
        let children = try Box.children(of: bytes, in: r.position..<r.end, parent: "dref")
        entries = try children.filter { $0.type == "url " }.map { try DataEntryURLBox($0, in: bytes) }
        others = try children.raw(except: ["url "], in: bytes)
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: 0, flags: 0)
        out.appendBigEndian(UInt32(entries.count + others.count))
        entries.write(to: &out)
        others.write(to: &out)
    }
}

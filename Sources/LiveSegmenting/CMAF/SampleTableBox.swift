/// `stbl` of a fragmented track: the sample description, and empty time/size/chunk tables (the samples
/// are described by each fragment's `trun`).
enum SampleTableBox {
    static func encode(sampleEntry: [UInt8]) -> [UInt8] {
        let empty: [UInt8] = [0, 0, 0, 0]  // entry_count 0
        return Box.box("stbl", children: [
            Box.fullBox("stsd", version: 0, flags: 0, [0, 0, 0, 1] + sampleEntry),
            Box.fullBox("stts", version: 0, flags: 0, empty),
            Box.fullBox("stsc", version: 0, flags: 0, empty),
            Box.fullBox("stsz", version: 0, flags: 0, [0, 0, 0, 0] + empty),  // sample_size 0, count 0
            Box.fullBox("stco", version: 0, flags: 0, empty),
        ])
    }
}

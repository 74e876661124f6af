/// `moof` with `mfhd` and one `traf` (`tfhd`, `tfdt`, `trun`) describing every sample of the fragment.
enum MovieFragmentBox {
    /// tfhd: base data offset is the start of the moof (CMAF requires it).
    static let defaultBaseIsMoof: UInt32 = 0x020000
    /// trun: data-offset, sample-duration, sample-size, sample-flags, sample-composition-time-offset.
    static let trunFlags: UInt32 = 0x000001 | 0x000100 | 0x000200 | 0x000400 | 0x000800
    /// Sample flags: a sync sample depends on nothing; any other depends on others and is not sync.
    static let syncSampleFlags: UInt32 = 0x0200_0000
    static let nonSyncSampleFlags: UInt32 = 0x0101_0000

    /// `reserving` extra capacity lets the caller append the mdat without growing the array again.
    static func encode(sequenceNumber: UInt32, trackID: UInt32, baseMediaDecodeTime: UInt64,
                       samples: [CMAFSampleEntry], reserving extra: Int = 0) -> [UInt8] {
        // The trun's data offset points past the moof and the mdat header: size the moof first.
        let size = build(sequenceNumber, trackID, baseMediaDecodeTime, samples, dataOffset: 0).count
        var out: [UInt8] = []
        out.reserveCapacity(size + extra)
        out += build(sequenceNumber, trackID, baseMediaDecodeTime, samples, dataOffset: Int32(size + 8))
        return out
    }

    private static func build(_ sequence: UInt32, _ trackID: UInt32, _ baseTime: UInt64, _ samples: [CMAFSampleEntry],
                              dataOffset: Int32) -> [UInt8] {
        var mfhd: [UInt8] = []
        mfhd.appendBigEndian(sequence)
        var tfhd: [UInt8] = []
        tfhd.appendBigEndian(trackID)
        var tfdt: [UInt8] = []
        tfdt.appendBigEndian(baseTime)
        return Box.box("moof", children: [
            Box.fullBox("mfhd", version: 0, flags: 0, mfhd),
            Box.box("traf", children: [
                Box.fullBox("tfhd", version: 0, flags: defaultBaseIsMoof, tfhd),
                Box.fullBox("tfdt", version: 1, flags: 0, tfdt),
                trackRun(samples, dataOffset: dataOffset),
            ]),
        ])
    }

    static func trackRun(_ samples: [CMAFSampleEntry], dataOffset: Int32) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(8 + samples.count * 16)
        body.appendBigEndian(UInt32(samples.count))
        body.appendBigEndian(dataOffset)
        for sample in samples {
            body.appendBigEndian(sample.duration)
            body.appendBigEndian(sample.size)
            body.appendBigEndian(sample.isSync ? syncSampleFlags : nonSyncSampleFlags)
            body.appendBigEndian(sample.compositionOffset)
        }
        return Box.fullBox("trun", version: 1, flags: trunFlags, body)
    }
}

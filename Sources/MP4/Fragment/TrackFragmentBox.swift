/// `traf` (ISO/IEC 14496-12 §8.8.6): one track's part of a fragment: `tfhd`, `tfdt` and the runs.
/// Common Encryption adds `saiz`, `saio` and `senc` (written in that order, before the runs).
struct TrackFragmentBox: MP4Box {
    var header: TrackFragmentHeaderBox
    /// Optional when reading: only the fragments of the track being indexed need it.
    var decodeTime: TrackFragmentDecodeTimeBox?
    var auxiliarySizes: SampleAuxiliaryInformationSizesBox?
    var auxiliaryOffsets: SampleAuxiliaryInformationOffsetsBox?
    var sampleEncryption: SampleEncryptionBox?
    var runs: [TrackRunBox]
    var others: [RawBox] = []

    var boxType: String { "traf" }

    init(header: TrackFragmentHeaderBox, decodeTime: TrackFragmentDecodeTimeBox, runs: [TrackRunBox]) {
        self.header = header
        self.decodeTime = decodeTime
        self.runs = runs
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let children = try box.children(bytes)
        header = try TrackFragmentHeaderBox(try children.require("tfhd", in: "moof/traf"), in: bytes)
        decodeTime = try children.first("tfdt").map { try TrackFragmentDecodeTimeBox($0, in: bytes) }
        auxiliarySizes = try children.first("saiz").map { try SampleAuxiliaryInformationSizesBox($0, in: bytes) }
        auxiliaryOffsets = try children.first("saio").map { try SampleAuxiliaryInformationOffsetsBox($0, in: bytes) }
        sampleEncryption = try children.first("senc").map { try SampleEncryptionBox($0, in: bytes) }
        runs = try children.filter { $0.type == "trun" }.map { try TrackRunBox($0, in: bytes) }
        others = try children.raw(except: ["tfhd", "tfdt", "saiz", "saio", "senc", "trun"], in: bytes)
    }

    /// Bytes from the start of this box to the first `senc` entry (what `saio` records, less the
    /// `traf`'s own offset in the `moof`), nil without a `senc`.
    var sampleEncryptionEntriesOffset: Int? {
        guard sampleEncryption != nil else { return nil }
        return 8 + header.encoded().count + (decodeTime?.encoded().count ?? 0) + (auxiliarySizes?.encoded().count ?? 0)
            + (auxiliaryOffsets?.encoded().count ?? 0) + SampleEncryptionBox.entriesOffset
    }

    func writePayload(to out: inout [UInt8]) {
        header.write(to: &out)
        decodeTime?.write(to: &out)
        auxiliarySizes?.write(to: &out)
        auxiliaryOffsets?.write(to: &out)
        sampleEncryption?.write(to: &out)
        runs.write(to: &out)
        others.write(to: &out)
    }
}

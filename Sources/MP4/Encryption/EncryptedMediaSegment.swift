/// Encrypts the samples of a clear CMAF media segment and records how (ISO/IEC 23001-7 §7): each `traf`
/// of a protected track gets a `senc` with the samples' IVs and subsample maps and the `saiz`/`saio` that
/// point at it. The `mdat` keeps its size; each `trun` data offset grows by what its `moof` grew.
public enum EncryptedMediaSegment {
    /// `encryptSample` encrypts one sample of `trackID` in place (`bytes[range]`) and says what `senc`
    /// records for it; it is called for the samples of `tracks` in decode order.
    public static func encrypt(_ segment: [UInt8], tracks: [ProtectableTrack],
                               encryptSample: (_ trackID: UInt32, _ bytes: inout [UInt8], _ range: Range<Int>) throws -> SampleEncryptionEntry)
        throws -> [UInt8] {
        let protected = Dictionary(tracks.map { ($0.trackID, $0) }, uniquingKeysWith: { first, _ in first })
        let top = try Box.children(of: segment, in: 0..<segment.count, parent: "segment")
        var bytes = segment
        var rewritten: [Int: MovieFragmentBox] = [:]
        for (index, box) in top.enumerated() where box.type == "moof" {
            var moof = try MovieFragmentBox(box, in: segment)
            var changed = false
            for t in moof.trackFragments.indices {
                guard let track = protected[moof.trackFragments[t].header.trackID] else { continue }
                let entries = try encryptSamples(of: moof.trackFragments[t], at: box.offset, track: track, bytes: &bytes, encryptSample)
                let senc = SampleEncryptionBox(entries: entries)
                moof.trackFragments[t].sampleEncryption = senc
                moof.trackFragments[t].auxiliarySizes = SampleAuxiliaryInformationSizesBox(sizes: senc.infoSizes)
                moof.trackFragments[t].auxiliaryOffsets = SampleAuxiliaryInformationOffsetsBox(offsets: [0])
                changed = true
            }
            guard changed else { continue }
            let growth = Int32(moof.encoded().count - box.size)
            var trafStart = 8 + moof.header.encoded().count
            for t in moof.trackFragments.indices {
                for r in moof.trackFragments[t].runs.indices {
                    if let offset = moof.trackFragments[t].runs[r].dataOffset { moof.trackFragments[t].runs[r].dataOffset = offset + growth }
                }
                if let entries = moof.trackFragments[t].sampleEncryptionEntriesOffset {
                    moof.trackFragments[t].auxiliaryOffsets = SampleAuxiliaryInformationOffsetsBox(offsets: [UInt64(trafStart + entries)])
                }
                trafStart += moof.trackFragments[t].encoded().count
            }
            rewritten[index] = moof
        }
        var out: [UInt8] = []
        out.reserveCapacity(segment.count + 4096)
        for (index, box) in top.enumerated() {
            if let moof = rewritten[index] { moof.write(to: &out) } else { out += bytes[box.offset..<box.payload.upperBound] }
        }
        return out
    }

    /// Walks the runs of one `traf` (data offsets from the `moof` start, sizes from trun → tfhd → trex).
    private static func encryptSamples(of traf: TrackFragmentBox, at moofOffset: Int, track: ProtectableTrack, bytes: inout [UInt8],
                                       _ encryptSample: (UInt32, inout [UInt8], Range<Int>) throws -> SampleEncryptionEntry)
        throws -> [SampleEncryptionEntry] {
        let trackID = traf.header.trackID
        guard traf.sampleEncryption == nil else { throw MP4Error.malformed(box: "traf", reason: "track \(trackID) is already encrypted") }
        guard traf.header.baseDataOffset == nil else {
            throw MP4Error.malformed(box: "tfhd", reason: "track \(trackID) uses an absolute base data offset (not CMAF)")
        }
        let defaultSize = traf.header.defaultSampleSize ?? track.defaultSampleSize
        var entries: [SampleEncryptionEntry] = []
        var position = moofOffset
        for run in traf.runs {
            if let offset = run.dataOffset { position = moofOffset + Int(offset) }
            for sample in 0..<run.sampleCount {
                let size = run.fields.contains(.size) ? Int(run.samples[sample].size) : Int(defaultSize)
                guard position >= 0, size <= bytes.count - position else {
                    throw MP4Error.malformed(box: "trun", reason: "track \(trackID): sample \(entries.count) runs past the end of the segment")
                }
                entries.append(try encryptSample(trackID, &bytes, position..<(position + size)))
                position += size
            }
        }
        return entries
    }
}

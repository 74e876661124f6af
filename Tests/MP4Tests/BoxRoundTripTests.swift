import Testing
@testable import MP4

/// Every box type: write → read gives the same value, and read → write gives the same bytes.
@Suite struct BoxRoundTripTests {
    /// Writes `box`, reads it back as the same type, and writes that again.
    static func roundTrip<B: MP4Box>(_ box: B, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = box.encoded()
        #expect(bytes.count >= 8, sourceLocation: sourceLocation)
        #expect(String(decoding: bytes[4..<8], as: UTF8.self) == box.boxType, sourceLocation: sourceLocation)
        let size = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        #expect(size == bytes.count, "the size field counts the whole box", sourceLocation: sourceLocation)
        let read = try B.decode(bytes)
        #expect(read == box, "write → read", sourceLocation: sourceLocation)
        #expect(read.encoded() == bytes, "read → write", sourceLocation: sourceLocation)
    }

    typealias S = BoxSamples

    @Test func movieBoxes() throws {
        try Self.roundTrip(S.ftyp)
        try Self.roundTrip(S.moov)
        try Self.roundTrip(S.mvhd)
        try Self.roundTrip(MovieHeaderBox(timescale: 1000, nextTrackID: 2))  // version 0
        try Self.roundTrip(S.mvex)
        try Self.roundTrip(S.trex)
    }

    @Test func trackBoxes() throws {
        try Self.roundTrip(S.trak)
        try Self.roundTrip(S.tkhd)
        try Self.roundTrip(TrackHeaderBox(trackID: 1, isAudio: true, width: 0, height: 0))  // version 0
        try Self.roundTrip(S.mdia)
        try Self.roundTrip(S.mdhd)
        try Self.roundTrip(MediaHeaderBox(timescale: 48000))  // version 0, `und`
        try Self.roundTrip(S.hdlr)
        try Self.roundTrip(HandlerBox(handlerType: "soun", name: ""))
        try Self.roundTrip(S.minf)
        try Self.roundTrip(MediaInformationBox(soundHeader: S.smhd, dataInformation: S.dinf, sampleTable: S.stbl))
        try Self.roundTrip(S.vmhd)
        try Self.roundTrip(S.smhd)
        try Self.roundTrip(S.dinf)
        try Self.roundTrip(S.dref)
        try Self.roundTrip(S.url)
        try Self.roundTrip(DataEntryURLBox())
    }

    @Test func sampleTableBoxes() throws {
        try Self.roundTrip(S.stbl)
        try Self.roundTrip(S.stsd)
        try Self.roundTrip(S.stts)
        try Self.roundTrip(S.stsc)
        try Self.roundTrip(S.stszTable)
        try Self.roundTrip(S.stszFixed)
        try Self.roundTrip(S.stco)
        try Self.roundTrip(TimeToSampleBox(entries: []))
    }

    @Test func sampleEntries() throws {
        try Self.roundTrip(S.avc1)
        try Self.roundTrip(S.avc3)
        try Self.roundTrip(S.avcCBox)
        try Self.roundTrip(S.mp4a)
        try Self.roundTrip(S.mp4aVersion1)
        try Self.roundTrip(S.esds)
        try Self.roundTrip(ElementaryStreamDescriptorBox(audioSpecificConfig: S.asc))
        try Self.roundTrip(SampleEntry.visual(S.avc1))
        try Self.roundTrip(SampleEntry.audio(S.mp4a))
        try Self.roundTrip(SampleEntry.other(S.raw))
    }

    @Test func fragmentBoxes() throws {
        try Self.roundTrip(S.moof)
        try Self.roundTrip(S.mfhd)
        try Self.roundTrip(S.traf)
        try Self.roundTrip(S.tfhd)
        try Self.roundTrip(TrackFragmentHeaderBox(trackID: 7, defaultBaseIsMoof: true))
        try Self.roundTrip(S.tfdt)
        try Self.roundTrip(S.tfdtVersion0)
        try Self.roundTrip(S.trun)
        try Self.roundTrip(S.trunDefaults)
        try Self.roundTrip(S.trunSizesOnly)
        try Self.roundTrip(S.mdat)
        try Self.roundTrip(S.raw)
    }

    /// The whole CMAF files the live writer makes read back as the same values and bytes.
    @Test func cmafSegmentsRoundTrip() throws {
        let video = CMAFTrack(timescale: 90_000, codecString: "avc1.64000C", media: .video(avcC: S.avcC, width: 320, height: 180))
        let initBytes = CMAFWriter.initSegment(video)
        let top = try Box.children(of: initBytes, in: 0..<initBytes.count, parent: "file")
        #expect(top.map(\.type) == ["ftyp", "moov"])
        let moov = try MovieBox(top[1], in: initBytes)
        #expect(try FileTypeBox(top[0], in: initBytes).encoded() + moov.encoded() == initBytes)
        #expect(moov == MovieBox(header: MovieHeaderBox(timescale: 1000, nextTrackID: 2), tracks: [CMAFWriter.trackBox(video)],
                                 extends: MovieExtendsBox(trackExtends: [TrackExtendsBox(trackID: 1)])))

        let samples = [CMAFSample(duration: 3600, compositionOffset: 7200, isSync: true, data: [0, 0, 0, 1, 0x65]),
                       CMAFSample(duration: 3000, compositionOffset: -3600, isSync: false, data: [0, 0, 0, 1, 0x01])]
        let segment = CMAFWriter.mediaSegment(video, sequenceNumber: 9, baseMediaDecodeTime: 1 << 33, samples: samples)
        let parts = try Box.children(of: segment, in: 0..<segment.count, parent: "segment")
        #expect(parts.map(\.type) == ["moof", "mdat"])
        let moof = try MovieFragmentBox(parts[0], in: segment)
        let mdat = try MediaDataBox(parts[1], in: segment)
        #expect(moof.encoded() + mdat.encoded() == segment)
        #expect(mdat.data == samples.flatMap(\.data))
        #expect(moof.trackFragments.first?.runs.first?.dataOffset == Int32(parts[1].payload.lowerBound))
    }
}

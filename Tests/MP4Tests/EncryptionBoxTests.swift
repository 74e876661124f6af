import Testing
@testable import MP4

/// The Common Encryption boxes (ISO/IEC 23001-7) round-trip like every other box, and the encrypted init
/// and media segments they make are consistent: `frma` gives back the clear entry, `saio` points at the
/// `senc` entries, each `trun` still points at its samples.
@Suite struct EncryptionBoxTests {
    typealias S = BoxSamples
    static let kid: [UInt8] = Array(0x10..<0x20)
    static let constantIV: [UInt8] = Array(0xA0..<0xB0)

    static var cencTenc: TrackEncryptionBox { TrackEncryptionBox(kid: kid, perSampleIVSize: 8) }
    static var cbcsTenc: TrackEncryptionBox {
        TrackEncryptionBox(kid: kid, perSampleIVSize: 0, constantIV: constantIV, cryptByteBlock: 1, skipByteBlock: 9)
    }
    static var sinf: ProtectionSchemeInfoBox { ProtectionSchemeInfoBox(originalFormat: "avc1", scheme: "cbcs", trackEncryption: cbcsTenc) }

    @Test func schemeBoxes() throws {
        try BoxRoundTripTests.roundTrip(OriginalFormatBox(dataFormat: "mp4a"))
        try BoxRoundTripTests.roundTrip(SchemeTypeBox(schemeType: "cenc"))
        var withURI = SchemeTypeBox(schemeType: "cbcs")
        withURI.schemeURI = "urn:example:scheme"
        try BoxRoundTripTests.roundTrip(withURI)
        try BoxRoundTripTests.roundTrip(Self.cencTenc)
        try BoxRoundTripTests.roundTrip(Self.cbcsTenc)
        try BoxRoundTripTests.roundTrip(SchemeInformationBox(trackEncryption: Self.cencTenc))
        try BoxRoundTripTests.roundTrip(Self.sinf)
        var withExtra = Self.sinf
        withExtra.others = [S.raw]
        try BoxRoundTripTests.roundTrip(withExtra)
    }

    @Test func tencFieldsSitWhereTheSpecPutsThem() throws {
        let cenc = Self.cencTenc.encoded()
        #expect(cenc.count == 8 + 4 + 4 + 16)
        #expect(cenc[8] == 0, "version 0")
        #expect(Array(cenc[12..<16]) == [0, 0, 1, 8], "reserved, reserved, isProtected, 8-byte IVs")
        #expect(Array(cenc[16..<32]) == Self.kid)
        let cbcs = Self.cbcsTenc.encoded()
        #expect(cbcs[8] == 1, "version 1 for the pattern")
        #expect(cbcs[13] == 0x19, "crypt 1, skip 9")
        #expect(Array(cbcs[14..<16]) == [1, 0], "protected, constant IV")
        #expect(cbcs[32] == 16)
        #expect(Array(cbcs[33...]) == Self.constantIV)
    }

    @Test func psshVersions() throws {
        try BoxRoundTripTests.roundTrip(ProtectionSystemSpecificHeaderBox(systemID: Array(0..<16), keyIDs: [Self.kid, Array(repeating: 9, count: 16)]))
        try BoxRoundTripTests.roundTrip(ProtectionSystemSpecificHeaderBox(systemID: Array(0..<16), keyIDs: [], data: [1, 2, 3]))
        let header = ProtectionSystemHeader(systemID: Array(0..<16), keyIDs: [Self.kid], data: [7])
        #expect(try ProtectionSystemHeader.parse(header.box + header.box) == [header, header])
        #expect(throws: MP4Error.self) { try ProtectionSystemHeader.parse(Array(header.box.dropLast())) }
    }

    @Test func sampleEncryptionAndAuxiliaryInformation() throws {
        let withSubsamples = SampleEncryptionBox(entries: [
            SampleEncryptionEntry(iv: Array(1...8), subsamples: [Subsample(clearBytes: 40, protectedBytes: 960), Subsample(clearBytes: 5, protectedBytes: 0)]),
            SampleEncryptionEntry(iv: Array(9...16), subsamples: []),
        ])
        try BoxRoundTripTests.roundTrip(withSubsamples)
        #expect(withSubsamples.infoSizes == [8 + 2 + 12, 8 + 2])
        let whole16 = SampleEncryptionBox(entries: [SampleEncryptionEntry(iv: Array(1...16), subsamples: nil)])
        try BoxRoundTripTests.roundTrip(whole16)
        let constant = SampleEncryptionBox(entries: [SampleEncryptionEntry(iv: [], subsamples: [Subsample(clearBytes: 3, protectedBytes: 32)])])
        try BoxRoundTripTests.roundTrip(constant)
        // A reader told the IV size from tenc agrees with the one that infers it.
        let bytes = withSubsamples.encoded()
        let box = try Box.children(of: bytes, in: 0..<bytes.count, parent: "file")[0]
        #expect(try SampleEncryptionBox(box, in: bytes, ivSize: 8) == withSubsamples)
        #expect(throws: MP4Error.self) { try SampleEncryptionBox(box, in: bytes, ivSize: 16) }

        try BoxRoundTripTests.roundTrip(SampleAuxiliaryInformationSizesBox(sizes: [16, 16, 16]))
        try BoxRoundTripTests.roundTrip(SampleAuxiliaryInformationSizesBox(sizes: [16, 22, 10]))
        var typed = SampleAuxiliaryInformationSizesBox(sizes: [8])
        typed.auxInfoType = ("cenc", 0)
        try BoxRoundTripTests.roundTrip(typed)
        try BoxRoundTripTests.roundTrip(SampleAuxiliaryInformationOffsetsBox(offsets: [120]))
        var wide = SampleAuxiliaryInformationOffsetsBox(offsets: [1 << 40, 3])
        wide.version = 1
        wide.auxInfoType = ("cbcs", 1)
        try BoxRoundTripTests.roundTrip(wide)
    }

    @Test func protectedSampleEntriesKeepTheClearEntry() throws {
        let encv = ProtectedSampleEntry(original: .visual(S.avc1), scheme: Self.sinf)
        #expect(encv.boxType == "encv")
        try BoxRoundTripTests.roundTrip(encv)
        try BoxRoundTripTests.roundTrip(SampleEntry.protected(encv))
        let audioSinf = ProtectionSchemeInfoBox(originalFormat: "mp4a", scheme: "cenc", trackEncryption: Self.cencTenc)
        for audio in [S.mp4a, S.mp4aVersion1] {
            let enca = ProtectedSampleEntry(original: .audio(audio), scheme: audioSinf)
            #expect(enca.boxType == "enca")
            try BoxRoundTripTests.roundTrip(enca)
        }
        // The clear entry's payload is unchanged inside the protected one: only the type and the sinf differ.
        let clear = SampleEntry.visual(S.avc1).encoded()
        let protected = encv.encoded()
        #expect(Array(protected[8..<clear.count]) == Array(clear[8...]))
        #expect(String(decoding: protected[4..<8], as: UTF8.self) == "encv")
        try BoxRoundTripTests.roundTrip(SampleDescriptionBox(entries: [.protected(encv)]))
    }

    static let video = CMAFTrack(timescale: 90_000, codecString: "avc1.64000C", media: .video(avcC: S.avcC, width: 320, height: 180))

    @Test func encryptedInitSegment() throws {
        let clear = CMAFWriter.initSegment(Self.video)
        let tracks = try EncryptedInitSegment.tracks(clear)
        #expect(tracks == [ProtectableTrack(trackID: 1, format: "avc1", isVisual: true, nalLengthSize: 4,
                                            decoderConfiguration: S.avcC, defaultSampleSize: 0)])
        let system = ProtectionSystemHeader(systemID: Array(0..<16), keyIDs: [Self.kid])
        let protection = TrackProtection(scheme: "cbcs", keyID: Self.kid, perSampleIVSize: 0, constantIV: Self.constantIV,
                                         cryptByteBlock: 1, skipByteBlock: 9)
        let encrypted = try EncryptedInitSegment.encrypt(clear, protection: { _ in protection }, systems: [system])
        // Players that read the clear init read this one the same way.
        #expect(try InitSegment.tracks(encrypted) == InitSegment.tracks(clear))
        let top = try Box.children(of: encrypted, in: 0..<encrypted.count, parent: "file")
        let moov = try MovieBox(try top.require("moov", in: ""), in: encrypted)
        #expect(moov.protectionSystems == [ProtectionSystemSpecificHeaderBox(systemID: Array(0..<16), keyIDs: [Self.kid])])
        let entry = try #require(moov.tracks.first?.media.information?.sampleTable.description.entries.first)
        guard case .protected(let protected) = entry else { Issue.record("expected encv, read \(entry.boxType)"); return }
        #expect(protected.scheme.originalFormat.dataFormat == "avc1")
        #expect(protected.scheme.schemeType?.schemeType == "cbcs")
        #expect(protected.scheme.schemeInformation?.trackEncryption == Self.cbcsTenc)
        #expect(throws: MP4Error.self) { try EncryptedInitSegment.tracks(encrypted) }
    }

    /// A stand-in cipher (each protected byte XOR 0x5A) shows where the encryptor was pointed.
    @Test func encryptedMediaSegmentPointsAtItsSencAndSamples() throws {
        let samples = [CMAFSample(duration: 3000, isSync: true, data: Array(repeating: 0x11, count: 100)),
                       CMAFSample(duration: 3000, isSync: false, data: Array(repeating: 0x22, count: 50)),
                       CMAFSample(duration: 3000, isSync: false, data: Array(repeating: 0x33, count: 70))]
        let clear = CMAFWriter.mediaSegment(Self.video, sequenceNumber: 4, baseMediaDecodeTime: 9000, samples: samples)
        let track = try #require(try EncryptedInitSegment.tracks(CMAFWriter.initSegment(Self.video)).first)
        var seen: [Range<Int>] = []
        let encrypted = try EncryptedMediaSegment.encrypt(clear, tracks: [track]) { trackID, bytes, range in
            #expect(trackID == 1)
            seen.append(range)
            for i in range.dropFirst(10) { bytes[i] ^= 0x5A }
            return SampleEncryptionEntry(iv: [UInt8](repeating: UInt8(seen.count), count: 8),
                                         subsamples: [Subsample(clearBytes: 10, protectedBytes: range.count - 10)])
        }
        #expect(seen.map(\.count) == [100, 50, 70])
        let parts = try Box.children(of: encrypted, in: 0..<encrypted.count, parent: "segment")
        #expect(parts.map(\.type) == ["moof", "mdat"])
        let moof = try MovieFragmentBox(parts[0], in: encrypted)
        let traf = try #require(moof.trackFragments.first)
        let senc = try #require(traf.sampleEncryption)
        #expect(senc.entries.map(\.iv) == [[1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 2, 2], [3, 3, 3, 3, 3, 3, 3, 3]])
        #expect(traf.auxiliarySizes == SampleAuxiliaryInformationSizesBox(sizes: [16, 16, 16]))
        // saio counts from the moof to the first senc entry: the first IV is there.
        let saio = try #require(traf.auxiliaryOffsets?.offsets.first)
        #expect(Array(encrypted[(parts[0].offset + Int(saio))..<(parts[0].offset + Int(saio) + 8)]) == [1, 1, 1, 1, 1, 1, 1, 1])
        // The trun points at the mdat payload, which holds the samples with the stand-in cipher applied.
        #expect(traf.runs.first?.dataOffset == Int32(parts[1].payload.lowerBound - parts[0].offset))
        let mdat = Array(encrypted[parts[1].payload])
        var start = 0
        for sample in samples {
            #expect(Array(mdat[start..<(start + 10)]) == Array(sample.data.prefix(10)))
            #expect(mdat[(start + 10)..<(start + sample.data.count)].allSatisfy { $0 == sample.data[0] ^ 0x5A })
            start += sample.data.count
        }
        // The summary a player-side reader makes is unchanged.
        let description = try #require(try InitSegment.tracks(CMAFWriter.initSegment(Self.video)).first)
        var expected = try MediaSegment.summary(clear, track: description)
        expected.size = encrypted.count
        #expect(try MediaSegment.summary(encrypted, track: description) == expected)
        #expect(throws: MP4Error.self) {
            try EncryptedMediaSegment.encrypt(encrypted, tracks: [track]) { _, _, _ in SampleEncryptionEntry(iv: [], subsamples: nil) }
        }
    }
}

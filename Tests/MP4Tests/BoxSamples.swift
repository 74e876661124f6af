@testable import MP4

/// One value of every box type, with fields away from their defaults (version 1 times, optional fields
/// present, unknown children kept) so a round trip exercises every branch of each reader and writer.
enum BoxSamples {
    static let avcC: [UInt8] = [0x01, 0x64, 0x00, 0x0C, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x0C, 0x01, 0x00, 0x02, 0x68, 0xEB]
    static let asc: [UInt8] = [0x12, 0x10]

    static var ftyp: FileTypeBox { FileTypeBox(majorBrand: "iso6", minorVersion: 512, compatibleBrands: ["iso6", "cmfc", "dash", "mp41"]) }

    static var mvhd: MovieHeaderBox {
        var box = MovieHeaderBox(timescale: 1000, nextTrackID: 3)
        box.version = 1
        box.creationTime = 1 << 40
        box.modificationTime = 7
        box.duration = 1 << 35
        box.rate = 0x0002_0000
        box.volume = -0x0100
        box.matrix = TransformationMatrix(values: [1, -2, 3, -4, 5, -6, 7, -8, 9])
        return box
    }

    static var tkhd: TrackHeaderBox {
        var box = TrackHeaderBox(trackID: 2, isAudio: false, width: 1920, height: 1080)
        box.version = 1
        box.creationTime = 1 << 33
        box.duration = 90_000
        box.layer = -1
        box.alternateGroup = 2
        box.widthFixed |= 0x8000  // a half pixel of 16.16
        return box
    }

    static var mdhd: MediaHeaderBox {
        var box = MediaHeaderBox(timescale: 90_000)
        box.version = 1
        box.duration = 1 << 34
        box.packedLanguage = 0x15C7  // "eng"
        return box
    }

    static var hdlr: HandlerBox { HandlerBox(handlerType: "vide", name: "VideoHandler") }
    static var vmhd: VideoMediaHeaderBox {
        var box = VideoMediaHeaderBox()
        box.graphicsMode = 0x40
        box.opColor = [1, 2, 3]
        return box
    }

    static var smhd: SoundMediaHeaderBox {
        var box = SoundMediaHeaderBox()
        box.balance = -256
        return box
    }

    static var url: DataEntryURLBox {
        var box = DataEntryURLBox()
        box.flags = 0
        box.location = "http://example.com/media"
        return box
    }

    static var dref: DataReferenceBox {
        var box = DataReferenceBox(entries: [DataEntryURLBox(), url])
        box.others = [RawBox(type: "urn ", payload: [0, 0, 0, 0, 0x61, 0])]
        return box
    }

    static var dinf: DataInformationBox { DataInformationBox(reference: dref) }
    static var stts: TimeToSampleBox { TimeToSampleBox(entries: [.init(sampleCount: 10, sampleDelta: 3600), .init(sampleCount: 1, sampleDelta: 3000)]) }
    static var stsc: SampleToChunkBox { SampleToChunkBox(entries: [.init(firstChunk: 1, samplesPerChunk: 5, sampleDescriptionIndex: 1)]) }
    static var stszTable: SampleSizeBox { SampleSizeBox(sampleSize: 0, sampleCount: 3, sizes: [100, 200, 300]) }
    static var stszFixed: SampleSizeBox { SampleSizeBox(sampleSize: 512, sampleCount: 9, sizes: []) }
    static var stco: ChunkOffsetBox { ChunkOffsetBox(offsets: [48, 4096, 1 << 31]) }
    static var avcCBox: AVCConfigurationBox { AVCConfigurationBox(record: avcC) }

    static var avc1: VisualSampleEntry {
        var box = VisualSampleEntry(width: 1280, height: 720, configuration: avcCBox)
        box.compressorName = [4] + Array("x264".utf8) + [UInt8](repeating: 0, count: 27)
        box.others = [RawBox(type: "pasp", payload: [0, 0, 0, 64, 0, 0, 0, 45])]
        return box
    }

    static var avc3: VisualSampleEntry {
        var box = avc1
        box.type = "avc3"
        box.others = []
        return box
    }

    static var esds: ElementaryStreamDescriptorBox {
        var box = ElementaryStreamDescriptorBox(audioSpecificConfig: asc, averageBitrate: 128_000)
        box.esID = 2
        box.streamPriority = 3
        box.dependsOnESID = 1
        box.url = Array("rtsp://x".utf8)
        box.ocrESID = 4
        box.bufferSizeDB = 6144
        box.maxBitrate = 160_000
        // A 200-byte DecoderSpecificInfo needs a two-byte descriptor size.
        box.decoderSpecificInfo = asc + [UInt8](repeating: 0xAB, count: 198)
        return box
    }

    static var mp4a: AudioSampleEntry {
        var box = AudioSampleEntry(channels: 6, sampleRate: 48000, descriptor: ElementaryStreamDescriptorBox(audioSpecificConfig: asc))
        box.others = [RawBox(type: "btrt", payload: [UInt8](repeating: 1, count: 12))]
        return box
    }

    static var mp4aVersion1: AudioSampleEntry {
        var box = mp4a
        box.soundVersion = 1
        box.soundVersionExtension = Array(1...16)
        return box
    }

    static var stsd: SampleDescriptionBox { SampleDescriptionBox(entries: [.visual(avc1), .other(RawBox(type: "hvc1", payload: [1, 2, 3]))]) }

    static var stbl: SampleTableBox {
        var box = SampleTableBox(fragmentedWith: .audio(mp4a))
        box.timeToSample = stts
        box.sampleToChunk = stsc
        box.sampleSize = stszTable
        box.chunkOffset = stco
        box.others = [RawBox(type: "sgpd", payload: [0, 0, 0, 0])]
        return box
    }

    static var minf: MediaInformationBox {
        MediaInformationBox(videoHeader: vmhd, dataInformation: dinf, sampleTable: SampleTableBox(fragmentedWith: .visual(avc1)))
    }

    static var mdia: MediaBox { MediaBox(header: mdhd, handler: hdlr, information: minf) }

    static var trak: TrackBox {
        var box = TrackBox(header: tkhd, media: mdia)
        box.others = [RawBox(type: "edts", payload: [])]
        return box
    }

    static var trex: TrackExtendsBox {
        var box = TrackExtendsBox(trackID: 2)
        box.defaultSampleDuration = 1024
        box.defaultSampleSize = 371
        box.defaultSampleFlags = TrackRunBox.nonSyncSampleFlags
        return box
    }

    static var mvex: MovieExtendsBox {
        var box = MovieExtendsBox(trackExtends: [TrackExtendsBox(trackID: 1), trex])
        box.others = [RawBox(type: "mehd", payload: [0, 0, 0, 0, 0, 0, 1, 0])]
        return box
    }

    static var moov: MovieBox {
        var box = MovieBox(header: mvhd, tracks: [trak, trak], extends: mvex)
        box.others = [RawBox(type: "udta", payload: [])]
        return box
    }

    static var mfhd: MovieFragmentHeaderBox { MovieFragmentHeaderBox(sequenceNumber: 42) }

    static var tfhd: TrackFragmentHeaderBox {
        var box = TrackFragmentHeaderBox(trackID: 1, defaultBaseIsMoof: false)
        box.baseDataOffset = 1 << 40
        box.sampleDescriptionIndex = 1
        box.defaultSampleDuration = 512
        box.defaultSampleSize = 99
        box.defaultSampleFlags = TrackRunBox.syncSampleFlags
        box.durationIsEmpty = true
        return box
    }

    static var tfdt: TrackFragmentDecodeTimeBox { TrackFragmentDecodeTimeBox(baseMediaDecodeTime: 1 << 33) }

    static var tfdtVersion0: TrackFragmentDecodeTimeBox {
        var box = TrackFragmentDecodeTimeBox(baseMediaDecodeTime: 1 << 31)
        box.version = 0
        return box
    }

    static var trun: TrackRunBox {
        TrackRunBox(fields: [.duration, .size, .flags, .compositionTimeOffset], samples: [
            .init(duration: 3600, size: 5, flags: TrackRunBox.syncSampleFlags, compositionTimeOffset: 7200),
            .init(duration: 3600, size: 6, flags: TrackRunBox.nonSyncSampleFlags, compositionTimeOffset: -3600),
        ], dataOffset: 120)
    }

    static var trunDefaults: TrackRunBox {
        var box = TrackRunBox(fields: [], samples: [], dataOffset: nil)
        box.version = 0
        box.sampleCount = 25
        box.firstSampleFlags = TrackRunBox.syncSampleFlags
        return box
    }

    static var trunSizesOnly: TrackRunBox { TrackRunBox(fields: [.size], samples: [.init(size: 10), .init(size: 20)], dataOffset: -8) }

    static var traf: TrackFragmentBox {
        var box = TrackFragmentBox(header: tfhd, decodeTime: tfdt, runs: [trun, trunDefaults])
        box.others = [RawBox(type: "sbgp", payload: [0, 0, 0, 0])]
        return box
    }

    static var moof: MovieFragmentBox {
        var box = MovieFragmentBox(header: mfhd, trackFragments: [traf, traf])
        box.others = [RawBox(type: "pssh", payload: [0, 0, 0, 0])]
        return box
    }

    static var mdat: MediaDataBox { MediaDataBox(data: [0, 0, 0, 1, 0x65, 0x88]) }
    static var raw: RawBox { RawBox(type: "free", payload: [1, 2, 3]) }
}

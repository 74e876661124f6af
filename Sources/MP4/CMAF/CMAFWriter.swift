/// Builds CMAF init segments (`ftyp` + `moov`) and media segments (`moof` + `mdat`) for one track, from
/// the box values of this target.
public enum CMAFWriter {
    public static func initSegment(_ track: CMAFTrack) -> [UInt8] {
        var out = FileTypeBox(majorBrand: "iso6", compatibleBrands: ["iso6", "cmfc", "dash", "mp41"]).encoded()
        MovieBox(header: MovieHeaderBox(timescale: 1000, nextTrackID: track.trackID + 1),
                 tracks: [trackBox(track)],
                 extends: MovieExtendsBox(trackExtends: [TrackExtendsBox(trackID: track.trackID)])).write(to: &out)
        return out
    }

    static func trackBox(_ track: CMAFTrack) -> TrackBox {
        let entry: SampleEntry
        var width = 0, height = 0
        switch track.media {
        case .video(let avcC, let w, let h):
            (width, height) = (w, h)
            entry = .visual(VisualSampleEntry(width: w, height: h, configuration: AVCConfigurationBox(record: avcC)))
        case .audio(let asc, let channels, let sampleRate):
            entry = .audio(AudioSampleEntry(channels: channels, sampleRate: sampleRate,
                                            descriptor: ElementaryStreamDescriptorBox(audioSpecificConfig: asc)))
        }
        let isAudio = track.isAudio
        let information = MediaInformationBox(
            videoHeader: isAudio ? nil : VideoMediaHeaderBox(), soundHeader: isAudio ? SoundMediaHeaderBox() : nil,
            dataInformation: DataInformationBox(reference: DataReferenceBox(entries: [DataEntryURLBox()])),
            sampleTable: SampleTableBox(fragmentedWith: entry))
        let media = MediaBox(header: MediaHeaderBox(timescale: track.timescale),
                             handler: HandlerBox(handlerType: isAudio ? "soun" : "vide", name: isAudio ? "SoundHandler" : "VideoHandler"),
                             information: information)
        return TrackBox(header: TrackHeaderBox(trackID: track.trackID, isAudio: isAudio, width: width, height: height), media: media)
    }

    /// One fragment holding every sample of the segment; `sequenceNumber` is the segment number.
    public static func mediaSegment(_ track: CMAFTrack, sequenceNumber: UInt32, baseMediaDecodeTime: UInt64,
                                    samples: [CMAFSample]) -> [UInt8] {
        let segment = mediaSegment(track, sequenceNumber: sequenceNumber, baseMediaDecodeTime: baseMediaDecodeTime,
                                   entries: samples.map(\.entry)) { out in
            for sample in samples { out += sample.data }
            return true
        }
        return segment!  // never nil: the sizes are these samples' own
    }

    /// The same from sample descriptions, with `payload` appending their bytes back to back in order
    /// (straight from wherever they wait: no intermediate copy, a segment is megabytes). Nil when
    /// `payload` fails or appends a different number of bytes than the sizes add up to.
    public static func mediaSegment(_ track: CMAFTrack, sequenceNumber: UInt32, baseMediaDecodeTime: UInt64, entries: [CMAFSampleEntry],
                                    payload: (inout [UInt8]) -> Bool) -> [UInt8]? {
        let size = entries.reduce(0) { $0 + Int($1.size) }
        var out = mediaSegmentHeader(track, sequenceNumber: sequenceNumber, baseMediaDecodeTime: baseMediaDecodeTime,
                                     entries: entries, reservingPayload: true)
        let expected = out.count + size
        guard payload(&out), out.count == expected else { return nil }
        return out
    }

    /// A media segment's bytes before its samples: the `moof` and the `mdat` header. The samples follow
    /// back to back, in `entries`' order and sizes (a live segment's stay in their spool file and are
    /// copied after this header file to file). `reservingPayload` sizes the array for them too.
    public static func mediaSegmentHeader(_ track: CMAFTrack, sequenceNumber: UInt32, baseMediaDecodeTime: UInt64,
                                          entries: [CMAFSampleEntry], reservingPayload: Bool = false) -> [UInt8] {
        let size = entries.reduce(0) { $0 + Int($1.size) }
        var moof = fragment(track, sequenceNumber: sequenceNumber, baseMediaDecodeTime: baseMediaDecodeTime, entries: entries)
        // The trun's data offset points past the moof and the mdat header: size the moof first (the
        // offset field is there either way, so setting it does not change the size).
        let moofSize = moof.encoded().count
        moof.trackFragments[0].runs[0].dataOffset = Int32(moofSize + 8)
        var out: [UInt8] = []
        out.reserveCapacity(moofSize + 8 + (reservingPayload ? size : 0))
        moof.write(to: &out)
        MediaDataBox.appendHeader(payloadSize: size, to: &out)
        return out
    }

    /// `moof` with `mfhd` and one `traf` (`tfhd` with default-base-is-moof, `tfdt` version 1, `trun`
    /// version 1 with every per-sample field) describing every sample.
    static func fragment(_ track: CMAFTrack, sequenceNumber: UInt32, baseMediaDecodeTime: UInt64,
                         entries: [CMAFSampleEntry]) -> MovieFragmentBox {
        let samples = entries.map {
            TrackRunBox.Sample(duration: $0.duration, size: $0.size,
                               flags: $0.isSync ? TrackRunBox.syncSampleFlags : TrackRunBox.nonSyncSampleFlags,
                               compositionTimeOffset: $0.compositionOffset)
        }
        let run = TrackRunBox(fields: [.duration, .size, .flags, .compositionTimeOffset], samples: samples, dataOffset: 0)
        let traf = TrackFragmentBox(header: TrackFragmentHeaderBox(trackID: track.trackID, defaultBaseIsMoof: true),
                                    decodeTime: TrackFragmentDecodeTimeBox(baseMediaDecodeTime: baseMediaDecodeTime), runs: [run])
        return MovieFragmentBox(header: MovieFragmentHeaderBox(sequenceNumber: sequenceNumber), trackFragments: [traf])
    }
}

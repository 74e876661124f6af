/// Builds CMAF init segments (`ftyp` + `moov`) and media segments (`moof` + `mdat`) for one track.
public enum CMAFWriter {
    public static func initSegment(_ track: CMAFTrack) -> [UInt8] {
        let sampleEntry: [UInt8]
        var width = 0, height = 0
        switch track.media {
        case .video(let config, let w, let h):
            width = w
            height = h
            sampleEntry = VisualSampleEntry.avc1(avcC: config.record, width: w, height: h)
        case .audio(let asc):
            sampleEntry = AudioSampleEntry.mp4a(asc: asc)
        }
        let trak = Box.box("trak", children: [
            TrackHeaderBox.encode(trackID: track.trackID, isAudio: track.isAudio, width: width, height: height),
            MediaBox.encode(timescale: track.timescale, isAudio: track.isAudio, sampleEntry: sampleEntry),
        ])
        let moov = Box.box("moov", children: [
            MovieHeaderBox.encode(timescale: 1000, nextTrackID: track.trackID + 1),
            trak,
            MovieExtendsBox.encode(trackID: track.trackID),
        ])
        return FileTypeBox.encode() + moov
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
    static func mediaSegment(_ track: CMAFTrack, sequenceNumber: UInt32, baseMediaDecodeTime: UInt64, entries: [CMAFSampleEntry],
                             payload: (inout [UInt8]) -> Bool) -> [UInt8]? {
        let size = entries.reduce(0) { $0 + Int($1.size) }
        var out = MovieFragmentBox.encode(sequenceNumber: sequenceNumber, trackID: track.trackID,
                                          baseMediaDecodeTime: baseMediaDecodeTime, samples: entries, reserving: 8 + size)
        MediaDataBox.appendHeader(payloadSize: size, to: &out)
        let expected = out.count + size
        guard payload(&out), out.count == expected else { return nil }
        return out
    }
}

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
    /// Built in one allocation: a segment is megabytes, and every intermediate copy is as large.
    public static func mediaSegment(_ track: CMAFTrack, sequenceNumber: UInt32, baseMediaDecodeTime: UInt64,
                                    samples: [CMAFSample]) -> [UInt8] {
        var out = MovieFragmentBox.encode(sequenceNumber: sequenceNumber, trackID: track.trackID,
                                          baseMediaDecodeTime: baseMediaDecodeTime, samples: samples)
        MediaDataBox.append(samples, to: &out)
        return out
    }
}

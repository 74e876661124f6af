import MediaCore

/// What an init segment (`ftyp` + `moov`) says about one track: everything a `Rendition` needs that is
/// not measured from the media segments.
public struct TrackDescription: Hashable, Sendable {
    public var trackID: UInt32
    public var kind: MediaKind
    /// `mdhd` timescale: ticks per second of tfdt and trun times.
    public var timescale: UInt32
    public var codecs: String
    public var width: Int?
    public var height: Int?
    public var sampleRate: Int?
    public var channels: Int?
    /// ISO 639-2 code from `mdhd`, nil when `und`.
    public var language: String?
    /// `trex` defaults, used when a fragment does not state a sample's duration or flags.
    public var defaultSampleDuration: UInt32
    public var defaultSampleFlags: UInt32
}

/// Reads the tracks of a CMAF init segment (ISO/IEC 14496-12 `moov` → `trak` → `mdia` → `stbl` → `stsd`,
/// and `mvex` → `trex`).
public enum InitSegment {
    public static func tracks(_ bytes: [UInt8]) throws -> [TrackDescription] {
        let top = try Box.children(of: bytes, in: 0..<bytes.count, parent: "file")
        if let ftyp = top.first("ftyp") { _ = try FileTypeBox(ftyp, in: bytes) }
        let moov = try MovieBox(try top.require("moov", in: ""), in: bytes)
        var trexByTrack: [UInt32: TrackExtendsBox] = [:]
        for trex in moov.extends?.trackExtends ?? [] { trexByTrack[trex.trackID] = trex }
        let tracks = try moov.tracks.compactMap { try describe($0, trex: trexByTrack[$0.header.trackID]) }
        guard !tracks.isEmpty else { throw MP4Error.missingBox(path: "moov/trak (video or audio)") }
        return tracks
    }

    /// One `trak`, or nil for tracks that are neither video nor sound (timed metadata, subtitles).
    private static func describe(_ trak: TrackBox, trex defaults: TrackExtendsBox?) throws -> TrackDescription? {
        let tkhd = trak.header, mdhd = trak.media.header, handler = trak.media.handler.handlerType
        guard handler == "vide" || handler == "soun" else { return nil }
        guard let minf = trak.media.information else { throw MP4Error.missingBox(path: "moov/trak/mdia/minf") }
        guard var entry = minf.sampleTable.description.entries.first else {
            throw MP4Error.malformed(box: "stsd", reason: "no sample entry")
        }
        // An encrypted track describes itself by its clear entry (the codec is the same).
        if case .protected(let protected) = entry { entry = protected.original }
        var track = TrackDescription(
            trackID: tkhd.trackID, kind: handler == "vide" ? .video : .audio,
            timescale: mdhd.timescale, codecs: "",
            language: mdhd.language == "und" ? nil : mdhd.language,
            defaultSampleDuration: defaults?.defaultSampleDuration ?? 0,
            defaultSampleFlags: defaults?.defaultSampleFlags ?? 0)
        switch entry {
        case .visual(let entry):
            guard track.kind == .video else { throw MP4Error.malformed(box: "hdlr", reason: "sound handler with a video sample entry") }
            guard let codecs = entry.configuration.codecString else {
                throw MP4Error.malformed(box: "avcC", reason: "not an AVCDecoderConfigurationRecord (version 1, 4+ bytes)")
            }
            // avc3 keeps parameter sets in band; the codec string names the sample entry type.
            track.codecs = entry.type == "avc3" ? "avc3" + codecs.dropFirst(4) : codecs
            // tkhd holds the display size (pixel aspect applied); fall back to the coded size.
            track.width = tkhd.width > 0 ? tkhd.width : Int(entry.width)
            track.height = tkhd.height > 0 ? tkhd.height : Int(entry.height)
        case .audio(let entry):
            guard track.kind == .audio else { throw MP4Error.malformed(box: "hdlr", reason: "video handler with an audio sample entry") }
            guard let codecs = CodecString.mp4a(audioSpecificConfig: entry.descriptor.decoderSpecificInfo) else {
                throw MP4Error.malformed(box: "esds", reason: "AudioSpecificConfig has no audio object type")
            }
            track.codecs = codecs
            track.channels = Int(entry.channelCount)
            track.sampleRate = entry.sampleRate > 0 ? entry.sampleRate : Int(mdhd.timescale)
        case .other, .protected:
            throw MP4Error.unsupportedSampleEntry(fourCC: entry.boxType)
        }
        return track
    }
}

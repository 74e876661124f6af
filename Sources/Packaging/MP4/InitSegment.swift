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
        let moov = try top.require("moov", in: "")
        let moovChildren = try moov.children(bytes)
        if let mvhd = moovChildren.first("mvhd") { _ = try MovieHeaderBox(mvhd, in: bytes) }
        var trexByTrack: [UInt32: TrackExtendsBox] = [:]
        if let mvex = moovChildren.first("mvex") {
            for box in try mvex.children(bytes) where box.type == "trex" {
                let trex = try TrackExtendsBox(box, in: bytes)
                trexByTrack[trex.trackID] = trex
            }
        }
        var tracks: [TrackDescription] = []
        for trak in moovChildren where trak.type == "trak" {
            if let track = try describe(trak, in: bytes, trex: trexByTrack) { tracks.append(track) }
        }
        guard !tracks.isEmpty else { throw PackagingError.missingBox(path: "moov/trak (video or audio)") }
        return tracks
    }

    /// One `trak`, or nil for tracks that are neither video nor sound (timed metadata, subtitles).
    private static func describe(_ trak: Box, in bytes: [UInt8], trex: [UInt32: TrackExtendsBox]) throws -> TrackDescription? {
        let children = try trak.children(bytes)
        let tkhd = try TrackHeaderBox(try children.require("tkhd", in: "moov/trak"), in: bytes)
        let mdia = try children.require("mdia", in: "moov/trak").children(bytes)
        let mdhd = try MediaHeaderBox(try mdia.require("mdhd", in: "moov/trak/mdia"), in: bytes)
        let hdlr = try HandlerBox(try mdia.require("hdlr", in: "moov/trak/mdia"), in: bytes)
        guard hdlr.handlerType == "vide" || hdlr.handlerType == "soun" else { return nil }
        let minf = try mdia.require("minf", in: "moov/trak/mdia").children(bytes)
        let stbl = try minf.require("stbl", in: "moov/trak/mdia/minf").children(bytes)
        let stsd = try SampleDescriptionBox(try stbl.require("stsd", in: "moov/trak/mdia/minf/stbl"), in: bytes)
        let defaults = trex[tkhd.trackID]
        var track = TrackDescription(
            trackID: tkhd.trackID, kind: hdlr.handlerType == "vide" ? .video : .audio,
            timescale: mdhd.timescale, codecs: "",
            language: mdhd.language == "und" ? nil : mdhd.language,
            defaultSampleDuration: defaults?.defaultSampleDuration ?? 0,
            defaultSampleFlags: defaults?.defaultSampleFlags ?? 0)
        switch stsd.entry {
        case .video(let entry):
            guard track.kind == .video else { throw PackagingError.malformed(box: "hdlr", reason: "sound handler with a video sample entry") }
            track.codecs = entry.codecs
            // tkhd holds the display size (pixel aspect applied); fall back to the coded size.
            track.width = tkhd.width > 0 ? tkhd.width : entry.width
            track.height = tkhd.height > 0 ? tkhd.height : entry.height
        case .audio(let entry):
            guard track.kind == .audio else { throw PackagingError.malformed(box: "hdlr", reason: "video handler with an audio sample entry") }
            track.codecs = entry.codecs
            track.channels = entry.channels
            track.sampleRate = entry.sampleRate > 0 ? entry.sampleRate : Int(mdhd.timescale)
        }
        return track
    }
}

/// `stsd`: the codec description of a track (ISO/IEC 14496-12 §8.5.2). We read its first entry, which
/// is the only one CMAF allows.
struct SampleDescriptionBox {
    var entry: SampleEntry

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        _ = try r.fullBoxHeader()
        let count = try r.u32()
        guard count >= 1 else { throw PackagingError.malformed(box: "stsd", reason: "no sample entry") }
        let entries = try Box.children(of: bytes, in: r.position..<r.end, parent: "stsd")
        guard let first = entries.first else { throw PackagingError.malformed(box: "stsd", reason: "no sample entry") }
        entry = try SampleEntry(first, in: bytes)
    }
}

/// The first sample entry of a track: what the codec string, picture size and sound format come from.
enum SampleEntry {
    case video(VisualSampleEntry)
    case audio(AudioSampleEntry)

    init(_ box: Box, in bytes: [UInt8]) throws {
        switch box.type {
        case "avc1", "avc3": self = .video(try VisualSampleEntry(box, in: bytes))
        case "mp4a": self = .audio(try AudioSampleEntry(box, in: bytes))
        default: throw PackagingError.unsupportedSampleEntry(fourCC: box.type)
        }
    }
}

/// One entry of `stsd`: what the codec string, picture size and sound format come from. Entries we do not
/// model (other codecs, text) are kept whole; the init-segment reader refuses them for video and sound.
/// Common Encryption's `encv`/`enca` entries wrap one of these with a `sinf`.
enum SampleEntry: MP4Box {
    case visual(VisualSampleEntry)
    case audio(AudioSampleEntry)
    indirect case protected(ProtectedSampleEntry)
    case other(RawBox)

    var boxType: String {
        switch self {
        case .visual(let entry): return entry.boxType
        case .audio(let entry): return entry.boxType
        case .protected(let entry): return entry.boxType
        case .other(let raw): return raw.boxType
        }
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        switch box.type {
        case "avc1", "avc3": self = .visual(try VisualSampleEntry(box, in: bytes))
        case "mp4a": self = .audio(try AudioSampleEntry(box, in: bytes))
        case "encv", "enca": self = .protected(try ProtectedSampleEntry(box, in: bytes))
        default: self = .other(try RawBox(box, in: bytes))
        }
    }

    func writePayload(to out: inout [UInt8]) {
        switch self {
        case .visual(let entry): entry.writePayload(to: &out)
        case .audio(let entry): entry.writePayload(to: &out)
        case .protected(let entry): entry.writePayload(to: &out)
        case .other(let raw): raw.writePayload(to: &out)
        }
    }
}

/// `encv`/`enca` (ISO/IEC 14496-12 §8.12, ISO/IEC 23001-7 §4): a sample entry whose samples are
/// encrypted. It is the clear entry's payload unchanged, renamed, with a `sinf` appended whose `frma`
/// names the clear type, so a reader without the key still sees the codec configuration.
struct ProtectedSampleEntry: MP4Box {
    /// The entry as it was before protection (its own type is `sinf.originalFormat`).
    var original: SampleEntry
    var scheme: ProtectionSchemeInfoBox

    /// `encv` for visual entries, `enca` for sound.
    var boxType: String { Self.protectedType(of: original) }

    init(original: SampleEntry, scheme: ProtectionSchemeInfoBox) {
        self.original = original
        self.scheme = scheme
    }

    static func protectedType(of entry: SampleEntry) -> String {
        switch entry {
        case .visual: return "encv"
        case .audio: return "enca"
        case .other(let raw): return ["avc1", "avc3", "hvc1", "hev1", "vp09", "av01"].contains(raw.type) ? "encv" : "enca"
        case .protected(let inner): return inner.boxType
        }
    }

    init(_ box: Box, in bytes: [UInt8]) throws {
        let fields = try Self.fieldsLength(box, in: bytes)
        let children = try Box.children(of: bytes, in: (box.payload.lowerBound + fields)..<box.payload.upperBound, parent: box.type)
        let sinf = try children.require("sinf", in: box.type)
        scheme = try ProtectionSchemeInfoBox(sinf, in: bytes)
        // The clear entry: the same payload without the sinf, under the type frma names.
        var clear: [UInt8] = []
        clear.appendBigEndian(UInt32(0))
        clear.appendFourCC(scheme.originalFormat.dataFormat)
        clear += bytes[box.payload.lowerBound..<(box.payload.lowerBound + fields)]
        for child in children where child.offset != sinf.offset { clear += bytes[child.offset..<child.payload.upperBound] }
        clear.patchBigEndian(UInt32(truncatingIfNeeded: clear.count), at: 0)
        original = try SampleEntry.decode(clear)
    }

    /// The sample entry's fixed fields before its child boxes: 78 bytes for visual entries, 28 for sound
    /// (16 or 36 more for QuickTime sound descriptions version 1 or 2).
    private static func fieldsLength(_ box: Box, in bytes: [UInt8]) throws -> Int {
        guard box.type == "enca" else { return 78 }
        var r = box.reader(bytes)
        try r.skip(8)
        switch try r.u16() {
        case 0: return 28
        case 1: return 44
        case 2: return 64
        case let version: throw MP4Error.malformed(box: "enca", reason: "unknown sound description version \(version)")
        }
    }

    func writePayload(to out: inout [UInt8]) {
        original.writePayload(to: &out)
        scheme.write(to: &out)
    }
}

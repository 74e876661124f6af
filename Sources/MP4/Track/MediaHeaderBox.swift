/// `mdhd` (ISO/IEC 14496-12 §8.4.2): the track's media timescale and language. Every tfdt/trun time of
/// the track counts in this timescale.
struct MediaHeaderBox: MP4Box {
    var version: UInt8 = 0
    var creationTime: UInt64 = 0
    var modificationTime: UInt64 = 0
    var timescale: UInt32
    var duration: UInt64 = 0
    /// ISO 639-2/T code packed as three 5-bit letters, each stored as (letter - 0x60); 0x55C4 is `und`.
    var packedLanguage: UInt16 = 0x55C4

    var boxType: String { "mdhd" }

    /// The language code, e.g. `eng`; `und` when unspecified or not three lowercase letters.
    var language: String {
        let letters = [(packedLanguage >> 10) & 0x1F, (packedLanguage >> 5) & 0x1F, packedLanguage & 0x1F].map { UInt8($0) + 0x60 }
        return letters.allSatisfy { (0x61...0x7A).contains($0) } ? String(decoding: letters, as: UTF8.self) : "und"
    }

    init(timescale: UInt32) { self.timescale = timescale }

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (version, _) = try r.fullBoxHeader()
        (creationTime, modificationTime, timescale, duration) = try r.headerTimes(version)
        guard timescale > 0 else { throw MP4Error.malformed(box: "mdhd", reason: "timescale is 0") }
        packedLanguage = try r.u16()
    }

    func writePayload(to out: inout [UInt8]) {
        out.appendFullBoxHeader(version: version, flags: 0)
        out.appendHeaderTimes((creationTime, modificationTime, timescale, duration), version: version)
        out.appendBigEndian(packedLanguage)
        out.appendBigEndian(UInt16(0))  // pre_defined
    }
}

/// `mdhd`: the track's media timescale and language (ISO/IEC 14496-12 §8.4.2). Every tfdt/trun time of the
/// track counts in this timescale.
struct MediaHeaderBox {
    var timescale: UInt32
    var duration: UInt64
    /// ISO 639-2/T code, e.g. `eng`; `und` when unspecified.
    var language: String

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (timescale, duration) = try r.headerTimescaleAndDuration()
        guard timescale > 0 else { throw PackagingError.malformed(box: "mdhd", reason: "timescale is 0") }
        let packed = try r.u16()
        // Three 5-bit letters, each stored as (letter - 0x60).
        let letters = [(packed >> 10) & 0x1F, (packed >> 5) & 0x1F, packed & 0x1F].map { UInt8($0) + 0x60 }
        language = letters.allSatisfy { (0x61...0x7A).contains($0) } ? String(decoding: letters, as: UTF8.self) : "und"
    }
}

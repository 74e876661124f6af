/// `mvhd`: the movie timescale (ISO/IEC 14496-12 §8.2.2). Media times use `mdhd`; this is kept for checks.
struct MovieHeaderBox {
    var timescale: UInt32
    var duration: UInt64

    init(_ box: Box, in bytes: [UInt8]) throws {
        var r = box.reader(bytes)
        (timescale, duration) = try r.headerTimescaleAndDuration()
    }
}

extension ByteReader {
    /// The common start of `mvhd` and `mdhd` after their box header: version, flags, creation and
    /// modification times (32 or 64 bits by version), timescale, duration (likewise).
    mutating func headerTimescaleAndDuration() throws -> (timescale: UInt32, duration: UInt64) {
        let (version, _) = try fullBoxHeader()
        if version == 1 {
            try skip(16)
            return (try u32(), try u64())
        }
        try skip(8)
        return (try u32(), UInt64(try u32()))
    }
}

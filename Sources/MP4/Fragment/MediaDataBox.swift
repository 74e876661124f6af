/// `mdat` (ISO/IEC 14496-12 §8.1.1): the samples' bytes back to back, in `trun` order.
struct MediaDataBox: MP4Box {
    var data: [UInt8]

    var boxType: String { "mdat" }

    init(data: [UInt8]) { self.data = data }

    init(_ box: Box, in bytes: [UInt8]) throws {
        data = Array(bytes[box.payload])
    }

    func writePayload(to out: inout [UInt8]) { out += data }

    /// The box header for `payloadSize` bytes of samples; the caller appends the bytes after it (straight
    /// from wherever they wait: a segment is megabytes, so no intermediate `MediaDataBox` value).
    static func appendHeader(payloadSize: Int, to out: inout [UInt8]) {
        out.appendBigEndian(UInt32(truncatingIfNeeded: 8 + payloadSize))
        out.appendFourCC("mdat")
    }
}

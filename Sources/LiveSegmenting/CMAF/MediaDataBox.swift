/// `mdat`: the samples' bytes back to back, in trun order.
enum MediaDataBox {
    /// The box header for `payloadSize` bytes of samples; the caller appends the bytes after it.
    static func appendHeader(payloadSize: Int, to out: inout [UInt8]) {
        out.appendBigEndian(UInt32(8 + payloadSize))
        out += Box.fourCC("mdat")
    }
}

/// `mdat`: the samples' bytes back to back, in trun order.
enum MediaDataBox {
    /// Appends the box to `out` (after the moof), growing it once.
    static func append(_ samples: [CMAFSample], to out: inout [UInt8]) {
        let payload = samples.reduce(0) { $0 + $1.data.count }
        out.reserveCapacity(out.count + 8 + payload)
        out.appendBigEndian(UInt32(8 + payload))
        out += Box.fourCC("mdat")
        for sample in samples { out += sample.data }
    }
}

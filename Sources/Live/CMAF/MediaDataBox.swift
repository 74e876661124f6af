/// `mdat`: the samples' bytes back to back, in trun order.
enum MediaDataBox {
    static func encode(_ samples: [CMAFSample]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + samples.reduce(0) { $0 + $1.data.count })
        out.appendBigEndian(UInt32(8 + samples.reduce(0) { $0 + $1.data.count }))
        out += Box.fourCC("mdat")
        for sample in samples { out += sample.data }
        return out
    }
}

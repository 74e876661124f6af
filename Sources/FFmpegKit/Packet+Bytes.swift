import CFFmpeg

extension Packet {
    /// The packet's payload, copied out of FFmpeg's buffer (safe to keep after `unref`).
    public var bytes: [UInt8] {
        guard let data = pointer.pointee.data, pointer.pointee.size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(pointer.pointee.size)))
    }
}

extension Packet {
    /// Drops the first `count` bytes of the payload in place (an ADTS header before raw AAC): the packet
    /// then points further into the same buffer, nothing is copied.
    public func dropLeadingBytes(_ count: Int) {
        let n = Int32(clamping: max(0, min(count, size)))
        guard n > 0, let data = pointer.pointee.data else { return }
        pointer.pointee.data = data + Int(n)
        pointer.pointee.size -= n
    }
}

import CFFmpeg

extension Packet {
    /// The packet's payload, copied out of FFmpeg's buffer (safe to keep after `unref`).
    public var bytes: [UInt8] {
        guard let data = pointer.pointee.data, pointer.pointee.size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(pointer.pointee.size)))
    }
}

import CFFmpeg

/// An owned `AVPacket`, freed exactly once in `deinit`.
public final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    public init() {
        guard let packet = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }

    public var streamIndex: Int { Int(pointer.pointee.stream_index) }
    public var pts: Int64? { pointer.pointee.pts == MS_AV_NOPTS_VALUE ? nil : pointer.pointee.pts }
    public var dts: Int64? { pointer.pointee.dts == MS_AV_NOPTS_VALUE ? nil : pointer.pointee.dts }
    public var duration: Int64 { pointer.pointee.duration }
    public var size: Int { Int(pointer.pointee.size) }
    public var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }

    /// Drops the payload so the packet can be filled again (av_read_frame, avcodec_receive_packet).
    public func unref() { av_packet_unref(pointer) }
}

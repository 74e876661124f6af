import CFFmpeg
import Foundation
import MediaCore

/// A live network input (`srt://…?mode=listener`, `udp://…`) demuxed by libavformat, packet by packet.
///
/// Unlike `InputFile` it does not probe the whole stream first (that would hold back the first segment
/// by seconds): streams are described as their packets arrive. Blocking waits (for a caller to connect,
/// for the next packet) end when the `Cancellation` is triggered, through libavformat's interrupt callback.
public final class NetworkInput {
    /// A thread-safe flag libavformat polls while it blocks.
    public final class Cancellation: @unchecked Sendable {
        private let lock = NSLock()
        private var cancelled = false

        public init() {}

        public func cancel() { lock.withLock { cancelled = true } }
        public var isCancelled: Bool { lock.withLock { cancelled } }
    }

    /// What a stream carries, for the packets that name it by index.
    public struct StreamInfo: Sendable, Equatable {
        public var index: Int
        public var kind: MediaKind?
        /// libavcodec's short codec name (`h264`, `aac`, …).
        public var codec: String
        public var timeBase: Rational
    }

    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let cancellation: Cancellation
    public let url: String

    /// Opens `url` with libavformat `options` (e.g. `passphrase`, `latency`); for a listener this waits
    /// until a caller connects or `cancellation` fires.
    public init(url: String, options: [String: String] = [:], cancellation: Cancellation) throws(FFmpegError) {
        self.url = url
        self.cancellation = cancellation
        FFmpegLog.installCallback()
        FFmpegLog.clearLastError()
        guard var ctx = avformat_alloc_context() else {
            throw FFmpegError(call: "avformat_alloc_context", code: MS_AVERROR_ENOMEM, subject: url)
        }
        ctx.pointee.interrupt_callback = AVIOInterruptCB(callback: networkInputInterrupted,
                                                         opaque: Unmanaged.passUnretained(cancellation).toOpaque())
        var dictionary: OpaquePointer?
        for (key, value) in options { av_dict_set(&dictionary, key, value, 0) }
        var opening: UnsafeMutablePointer<AVFormatContext>? = ctx
        let opened = avformat_open_input(&opening, url, nil, &dictionary)
        av_dict_free(&dictionary)
        if opened < 0 {
            // avformat_open_input frees the context on failure.
            throw FFmpegError(call: "avformat_open_input", code: opened, subject: url, detail: FFmpegLog.lastError())
        }
        ctx = opening!
        context = ctx
    }

    deinit {
        avformat_close_input(&context)
    }

    private var formatContext: UnsafeMutablePointer<AVFormatContext> {
        guard let context else { preconditionFailure("NetworkInput used after close") }
        return context
    }

    /// The stream a packet belongs to (streams may appear while reading, e.g. after an MPEG-TS PMT).
    public func stream(at index: Int) -> StreamInfo? {
        guard index >= 0, index < Int(formatContext.pointee.nb_streams),
              let stream = formatContext.pointee.streams[index], let parameters = stream.pointee.codecpar else { return nil }
        let kind: MediaKind?
        switch parameters.pointee.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        default: kind = nil
        }
        let tb = stream.pointee.time_base
        return StreamInfo(index: index, kind: kind, codec: String(cString: avcodec_get_name(parameters.pointee.codec_id)),
                          timeBase: Rational(Int(tb.num), Int(tb.den)))
    }

    /// Reads the next packet; false when the peer ended the stream (end of file or a closed connection).
    public func readPacket(into packet: Packet) throws(FFmpegError) -> Bool {
        packet.unref()
        let result = av_read_frame(formatContext, packet.pointer)
        if result == MS_AVERROR_EOF || (result == MS_AVERROR_EIO && !cancellation.isCancelled) { return false }
        try check(result, "av_read_frame", subject: url)
        return true
    }
}

/// libavformat's interrupt callback: non-zero aborts the blocking call.
private func networkInputInterrupted(_ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let opaque else { return 0 }
    return Unmanaged<NetworkInput.Cancellation>.fromOpaque(opaque).takeUnretainedValue().isCancelled ? 1 : 0
}

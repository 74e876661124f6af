import CFFmpeg
import Foundation
import MediaCore

/// A live stream demuxed by libavformat from bytes the caller supplies (an SRT connection's MPEG-TS),
/// packet by packet, through a custom AVIOContext whose read callback is `read`.
///
/// Unlike `InputFile` it does not probe the whole stream first (that would hold back the first segment
/// by seconds): streams are described as their packets arrive. `read` runs on the thread that calls
/// `readPacket` and may block there until bytes arrive.
public final class NetworkInput {
    /// Fills the buffer with the next bytes and returns how many; 0 ends the stream (peer gone, stopped).
    public typealias Read = (UnsafeMutableRawBufferPointer) -> Int

    /// What a stream carries, for the packets that name it by index.
    public struct StreamInfo: Sendable, Equatable {
        public var index: Int
        public var kind: MediaKind?
        /// libavcodec's short codec name (`h264`, `aac`, …).
        public var codec: String
        public var timeBase: Rational
    }

    /// Bytes libavformat asks for at once; the callback may return fewer (one SRT message is 1316).
    private static let bufferSize = 64 * 1024

    private var context: UnsafeMutablePointer<AVFormatContext>?
    private var io: UnsafeMutablePointer<AVIOContext>?
    private let source: NetworkInputSource
    /// Names the stream in errors (e.g. `srt caller 127.0.0.1:5000`).
    public let name: String

    /// Opens a demuxer of `format` (`mpegts`) over `read`. For MPEG-TS this reads until the packet size
    /// is known (a few packets), so it blocks until the peer sends.
    public init(format: String, name: String, read: @escaping Read) throws(FFmpegError) {
        self.name = name
        source = NetworkInputSource(read)
        FFmpegLog.installCallback()
        FFmpegLog.clearLastError()
        guard let inputFormat = av_find_input_format(format) else {
            throw FFmpegError(call: "av_find_input_format", message: "this FFmpeg has no \(format) demuxer", subject: name)
        }
        guard let buffer = av_malloc(Self.bufferSize)?.assumingMemoryBound(to: UInt8.self),
              let io = avio_alloc_context(buffer, Int32(Self.bufferSize), 0, Unmanaged.passUnretained(source).toOpaque(),
                                          networkInputRead, nil, nil) else {
            throw FFmpegError(call: "avio_alloc_context", code: MS_AVERROR_ENOMEM, subject: name)
        }
        self.io = io
        guard let ctx = avformat_alloc_context() else {
            throw FFmpegError(call: "avformat_alloc_context", code: MS_AVERROR_ENOMEM, subject: name)
        }
        ctx.pointee.pb = io
        ctx.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        var opening: UnsafeMutablePointer<AVFormatContext>? = ctx
        let opened = avformat_open_input(&opening, name, inputFormat, nil)
        if opened < 0 {
            // avformat_open_input frees the context (not our AVIOContext) on failure.
            throw FFmpegError(call: "avformat_open_input", code: opened, subject: name, detail: FFmpegLog.lastError())
        }
        context = opening
    }

    deinit {
        avformat_close_input(&context)
        if io != nil {
            // libavformat may have replaced the buffer it was given: free the one it holds now.
            av_freep(&io!.pointee.buffer)
            avio_context_free(&io)
        }
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

    /// Reads the next packet; false when the stream ended (`read` returned 0).
    public func readPacket(into packet: Packet) throws(FFmpegError) -> Bool {
        packet.unref()
        let result = av_read_frame(formatContext, packet.pointer)
        if result == MS_AVERROR_EOF { return false }
        try check(result, "av_read_frame", subject: name)
        return true
    }
}

/// AVIOContext's read callback: hands libavformat what `NetworkInput.Read` returns; 0 becomes end of file.
private func networkInputRead(_ opaque: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UInt8>?, _ size: Int32) -> Int32 {
    guard let opaque, let buffer, size > 0 else { return MS_AVERROR_EOF }
    let source = Unmanaged<NetworkInputSource>.fromOpaque(opaque).takeUnretainedValue()
    let count = source.read(UnsafeMutableRawBufferPointer(start: buffer, count: Int(size)))
    return count > 0 ? Int32(min(count, Int(size))) : MS_AVERROR_EOF
}

/// The read callback's context (AVIOContext's opaque pointer points here; `NetworkInput` keeps it alive).
private final class NetworkInputSource {
    let read: NetworkInput.Read
    init(_ read: @escaping NetworkInput.Read) { self.read = read }
}

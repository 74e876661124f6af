import CFFmpeg
import MediaCore

/// A decoder for one stream of an `InputFile` (`AVCodecContext`), freed exactly once in `deinit`.
/// Keeps the input alive because the stream's parameters and time base belong to it. A live stream's
/// decoder (`Decoder+Live.swift`) has no input file: its configuration comes from the publisher.
public final class Decoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let input: InputFile?
    /// Names the stream in errors (the file and stream index, or the live stream).
    let subject: String
    public let streamIndex: Int
    /// The stream's time base: decoded frame timestamps are in these units.
    public let timeBase: Rational

    public init(input: InputFile, streamIndex: Int, threads: Int = 0) throws(FFmpegError) {
        let stream = input.stream(at: streamIndex)
        let parameters = stream.pointee.codecpar!
        let subject = "\(input.path) stream \(streamIndex)"
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            throw FFmpegError(call: "avcodec_find_decoder", message: "no decoder for codec '\(name)'", subject: subject)
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        var owned: UnsafeMutablePointer<AVCodecContext>? = ctx
        do {
            try check(avcodec_parameters_to_context(ctx, parameters), "avcodec_parameters_to_context", subject: subject)
            ctx.pointee.pkt_timebase = stream.pointee.time_base
            ctx.pointee.thread_count = Int32(threads)
            try check(avcodec_open2(ctx, codec, nil), "avcodec_open2", subject: subject)
        } catch {
            avcodec_free_context(&owned)
            throw error
        }
        context = ctx
        self.input = input
        self.subject = subject
        self.streamIndex = streamIndex
        self.timeBase = Rational(stream.pointee.time_base)
    }

    /// Takes over an opened context (`Decoder+Live.swift`).
    init(opened context: UnsafeMutablePointer<AVCodecContext>, timeBase: Rational, subject: String) {
        self.context = context
        self.input = nil
        self.subject = subject
        self.streamIndex = 0
        self.timeBase = timeBase
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Sends one packet (or `nil` to drain). Returns false when the decoder is full and frames must be
    /// received before this packet can go in (send it again then). A corrupt packet is thrown.
    public func send(_ packet: Packet?) throws(FFmpegError) -> Bool {
        let result = avcodec_send_packet(context, packet?.pointer)
        if result == MS_AVERROR_EAGAIN { return false }
        if result == MS_AVERROR_EOF { return true }
        try check(result, "avcodec_send_packet", subject: subject)
        return true
    }

    /// Receives the next decoded frame; false when the decoder needs more input or is drained.
    public func receive(into frame: Frame) throws(FFmpegError) -> Bool {
        frame.unref()
        let result = avcodec_receive_frame(context, frame.pointer)
        if result == MS_AVERROR_EAGAIN || result == MS_AVERROR_EOF { return false }
        try check(result, "avcodec_receive_frame", subject: subject)
        return true
    }

    /// The description a filter graph's `buffer`/`abuffer` source needs to accept this decoder's frames.
    public func sourceFormat(of frame: Frame) -> FilterSource {
        let f = frame.pointer.pointee
        if context.pointee.codec_type == AVMEDIA_TYPE_AUDIO {
            return .audio(sampleRate: Int(f.sample_rate), sampleFormat: f.format,
                          channelLayout: FilterSource.layoutDescription(f.ch_layout), timeBase: timeBase)
        }
        var sar = f.sample_aspect_ratio
        if sar.num <= 0 || sar.den <= 0 { sar = AVRational(num: 1, den: 1) }
        return .video(width: Int(f.width), height: Int(f.height), pixelFormat: f.format,
                      sampleAspectRatio: Rational(sar), timeBase: timeBase)
    }
}

import CFFmpeg
import MediaCore

extension Decoder {
    /// An H.264 decoder for a live stream, configured from the publisher's AVCDecoderConfigurationRecord
    /// (RTMP's sequence header, or one built from MPEG-TS parameter sets): packets are then length-prefixed
    /// access units as the publisher sent them, with timestamps in milliseconds (the time base of both
    /// listeners' media events).
    public static func h264(avcC: [UInt8], subject: String, threads: Int = 1) throws(FFmpegError) -> Decoder {
        guard let codec = avcodec_find_decoder(AV_CODEC_ID_H264) else {
            throw FFmpegError(call: "avcodec_find_decoder", message: "this FFmpeg has no H.264 decoder", subject: subject)
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        var owned: UnsafeMutablePointer<AVCodecContext>? = ctx
        // libavcodec reads up to AV_INPUT_BUFFER_PADDING_SIZE bytes past the end: the buffer is padded and
        // owned by the context from here on (avcodec_free_context frees it).
        let padded = avcC.count + Int(AV_INPUT_BUFFER_PADDING_SIZE)
        guard let extradata = av_mallocz(padded)?.assumingMemoryBound(to: UInt8.self) else {
            avcodec_free_context(&owned)
            throw FFmpegError(call: "av_mallocz", code: MS_AVERROR_ENOMEM, subject: subject)
        }
        avcC.withUnsafeBufferPointer { extradata.update(from: $0.baseAddress!, count: avcC.count) }
        ctx.pointee.extradata = extradata
        ctx.pointee.extradata_size = Int32(avcC.count)
        ctx.pointee.pkt_timebase = AVRational(num: 1, den: 1000)
        ctx.pointee.time_base = AVRational(num: 1, den: 1000)
        ctx.pointee.thread_count = Int32(threads)
        let opened = avcodec_open2(ctx, codec, nil)
        if opened < 0 {
            avcodec_free_context(&owned)
            throw FFmpegError(call: "avcodec_open2", code: opened, subject: subject)
        }
        return Decoder(opened: ctx, timeBase: Rational(1, 1000), subject: subject)
    }
}

extension Packet {
    /// A packet holding a copy of `payload` (one access unit), with its times and keyframe flag, ready to
    /// send to a decoder.
    public convenience init(payload: [UInt8], pts: Int64, dts: Int64, isKeyframe: Bool) {
        self.init()
        if av_new_packet(pointer, Int32(payload.count)) < 0 { fatalError("av_new_packet: out of memory") }
        if !payload.isEmpty {
            payload.withUnsafeBufferPointer { pointer.pointee.data.update(from: $0.baseAddress!, count: payload.count) }
        }
        pointer.pointee.pts = pts
        pointer.pointee.dts = dts
        if isKeyframe { pointer.pointee.flags |= AV_PKT_FLAG_KEY }
    }
}

extension Decoder {
    /// An audio decoder for a live publisher's non-AAC audio (`mp3`, `mp2`, `ac3`, `pcm_alaw`...: libavcodec's
    /// decoder names). Packets carry one or more coded frames with millisecond timestamps. Codecs whose
    /// frames describe themselves (MP3, MP2, AC-3) need no rate or channels; raw ones (PCM, G.711) do.
    public static func audio(codec name: String, sampleRate: Int?, channels: Int?, subject: String) throws(FFmpegError) -> Decoder {
        guard let codec = avcodec_find_decoder_by_name(name), codec.pointee.type == AVMEDIA_TYPE_AUDIO else {
            throw FFmpegError(call: "avcodec_find_decoder_by_name", message: "this FFmpeg has no '\(name)' audio decoder", subject: subject)
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        var owned: UnsafeMutablePointer<AVCodecContext>? = ctx
        if let sampleRate { ctx.pointee.sample_rate = Int32(sampleRate) }
        if let channels { av_channel_layout_default(&ctx.pointee.ch_layout, Int32(channels)) }
        ctx.pointee.pkt_timebase = AVRational(num: 1, den: 1000)
        ctx.pointee.time_base = AVRational(num: 1, den: 1000)
        ctx.pointee.thread_count = 1
        let opened = avcodec_open2(ctx, codec, nil)
        if opened < 0 {
            avcodec_free_context(&owned)
            throw FFmpegError(call: "avcodec_open2", code: opened, subject: subject)
        }
        return Decoder(opened: ctx, timeBase: Rational(1, 1000), subject: subject)
    }
}

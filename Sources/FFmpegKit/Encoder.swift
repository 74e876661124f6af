import CFFmpeg
import MediaCore

/// Settings for one H.264 rung, in the units people configure (kb/s, x264 preset and profile names).
public struct H264EncoderSettings: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var frameRate: Rational
    public var bitrateKbps: Int
    /// VBV: peak rate and buffer, so a segment's peak bitrate stays near what the playlist announces.
    public var maxrateKbps: Int
    public var bufferKbits: Int
    public var profile: String
    public var preset: String
    /// Frames between natural keyframes; kept far above the segment length because IDRs are forced.
    public var keyframeInterval: Int
    /// x264 threads for this encoder (0 = x264's own choice).
    public var threads: Int
    /// Time base of the frames sent (1/N). Derived from the frame rate rather than a fixed 1/90000:
    /// x264's rate control starves every third frame with a 1/90000 time base (measured, FFmpeg 5.1).
    public var timeBase: Rational
    /// Extra x264 options in `key=value:key=value` form, appended last.
    public var extraX264Params: String?
    /// x264 tune (`zerolatency` for live rungs: no lookahead, no B-frames); nil tunes nothing.
    public var tune: String?

    public init(width: Int, height: Int, frameRate: Rational, bitrateKbps: Int, maxrateKbps: Int, bufferKbits: Int,
                profile: String, preset: String, keyframeInterval: Int, threads: Int, timeBase: Rational,
                extraX264Params: String? = nil, tune: String? = nil) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.bitrateKbps = bitrateKbps
        self.maxrateKbps = maxrateKbps
        self.bufferKbits = bufferKbits
        self.profile = profile
        self.preset = preset
        self.keyframeInterval = keyframeInterval
        self.threads = threads
        self.timeBase = timeBase
        self.extraX264Params = extraX264Params
        self.tune = tune
    }
}

/// An encoder (`AVCodecContext` opened for encoding), freed exactly once in `deinit`.
public final class Encoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    /// Timestamps of frames sent and packets received are in this time base.
    public let timeBase: Rational

    private init(context: UnsafeMutablePointer<AVCodecContext>, codec: UnsafePointer<AVCodec>,
                 options: [String: String], subject: String) throws(FFmpegError) {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        var dictionary: OpaquePointer?
        for (key, value) in options { av_dict_set(&dictionary, key, value, 0) }
        let opened = avcodec_open2(context, codec, &dictionary)
        av_dict_free(&dictionary)
        if opened < 0 {
            avcodec_free_context(&owned)
            throw FFmpegError(call: "avcodec_open2", code: opened, subject: subject)
        }
        self.context = context
        self.timeBase = Rational(context.pointee.time_base)
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// libx264 through libavcodec: ABR at the rung's bitrate under a VBV cap, closed GOPs, no scene-cut
    /// keyframes, and `forced-idr` so a frame marked as I (see `Frame.setForcedKeyframe`) becomes an IDR.
    public static func h264(_ s: H264EncoderSettings) throws(FFmpegError) -> Encoder {
        guard let codec = avcodec_find_encoder_by_name("libx264") else {
            throw FFmpegError(call: "avcodec_find_encoder_by_name", message: "libx264 is not available in this FFmpeg build")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        ctx.pointee.width = Int32(s.width)
        ctx.pointee.height = Int32(s.height)
        ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        ctx.pointee.time_base = s.timeBase.avRational
        ctx.pointee.framerate = s.frameRate.avRational
        ctx.pointee.bit_rate = Int64(s.bitrateKbps) * 1000
        ctx.pointee.rc_max_rate = Int64(s.maxrateKbps) * 1000
        ctx.pointee.rc_buffer_size = Int32(s.bufferKbits * 1000)
        ctx.pointee.gop_size = Int32(s.keyframeInterval)
        ctx.pointee.keyint_min = 1
        ctx.pointee.thread_count = Int32(s.threads)
        ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER | Int32(bitPattern: AV_CODEC_FLAG_CLOSED_GOP)
        ctx.pointee.color_range = AVCOL_RANGE_MPEG
        var params = "scenecut=0:open-gop=0"
        if let extra = s.extraX264Params, !extra.isEmpty { params += ":" + extra }
        var options = ["preset": s.preset, "profile": s.profile, "forced-idr": "1", "x264-params": params]
        if let tune = s.tune, !tune.isEmpty { options["tune"] = tune }
        return try Encoder(context: ctx, codec: codec, options: options, subject: "libx264 \(s.width)x\(s.height)")
    }

    /// AAC-LC (FFmpeg's native encoder) taking planar float frames of exactly `frameSize` samples.
    public static func aac(sampleRate: Int, channels: Int, bitrateKbps: Int) throws(FFmpegError) -> Encoder {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else {
            throw FFmpegError(call: "avcodec_find_encoder", message: "the AAC encoder is not available")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        ctx.pointee.sample_rate = Int32(sampleRate)
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        av_channel_layout_default(&ctx.pointee.ch_layout, Int32(channels))
        ctx.pointee.bit_rate = Int64(bitrateKbps) * 1000
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        ctx.pointee.profile = FF_PROFILE_AAC_LOW
        ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        return try Encoder(context: ctx, codec: codec, options: [:], subject: "aac \(sampleRate) Hz")
    }

    /// Samples per audio frame the encoder requires (1024 for AAC); 0 for video.
    public var frameSize: Int { Int(context.pointee.frame_size) }

    /// Codec configuration the encoder produced: SPS/PPS (Annex B) for x264, AudioSpecificConfig for AAC.
    public var extradata: [UInt8] {
        guard let data = context.pointee.extradata, context.pointee.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(context.pointee.extradata_size)))
    }

    /// Sends a frame (timestamps in `timeBase`), or `nil` to flush. Returns false when the encoder is full
    /// and packets must be received before this frame can go in (send it again then).
    public func send(_ frame: Frame?) throws(FFmpegError) -> Bool {
        let result = avcodec_send_frame(context, frame?.pointer)
        if result == MS_AVERROR_EAGAIN { return false }
        if result == MS_AVERROR_EOF { return true }
        try check(result, "avcodec_send_frame", subject: "encoder")
        return true
    }

    /// Receives the next packet; false when the encoder needs more input or is drained.
    public func receive(into packet: Packet) throws(FFmpegError) -> Bool {
        packet.unref()
        let result = avcodec_receive_packet(context, packet.pointer)
        if result == MS_AVERROR_EAGAIN || result == MS_AVERROR_EOF { return false }
        try check(result, "avcodec_receive_packet", subject: "encoder")
        return true
    }
}

extension Encoder {
    /// Samples (audio) the encoder emits before the first real one; AAC's priming frame is 1024.
    /// Ingest shifts packet timestamps by this so the first real sample is presented at zero.
    public var initialPadding: Int { Int(context.pointee.initial_padding) }

    /// Frames a video encoder holds back for B-frame reordering (libx264 reports 2 with b-pyramid, 1 with
    /// plain B-frames, 0 without): its first packet's decode time is that many frames before its
    /// presentation time.
    public var reorderDelayFrames: Int { Int(context.pointee.has_b_frames) }
}

import CFFmpeg
import MediaCore

extension StreamProbe {
    /// Describes one stream of an open format context. Values follow ffprobe's fields of the same name,
    /// except where noted:
    /// - `profile` is nil (not "unknown") when the codec has no profile;
    /// - `frameRate` is `avg_frame_rate`, or `r_frame_rate` when the average is unknown (not for covers);
    /// - `bitDepth` for video is the pixel format's luma depth (ffprobe's `bits_per_raw_sample` is empty for
    ///   HEVC, VP9 and AV1), otherwise `bits_per_raw_sample` when set;
    /// - `fieldOrder` is nil when FFmpeg does not know it;
    /// - `rotation` is clockwise (see `clockwiseRotation(displayMatrixDegrees:)`), 0 for video without a matrix.
    init(stream: UnsafeMutablePointer<AVStream>, in context: UnsafeMutablePointer<AVFormatContext>) {
        let parameters = stream.pointee.codecpar!
        let par = parameters.pointee
        let type = StreamType(par.codec_type)
        let isVideo = type == .video
        let isAudio = type == .audio
        let isCover = stream.pointee.disposition & MS_AV_DISPOSITION_ATTACHED_PIC != 0
        let descriptor = avcodec_descriptor_get(par.codec_id)
        let aspect = isVideo ? StreamProbe.aspectRatios(stream: stream, context: context) : nil
        let timeBase = stream.pointee.time_base
        let duration = stream.pointee.duration
        self.init(
            index: Int(stream.pointee.index),
            type: type,
            codec: descriptor.map { String(cString: $0.pointee.name) } ?? "unknown",
            codecLongName: descriptor.flatMap { $0.pointee.long_name }.map { String(cString: $0) },
            profile: StreamProbe.profileName(par),
            width: isVideo && par.width > 0 ? Int(par.width) : nil,
            height: isVideo && par.height > 0 ? Int(par.height) : nil,
            sampleAspectRatio: aspect?.sample,
            displayAspectRatio: aspect?.display,
            frameRate: isVideo ? StreamProbe.frameRate(stream, isCover: isCover) : nil,
            pixelFormat: isVideo ? StreamProbe.pixelFormatName(par.format) : nil,
            bitDepth: StreamProbe.bitDepth(par, isVideo: isVideo),
            fieldOrder: isVideo ? StreamProbe.fieldOrderName(par.field_order) : nil,
            rotation: isVideo ? StreamProbe.rotation(stream) : nil,
            bitRate: par.bit_rate > 0 ? Int(par.bit_rate) : nil,
            channels: isAudio && par.ch_layout.nb_channels > 0 ? Int(par.ch_layout.nb_channels) : nil,
            channelLayout: isAudio ? StreamProbe.channelLayoutName(parameters) : nil,
            sampleRate: isAudio && par.sample_rate > 0 ? Int(par.sample_rate) : nil,
            language: StreamProbe.metadata(stream.pointee.metadata, "language"),
            duration: duration == MS_AV_NOPTS_VALUE ? nil : Double(duration) * Double(timeBase.num) / Double(timeBase.den),
            isAttachedPicture: isCover
        )
    }

    /// The clockwise rotation, normalised to 0, 90, 180 or 270, that a player applies to show a picture
    /// whose display matrix `av_display_rotation_get` reads as `degrees`.
    ///
    /// `av_display_rotation_get` (and ffprobe's `rotation`) measure counter-clockwise, so a phone's
    /// portrait clip reads -90 there and 90 here; ffmpeg's own autorotate negates it the same way
    /// (rotation -90 -> `transpose=clock`). Angles between quarter turns round to the nearest one.
    public static func clockwiseRotation(displayMatrixDegrees degrees: Double) -> Int {
        guard degrees.isFinite else { return 0 }
        let quarterTurns = Int((-degrees / 90).rounded())
        return ((quarterTurns % 4) + 4) % 4 * 90
    }

    static func rotation(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size = 0
        guard let data = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
              size >= 9 * MemoryLayout<Int32>.size else { return 0 }
        let degrees = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        return clockwiseRotation(displayMatrixDegrees: degrees)
    }

    /// ffprobe's rule: the stream's or the codec's sample aspect ratio, and the display ratio it gives.
    static func aspectRatios(stream: UnsafeMutablePointer<AVStream>, context: UnsafeMutablePointer<AVFormatContext>)
        -> (sample: Rational, display: Rational)? {
        let par = stream.pointee.codecpar.pointee
        let sar = av_guess_sample_aspect_ratio(context, stream, nil)
        guard sar.num > 0, sar.den > 0, par.width > 0, par.height > 0 else { return nil }
        var num: Int32 = 0, den: Int32 = 0
        av_reduce(&num, &den, Int64(par.width) * Int64(sar.num), Int64(par.height) * Int64(sar.den), 1024 * 1024)
        return (Rational(Int(sar.num), Int(sar.den)), Rational(Int(num), Int(den)))
    }

    static func frameRate(_ stream: UnsafeMutablePointer<AVStream>, isCover: Bool) -> Rational? {
        let average = stream.pointee.avg_frame_rate
        if average.num > 0, average.den > 0 { return Rational(Int(average.num), Int(average.den)) }
        let real = stream.pointee.r_frame_rate
        if !isCover, real.num > 0, real.den > 0 { return Rational(Int(real.num), Int(real.den)) }
        return nil
    }

    static func profileName(_ par: AVCodecParameters) -> String? {
        if let name = avcodec_profile_name(par.codec_id, par.profile) { return String(cString: name) }
        return par.profile == MS_FF_PROFILE_UNKNOWN ? nil : String(par.profile)
    }

    static func pixelFormatName(_ format: Int32) -> String? {
        av_get_pix_fmt_name(AVPixelFormat(rawValue: format)).map { String(cString: $0) }
    }

    static func bitDepth(_ par: AVCodecParameters, isVideo: Bool) -> Int? {
        if isVideo, let descriptor = av_pix_fmt_desc_get(AVPixelFormat(rawValue: par.format)),
           descriptor.pointee.nb_components > 0 {
            return Int(descriptor.pointee.comp.0.depth)
        }
        return par.bits_per_raw_sample > 0 ? Int(par.bits_per_raw_sample) : nil
    }

    static func fieldOrderName(_ order: AVFieldOrder) -> String? {
        switch order {
        case AV_FIELD_PROGRESSIVE: return "progressive"
        case AV_FIELD_TT: return "tt"
        case AV_FIELD_BB: return "bb"
        case AV_FIELD_TB: return "tb"
        case AV_FIELD_BT: return "bt"
        default: return nil
        }
    }

    /// "stereo", "5.1", "5.1(side)"; nil when the container gives only a channel count.
    static func channelLayoutName(_ par: UnsafeMutablePointer<AVCodecParameters>) -> String? {
        guard par.pointee.ch_layout.order != AV_CHANNEL_ORDER_UNSPEC else { return nil }
        var buffer = [CChar](repeating: 0, count: 128)
        guard av_channel_layout_describe(&par.pointee.ch_layout, &buffer, buffer.count) > 0 else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func metadata(_ dictionary: OpaquePointer?, _ key: String) -> String? {
        guard let entry = av_dict_get(dictionary, key, nil, 0), let value = entry.pointee.value else { return nil }
        return String(cString: value)
    }
}

extension StreamType {
    init(_ type: AVMediaType) {
        switch type {
        case AVMEDIA_TYPE_VIDEO: self = .video
        case AVMEDIA_TYPE_AUDIO: self = .audio
        case AVMEDIA_TYPE_SUBTITLE: self = .subtitle
        case AVMEDIA_TYPE_DATA: self = .data
        case AVMEDIA_TYPE_ATTACHMENT: self = .attachment
        default: self = .unknown
        }
    }
}

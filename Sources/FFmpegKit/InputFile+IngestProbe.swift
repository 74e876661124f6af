import CFFmpeg
import MediaCore

/// The fields of `SourceProbe` ingest plans from, read straight from the opened context.
/// Minimal on purpose: `mediaserve probe` owns the full reader; ingest switches to it once it is shared.
extension InputFile {
    public func ingestProbe() -> SourceProbe {
        let ctx = formatContext.pointee
        let duration = ctx.duration > 0 ? Double(ctx.duration) / Double(MS_AV_TIME_BASE) : nil
        let streams = (0..<streamCount).map { streamProbe(at: $0) }
        return SourceProbe(path: path, container: ctx.iformat.map { String(cString: $0.pointee.name) } ?? "unknown",
                           duration: duration, bitRate: ctx.bit_rate > 0 ? Int(ctx.bit_rate) : nil, streams: streams)
    }

    /// The stream's first timestamp in seconds, when the container says.
    public func startTime(ofStream index: Int) -> Double? {
        let st = stream(at: index).pointee
        guard st.start_time != MS_AV_NOPTS_VALUE else { return nil }
        return Double(st.start_time) * Rational(st.time_base).value
    }

    private func streamProbe(at index: Int) -> StreamProbe {
        let st = stream(at: index)
        let par = st.pointee.codecpar.pointee
        let codec = String(cString: avcodec_get_name(par.codec_id))
        let type: StreamType
        switch par.codec_type {
        case AVMEDIA_TYPE_VIDEO: type = .video
        case AVMEDIA_TYPE_AUDIO: type = .audio
        case AVMEDIA_TYPE_SUBTITLE: type = .subtitle
        case AVMEDIA_TYPE_DATA: type = .data
        case AVMEDIA_TYPE_ATTACHMENT: type = .attachment
        default: type = .unknown
        }
        var probe = StreamProbe(index: index, type: type, codec: codec)
        probe.isAttachedPicture = st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0
        let duration = st.pointee.duration
        if duration != MS_AV_NOPTS_VALUE, duration > 0 { probe.duration = Double(duration) * Rational(st.pointee.time_base).value }
        if type == .video {
            probe.width = Int(par.width)
            probe.height = Int(par.height)
            let sar = av_guess_sample_aspect_ratio(formatContext, st, nil)
            if sar.num > 0, sar.den > 0 { probe.sampleAspectRatio = Rational(sar) }
            let rate = st.pointee.avg_frame_rate.num > 0 ? st.pointee.avg_frame_rate : st.pointee.r_frame_rate
            if rate.num > 0, rate.den > 0 { probe.frameRate = Rational(rate) }
            if let name = av_get_pix_fmt_name(AVPixelFormat(par.format)) { probe.pixelFormat = String(cString: name) }
            if par.bits_per_raw_sample > 0 { probe.bitDepth = Int(par.bits_per_raw_sample) }
            probe.fieldOrder = Self.fieldOrderName(par.field_order)
            probe.rotation = rotation(of: st)
        } else if type == .audio {
            probe.sampleRate = Int(par.sample_rate)
            probe.channels = Int(par.ch_layout.nb_channels)
        }
        return probe
    }

    /// Clockwise rotation from the display matrix (the matrix gives counter-clockwise degrees).
    private func rotation(of st: UnsafeMutablePointer<AVStream>) -> Int? {
        guard let data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, nil) else { return nil }
        let degrees = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        guard degrees.isFinite else { return nil }
        let clockwise = Int((-degrees).rounded())
        return ((clockwise % 360) + 360) % 360
    }

    private static func fieldOrderName(_ order: AVFieldOrder) -> String? {
        switch order {
        case AV_FIELD_PROGRESSIVE: return "progressive"
        case AV_FIELD_TT: return "tt"
        case AV_FIELD_BB: return "bb"
        case AV_FIELD_TB: return "tb"
        case AV_FIELD_BT: return "bt"
        default: return nil
        }
    }
}

import MediaCore

/// The libavfilter chains ingest runs, as text built from the plan (pure, so they are unit-tested).
public enum FilterText {
    /// Per rung: deinterlace, reduce the rate, scale to the coded size, turn upright, square pixels, 8-bit 4:2:0.
    /// Scaling happens before the rotation so the (cheaper) transpose runs on the smaller picture.
    public static func video(_ rendition: VideoRenditionPlan, preparation: VideoPreparation) -> String {
        var chain: [String] = []
        if preparation.deinterlace { chain.append("bwdif=mode=send_frame:parity=auto:deint=all") }
        if let rate = preparation.outputFrameRate { chain.append("fps=fps=\(rate.numerator)/\(rate.denominator)") }
        let quarterTurn = preparation.rotation == 90 || preparation.rotation == 270
        let (w, h) = quarterTurn ? (rendition.height, rendition.width) : (rendition.width, rendition.height)
        chain.append("scale=\(w):\(h):flags=bicubic")
        switch preparation.rotation {
        case 90: chain.append("transpose=clock")
        case 180: chain.append("hflip,vflip")
        case 270: chain.append("transpose=cclock")
        default: break
        }
        chain.append("setsar=1")
        chain.append("format=yuv420p")
        return chain.joined(separator: ",")
    }

    /// Resample to the target rate and layout; `first_pts=0` pads or trims the start so audio begins at the
    /// same instant as the video, and `async=1` fills gaps in the source timestamps with silence.
    public static func audio(_ settings: AudioSettings) -> String {
        let layout = settings.channels == 1 ? "mono" : settings.channels == 2 ? "stereo" : "\(settings.channels)c"
        return "aresample=\(settings.sampleRate):async=1:first_pts=0,"
            + "aformat=sample_fmts=fltp:sample_rates=\(settings.sampleRate):channel_layouts=\(layout)"
    }
}

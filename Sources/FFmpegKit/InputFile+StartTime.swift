import CFFmpeg
import MediaCore

extension InputFile {
    /// The stream's first timestamp in seconds, when the container says. Ingest moves this instant to zero
    /// so sources with a non-zero start (MPEG-TS, trimmed files) still begin their ladder at 0.
    public func startTime(ofStream index: Int) -> Double? {
        let st = stream(at: index).pointee
        guard st.start_time != MS_AV_NOPTS_VALUE else { return nil }
        return Double(st.start_time) * Rational(st.time_base).value
    }
}

extension InputFile {
    /// The codec configuration the container stores for a stream (`avcC` for H.264 in MP4,
    /// AudioSpecificConfig for AAC). From MPEG-TS: the Annex B SPS/PPS libavformat found while probing,
    /// and nothing for AAC (its configuration is in every ADTS header).
    public func codecExtradata(ofStream index: Int) -> [UInt8] {
        let par = stream(at: index).pointee.codecpar.pointee
        guard let data = par.extradata, par.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(par.extradata_size)))
    }
}

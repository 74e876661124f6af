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

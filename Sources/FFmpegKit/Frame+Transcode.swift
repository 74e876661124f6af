import CFFmpeg
import MediaCore

/// What the transcode pipeline needs from a frame beyond the shared basics: sharing one decoded picture
/// with several rung encoders (a new reference, no copy), timestamp rescaling and forcing an IDR.
extension Frame {
    /// A new frame referencing the same buffers (`av_frame_clone`), so each rung can own its copy.
    public func reference() -> Frame {
        let copy = Frame()
        if av_frame_ref(copy.pointer, pointer) < 0 { fatalError("av_frame_ref: out of memory") }
        return copy
    }

    /// The decoder's best guess at the presentation time (pts, or derived from dts when pts is missing).
    public var bestEffortTimestamp: Int64? {
        let ts = pointer.pointee.best_effort_timestamp
        return ts == MS_AV_NOPTS_VALUE ? pts : ts
    }

    /// Converts `pts` from one time base to another (exact, rounding to nearest).
    public func rescaleTimestamp(from source: Rational, to target: Rational) {
        guard let pts else { return }
        self.pts = av_rescale_q(pts, source.avRational, target.avRational)
    }

    /// Marks the frame as one the encoder must code as a keyframe (an IDR with x264's `forced-idr`),
    /// or clears any picture type left over from the decoder so the encoder chooses freely.
    public func setForcedKeyframe(_ forced: Bool) {
        pointer.pointee.pict_type = forced ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        pointer.pointee.key_frame = forced ? 1 : 0
    }
}

extension Rational {
    var avRational: AVRational { AVRational(num: Int32(numerator), den: Int32(denominator)) }
    init(_ q: AVRational) { self.init(Int(q.num), Int(q.den)) }
}

extension Packet {
    /// Converts pts, dts and duration from one time base to another.
    public func rescaleTimestamps(from source: Rational, to target: Rational) {
        av_packet_rescale_ts(pointer, source.avRational, target.avRational)
    }

    /// Shifts pts and dts by `offset` ticks (moving a source's start time to zero).
    public func shiftTimestamps(by offset: Int64) {
        if pointer.pointee.pts != MS_AV_NOPTS_VALUE { pointer.pointee.pts += offset }
        if pointer.pointee.dts != MS_AV_NOPTS_VALUE { pointer.pointee.dts += offset }
    }

    public func setStreamIndex(_ index: Int) { pointer.pointee.stream_index = Int32(index) }

    /// Sets the decode timestamp alone (moving a track's first decode time to its timeline start).
    public func setDecodeTimestamp(_ dts: Int64) { pointer.pointee.dts = dts }
}

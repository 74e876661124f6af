import CFFmpeg

/// An owned `AVFrame`, freed exactly once in `deinit`.
public final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    public init() {
        guard let frame = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }

    public var pts: Int64? {
        get { pointer.pointee.pts == MS_AV_NOPTS_VALUE ? nil : pointer.pointee.pts }
        set { pointer.pointee.pts = newValue ?? MS_AV_NOPTS_VALUE }
    }
    public var width: Int { Int(pointer.pointee.width) }
    public var height: Int { Int(pointer.pointee.height) }
    public var sampleCount: Int { Int(pointer.pointee.nb_samples) }

    public func unref() { av_frame_unref(pointer) }
}

import CFFmpeg
import MediaCore

/// How frames enter a filter graph: the arguments of its `buffer` (video) or `abuffer` (audio) source.
public enum FilterSource: Sendable, Equatable {
    case video(width: Int, height: Int, pixelFormat: Int32, sampleAspectRatio: Rational, timeBase: Rational)
    case audio(sampleRate: Int, sampleFormat: Int32, channelLayout: String, timeBase: Rational)

    var filterName: String {
        if case .video = self { return "buffer" }
        return "abuffer"
    }

    var arguments: String {
        switch self {
        case let .video(width, height, pixelFormat, sar, timeBase):
            return "video_size=\(width)x\(height):pix_fmt=\(pixelFormat):time_base=\(timeBase.numerator)/\(timeBase.denominator)"
                + ":pixel_aspect=\(sar.numerator)/\(sar.denominator)"
        case let .audio(sampleRate, sampleFormat, layout, timeBase):
            let format = av_get_sample_fmt_name(AVSampleFormat(sampleFormat)).map { String(cString: $0) } ?? "fltp"
            return "time_base=\(timeBase.numerator)/\(timeBase.denominator):sample_rate=\(sampleRate)"
                + ":sample_fmt=\(format):channel_layout=\(layout)"
        }
    }

    /// A layout string `abuffer` parses; a layout without a known channel order falls back to the
    /// default layout for its channel count (mono, stereo, 5.1...).
    static func layoutDescription(_ layout: AVChannelLayout) -> String {
        var described = layout
        if layout.order == AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_default(&described, max(layout.nb_channels, 1))
        }
        var buffer = [CChar](repeating: 0, count: 128)
        withUnsafePointer(to: &described) { _ = av_channel_layout_describe($0, &buffer, buffer.count) }
        return String(cString: buffer)
    }
}

/// One libavfilter graph with a single input and a single output (`AVFilterGraph`), freed in `deinit`.
///
/// Ingest describes what it wants as filter text ("yadif,scale=1280:720,format=yuv420p",
/// "aresample=48000,aformat=...") so deinterlacing, rotation, scaling and pixel/sample format conversion
/// are one tested FFmpeg component instead of hand-driven swscale/swresample calls.
public final class FilterGraph {
    var graph: UnsafeMutablePointer<AVFilterGraph>?
    let source: UnsafeMutablePointer<AVFilterContext>
    let sink: UnsafeMutablePointer<AVFilterContext>
    public let description: String

    /// - Parameters:
    ///   - frameSize: for audio, the exact number of samples every output frame carries (AAC needs 1024).
    ///   - threads: filter threads (0 = libavfilter's choice).
    public init(source format: FilterSource, filters: String, frameSize: Int? = nil, threads: Int = 1) throws(FFmpegError) {
        description = filters
        guard let graph = avfilter_graph_alloc() else { fatalError("avfilter_graph_alloc: out of memory") }
        self.graph = graph
        graph.pointee.nb_threads = Int32(threads)
        var src: UnsafeMutablePointer<AVFilterContext>?
        var snk: UnsafeMutablePointer<AVFilterContext>?
        let isVideo = format.filterName == "buffer"
        do {
            try check(avfilter_graph_create_filter(&src, avfilter_get_by_name(format.filterName), "in",
                                                   format.arguments, nil, graph),
                      "avfilter_graph_create_filter(\(format.filterName))", subject: format.arguments)
            try check(avfilter_graph_create_filter(&snk, avfilter_get_by_name(isVideo ? "buffersink" : "abuffersink"),
                                                   "out", nil, nil, graph),
                      "avfilter_graph_create_filter(buffersink)")
            try FilterGraph.link(graph: graph, source: src!, sink: snk!, filters: filters)
            try check(avfilter_graph_config(graph, nil), "avfilter_graph_config", subject: filters)
        } catch {
            avfilter_graph_free(&self.graph)
            throw error
        }
        source = src!
        sink = snk!
        if let frameSize { av_buffersink_set_frame_size(sink, UInt32(frameSize)) }
    }

    deinit {
        avfilter_graph_free(&graph)
    }

    private static func link(graph: UnsafeMutablePointer<AVFilterGraph>, source: UnsafeMutablePointer<AVFilterContext>,
                             sink: UnsafeMutablePointer<AVFilterContext>, filters: String) throws(FFmpegError) {
        // The parser's view: our source feeds its "in" label, its "out" label feeds our sink.
        var outputs = avfilter_inout_alloc()
        var inputs = avfilter_inout_alloc()
        defer {
            avfilter_inout_free(&outputs)
            avfilter_inout_free(&inputs)
        }
        outputs!.pointee.name = av_strdup("in")
        outputs!.pointee.filter_ctx = source
        outputs!.pointee.pad_idx = 0
        outputs!.pointee.next = nil
        inputs!.pointee.name = av_strdup("out")
        inputs!.pointee.filter_ctx = sink
        inputs!.pointee.pad_idx = 0
        inputs!.pointee.next = nil
        try check(avfilter_graph_parse_ptr(graph, filters, &inputs, &outputs, nil), "avfilter_graph_parse_ptr", subject: filters)
    }

    /// Feeds one frame (the graph takes a new reference; the caller keeps its frame), or `nil` at the end.
    public func push(_ frame: Frame?) throws(FFmpegError) {
        let flags = Int32(AV_BUFFERSRC_FLAG_KEEP_REF)
        try check(av_buffersrc_add_frame_flags(source, frame?.pointer, flags), "av_buffersrc_add_frame", subject: description)
    }

    /// Takes the next filtered frame; false when the graph needs more input or has ended.
    public func pull(into frame: Frame) throws(FFmpegError) -> Bool {
        frame.unref()
        let result = av_buffersink_get_frame(sink, frame.pointer)
        if result == MS_AVERROR_EAGAIN || result == MS_AVERROR_EOF { return false }
        try check(result, "av_buffersink_get_frame", subject: description)
        return true
    }

    /// The time base of the frames `pull` returns.
    public var outputTimeBase: Rational { Rational(av_buffersink_get_time_base(sink)) }
}

import CFFmpeg
import Foundation
import MediaCore

/// Receives the bytes libavformat writes and puts them in whichever file is current, so one muxer can
/// produce `init.mp4` and then one `seg-<n>.m4s` per fragment. Remembers the first write error (a full
/// disk) so the writer can report it instead of FFmpeg's generic I/O failure.
final class SegmentFileSink {
    private var descriptor: Int32 = -1
    private(set) var path: String?
    private(set) var failure: FFmpegError?

    func open(_ path: String) throws(FFmpegError) {
        close()
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw FFmpegError(call: "open", code: -errno, subject: path) }
        descriptor = fd
        self.path = path
    }

    /// Stops writing; later bytes (the fragment index trailer) are discarded.
    func close() {
        if descriptor >= 0 { Foundation.close(descriptor) }
        descriptor = -1
        path = nil
    }

    func write(_ buffer: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        guard descriptor >= 0 else { return Int32(count) }
        var done = 0
        while done < count {
            let n = Foundation.write(descriptor, buffer + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                let code = -errno
                if failure == nil { failure = FFmpegError(call: "write", code: code, subject: path) }
                return code
            }
            done += n
        }
        return Int32(count)
    }

    deinit { close() }
}

/// A fragmented MP4 (CMAF) muxer for one track: libavformat's mp4 muxer with `frag_custom`, writing
/// through a custom `AVIOContext` into `init.mp4` and then one file per fragment.
///
/// Why this shape: `empty_moov` puts ftyp+moov alone in the init segment; `frag_custom` lets us cut a
/// fragment exactly where a segment starts (`av_write_frame(ctx, NULL)`); `default_base_moof` gives
/// CMAF-style relative offsets. Composition offsets stay positive (decode time <= presentation time) and
/// no edit list is written: every reader then computes the same presentation time, decode time plus
/// offset. (With `negative_cts_offsets` MSE players present an IDR at its `tfdt` but libavformat adds the
/// largest negative offset to every pts, so ffmpeg/ffprobe show video two frames later than a browser.)
/// Timestamp shifting is disabled and `tfdt` is the first packet's own decode time (`frag_discont` with
/// `use_editlist=0`; libavformat would otherwise move every track's first sample to 0): Ingest places the
/// tracks on one timeline itself (`PresentationLead`).
public final class FragmentedMP4Writer {
    var format: UnsafeMutablePointer<AVFormatContext>?
    var io: UnsafeMutablePointer<AVIOContext>?
    let sink = SegmentFileSink()
    let sourceTimeBase: Rational
    private var headerWritten = false
    private var fragmentOpen = false

    /// A writer for packets coming out of `encoder`.
    public convenience init(encoder: Encoder) throws(FFmpegError) {
        try self.init(timeBase: encoder.timeBase) { parameters throws(FFmpegError) in
            try check(avcodec_parameters_from_context(parameters, encoder.context), "avcodec_parameters_from_context")
        }
    }

    /// A writer for packets copied from a stream of `input` (passthrough remux). `extradata` replaces the
    /// stream's codec configuration when the container has none (an AudioSpecificConfig built from an
    /// MPEG-TS stream's ADTS headers). H.264 configuration in Annex B form (MPEG-TS) is fine as it is: the
    /// mp4 muxer writes it as an `avcC` and rewrites Annex B packets with length prefixes.
    public convenience init(copying input: InputFile, streamIndex: Int, extradata: [UInt8]? = nil) throws(FFmpegError) {
        let stream = input.stream(at: streamIndex)
        try self.init(timeBase: Rational(stream.pointee.time_base)) { parameters throws(FFmpegError) in
            try check(avcodec_parameters_copy(parameters, stream.pointee.codecpar), "avcodec_parameters_copy")
            parameters.pointee.codec_tag = 0
            if let extradata { FragmentedMP4Writer.replaceExtradata(of: parameters, with: extradata) }
        }
    }

    private static func replaceExtradata(of parameters: UnsafeMutablePointer<AVCodecParameters>, with bytes: [UInt8]) {
        av_freep(&parameters.pointee.extradata)
        guard let buffer = av_mallocz(bytes.count + Int(AV_INPUT_BUFFER_PADDING_SIZE)) else { fatalError("av_mallocz: out of memory") }
        let data = buffer.assumingMemoryBound(to: UInt8.self)
        data.update(from: bytes, count: bytes.count)
        parameters.pointee.extradata = data
        parameters.pointee.extradata_size = Int32(bytes.count)
    }

    init(timeBase: Rational, configure: (UnsafeMutablePointer<AVCodecParameters>) throws(FFmpegError) -> Void) throws(FFmpegError) {
        sourceTimeBase = timeBase
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        try check(avformat_alloc_output_context2(&ctx, nil, "mp4", nil), "avformat_alloc_output_context2")
        format = ctx
        guard let stream = avformat_new_stream(ctx, nil) else { fatalError("avformat_new_stream: out of memory") }
        stream.pointee.time_base = timeBase.avRational
        try configure(stream.pointee.codecpar)
        let bufferSize: Int32 = 1 << 16
        let buffer = av_malloc(Int(bufferSize))!.assumingMemoryBound(to: UInt8.self)
        let opaque = Unmanaged.passUnretained(sink).toOpaque()
        io = avio_alloc_context(buffer, bufferSize, 1, opaque, nil, { opaque, data, size in
            let sink = Unmanaged<SegmentFileSink>.fromOpaque(opaque!).takeUnretainedValue()
            return sink.write(data!, Int(size))
        }, nil)
        ctx!.pointee.pb = io
        ctx!.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        ctx!.pointee.avoid_negative_ts = AVFMT_AVOID_NEG_TS_DISABLED
    }

    deinit {
        if let format {
            format.pointee.pb = nil
            avformat_free_context(format)
        }
        if io != nil {
            av_freep(&io!.pointee.buffer)
            avio_context_free(&io)
        }
    }

    /// Writes the init segment (ftyp + moov) to `path`.
    public func writeInit(to path: String) throws(FFmpegError) {
        try sink.open(path)
        var options: OpaquePointer?
        av_dict_set(&options, "movflags", "+frag_custom+empty_moov+default_base_moof+frag_discont+skip_trailer", 0)
        // tfdt is the first packet's own decode time (`frag_discont` without edit lists), not zero.
        av_dict_set(&options, "use_editlist", "0", 0)
        let result = avformat_write_header(format, &options)
        av_dict_free(&options)
        try check(result, "avformat_write_header", subject: path)
        headerWritten = true
        try flush()
        sink.close()
    }

    /// Ends the current fragment (if any) and sends the following packets to a new segment file.
    public func startSegment(at path: String) throws(FFmpegError) {
        try endFragment()
        try sink.open(path)
        fragmentOpen = true
    }

    /// Adds a packet whose timestamps are in the encoder's (or copied stream's) time base.
    public func write(_ packet: Packet) throws(FFmpegError) {
        precondition(fragmentOpen, "startSegment before write")
        let stream = format!.pointee.streams[0]!
        packet.setStreamIndex(0)
        packet.rescaleTimestamps(from: sourceTimeBase, to: Rational(stream.pointee.time_base))
        let result = av_write_frame(format, packet.pointer)
        if let failure = sink.failure { throw failure }
        try check(result, "av_write_frame", subject: sink.path)
    }

    /// Writes the last fragment and closes its file. The muxer's trailer goes nowhere.
    public func finish() throws(FFmpegError) {
        try endFragment()
        if headerWritten {
            _ = av_write_trailer(format)
            headerWritten = false
        }
    }

    private func endFragment() throws(FFmpegError) {
        guard fragmentOpen else { return }
        let path = sink.path
        try check(av_write_frame(format, nil), "av_write_frame(flush)", subject: path)
        try flush()
        sink.close()
        fragmentOpen = false
    }

    private func flush() throws(FFmpegError) {
        avio_flush(io)
        if let failure = sink.failure { throw failure }
        if let io, io.pointee.error < 0 { throw FFmpegError(call: "avio_flush", code: io.pointee.error, subject: sink.path) }
    }
}

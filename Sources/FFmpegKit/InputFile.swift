import CFFmpeg
import Foundation
import MediaCore

/// An opened media file (`AVFormatContext` for demuxing), closed exactly once in `deinit`.
///
/// Streams are exposed as indices and value descriptions, never as pointers that could outlive the
/// context. Opening checks the usual user mistakes (missing, a directory, empty) first so the error names
/// the real problem instead of FFmpeg's generic "Invalid data found".
public final class InputFile {
    var context: UnsafeMutablePointer<AVFormatContext>?
    public let path: String

    public init(path: String) throws(FFmpegError) {
        self.path = path
        try InputFile.checkReadable(path)
        FFmpegLog.installCallback()
        FFmpegLog.clearLastError()
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        // As the ffmpeg and ffprobe tools do: read every PMT of an MPEG-TS, so programs announced late are
        // found and stream facts (bit rates) match what users see from ffprobe.
        var options: OpaquePointer?
        av_dict_set(&options, "scan_all_pmts", "1", AV_DICT_DONT_OVERWRITE)
        let opened = avformat_open_input(&ctx, path, nil, &options)
        av_dict_free(&options)
        if opened < 0 {
            // avformat_open_input frees the context itself on failure.
            throw InputFile.openFailure(code: opened, path: path, detail: FFmpegLog.lastError())
        }
        context = ctx
        FFmpegLog.clearLastError()
        let found = avformat_find_stream_info(ctx, nil)
        if found < 0 {
            avformat_close_input(&context)
            throw FFmpegError(call: "avformat_find_stream_info", code: found, subject: path,
                              detail: FFmpegLog.lastError())
        }
    }

    deinit {
        avformat_close_input(&context)
    }

    var formatContext: UnsafeMutablePointer<AVFormatContext> {
        guard let context else { preconditionFailure("InputFile used after close") }
        return context
    }

    public var streamCount: Int { Int(formatContext.pointee.nb_streams) }

    func stream(at index: Int) -> UnsafeMutablePointer<AVStream> {
        precondition(index >= 0 && index < streamCount, "stream index \(index) out of range")
        return formatContext.pointee.streams[index]!
    }

    /// The stream's time base (packet timestamps are in these units).
    public func timeBase(ofStream index: Int) -> Rational {
        let tb = stream(at: index).pointee.time_base
        return Rational(Int(tb.num), Int(tb.den))
    }

    /// Reads the next packet into `packet`; returns false at the end of the file.
    /// A read error other than end-of-file (a truncated or corrupt file) is thrown.
    public func readPacket(into packet: Packet) throws(FFmpegError) -> Bool {
        packet.unref()
        let result = av_read_frame(formatContext, packet.pointer)
        if result == MS_AVERROR_EOF { return false }
        try check(result, "av_read_frame", subject: path)
        return true
    }

    /// Seeks to the keyframe at or before `seconds` across all streams.
    public func seek(toSeconds seconds: Double) throws(FFmpegError) {
        let ts = Int64(seconds * Double(MS_AV_TIME_BASE))
        try check(avformat_seek_file(formatContext, -1, Int64.min, ts, ts, 0), "avformat_seek_file", subject: path)
    }

    static func checkReadable(_ path: String) throws(FFmpegError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FFmpegError(call: "open", message: "no such file", subject: path)
        }
        if isDirectory.boolValue {
            throw FFmpegError(call: "open", message: "is a directory, not a media file", subject: path)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw FFmpegError(call: "open", message: "permission denied", subject: path)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        if size == 0 {
            throw FFmpegError(call: "open", message: "file is empty (0 bytes)", subject: path)
        }
    }
}

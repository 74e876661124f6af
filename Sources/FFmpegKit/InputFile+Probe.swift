import CFFmpeg
import MediaCore

extension InputFile {
    /// Opens `path` and reads what it holds, refusing files ingest could do nothing with.
    ///
    /// Throws for everything `init(path:)` rejects (missing, a directory, empty, not media, an MP4 cut
    /// before its index) and for a file with no audio or video stream (subtitles or data only).
    /// Streams FFmpeg has no decoder for are still described, from what the container says.
    public static func probe(path: String) throws(FFmpegError) -> SourceProbe {
        let file = try InputFile(path: path)
        let probe = file.probe()
        try probe.requireAudioOrVideo()
        return probe
    }

    /// The container and every stream as libavformat sees them after `avformat_find_stream_info`,
    /// with the same meanings as `ffprobe -show_format -show_streams` (see `StreamProbe+AVStream.swift`
    /// for the few places where we differ on purpose).
    public func probe() -> SourceProbe {
        let context = formatContext
        let format = context.pointee.iformat.pointee
        let duration = context.pointee.duration
        let bitRate = context.pointee.bit_rate
        var size: Int64?
        if let io = context.pointee.pb {
            let bytes = avio_size(io)
            size = bytes >= 0 ? bytes : nil
        }
        return SourceProbe(
            path: path,
            container: String(cString: format.name),
            containerLongName: format.long_name.map { String(cString: $0) },
            duration: duration == MS_AV_NOPTS_VALUE ? nil : Double(duration) / Double(MS_AV_TIME_BASE),
            bitRate: bitRate > 0 ? Int(bitRate) : nil,
            size: size,
            streams: (0..<streamCount).map { StreamProbe(stream: stream(at: $0), in: context) }
        )
    }
}

extension SourceProbe {
    /// Throws unless the file has an audio stream or a video stream that is not a cover picture:
    /// a subtitle-only or data-only file is valid media, but nothing mediaserve can ingest.
    func requireAudioOrVideo() throws(FFmpegError) {
        if primaryVideo != nil || primaryAudio != nil { return }
        throw FFmpegError(call: "probe", message: "no audio or video stream to ingest (\(streamSummary))",
                          subject: path)
    }

    /// "the file holds 1 subtitle stream", "the file holds no streams at all".
    var streamSummary: String {
        if streams.isEmpty { return "the file holds no streams at all" }
        var counts: [(String, Int)] = []
        for stream in streams {
            let kind = stream.isAttachedPicture ? "cover picture" : stream.type.rawValue
            if let at = counts.firstIndex(where: { $0.0 == kind }) {
                counts[at].1 += 1
            } else {
                counts.append((kind, 1))
            }
        }
        let parts = counts.map { kind, count in
            count == 1 ? "1 \(kind) stream" : "\(count) \(kind) streams"
        }
        return "the file holds " + parts.joined(separator: ", ")
    }
}

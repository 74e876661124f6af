import CFFmpeg
import Foundation
import MediaCore

/// Poster images for an asset: one decoded frame near a chosen time, avoiding black frames (fades,
/// slates), scaled and encoded as JPEG (FFmpeg's MJPEG encoder).
public enum PosterFrame {
    /// A frame whose sampled mean luma (0-255) is below this counts as black.
    static let blackLuma = 24.0
    /// How far past the wanted time to look for a frame that is not black.
    static let searchSeconds = 10.0

    /// One JPEG to write: its display size and file.
    public struct Output: Sendable {
        public var width: Int
        public var height: Int
        public var path: String

        public init(width: Int, height: Int, path: String) {
            self.width = width
            self.height = height
            self.path = path
        }
    }

    /// Decodes the first video stream of `source` from `seconds` on and writes the first frame that is
    /// not black (or the brightest within `searchSeconds`) to every output. Each file is written to a
    /// temporary name and renamed, so no half-written JPEG exists under its name.
    public static func write(source: String, atSeconds seconds: Double, outputs: [Output]) throws(FFmpegError) {
        let input = try InputFile(path: source)
        guard let streamIndex = (0..<input.streamCount).first(where: { index in
            let stream = input.stream(at: index)
            return stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
                && stream.pointee.disposition & MS_AV_DISPOSITION_ATTACHED_PIC == 0
        }) else {
            throw FFmpegError(call: "poster", message: "the source has no video stream", subject: source)
        }
        let decoder = try Decoder(input: input, streamIndex: streamIndex, threads: 1)
        if seconds > 0 { try input.seek(toSeconds: seconds) }
        let timeBase = input.timeBase(ofStream: streamIndex)
        let packet = Packet(), frame = Frame()
        var best: (luma: Double, frame: Frame)?
        func consider() -> Bool {
            let pts = frame.pointer.pointee.best_effort_timestamp
            let time = pts == MS_AV_NOPTS_VALUE ? seconds : Double(pts) * Double(timeBase.numerator) / Double(timeBase.denominator)
            guard time + 0.001 >= seconds else { return false }
            let luma = meanLuma(frame)
            if best == nil || luma > best!.luma { best = (luma, frame.reference()) }
            return luma >= blackLuma || time > seconds + searchSeconds
        }
        var done = false, draining = false
        while !done {
            if !draining {
                if try input.readPacket(into: packet) {
                    guard Int(packet.pointer.pointee.stream_index) == streamIndex else { continue }
                    _ = try decoder.send(packet)
                } else {
                    _ = try decoder.send(nil)
                    draining = true
                }
            }
            var received = false
            while try decoder.receive(into: frame) {
                received = true
                if consider() { done = true; break }
            }
            if draining && !received { break }
        }
        guard let chosen = best?.frame else {
            throw FFmpegError(call: "poster", message: "no video frame decoded at or after \(seconds) s", subject: source)
        }
        for output in outputs {
            try writeJPEG(chosen, format: decoder.sourceFormat(of: chosen), output: output)
        }
    }

    /// Mean of the luma plane sampled on a 16-pixel grid; for formats without a luma plane first, 128.
    static func meanLuma(_ frame: Frame) -> Double {
        let f = frame.pointer.pointee
        guard let descriptor = av_pix_fmt_desc_get(AVPixelFormat(f.format)),
              descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) == 0,
              descriptor.pointee.comp.0.depth == 8, let plane = f.data.0, f.width > 0, f.height > 0 else { return 128 }
        var total = 0.0, count = 0.0
        for y in stride(from: 0, to: Int(f.height), by: 16) {
            let row = plane + y * Int(f.linesize.0)
            for x in stride(from: 0, to: Int(f.width), by: 16) {
                total += Double(row[x])
                count += 1
            }
        }
        return count > 0 ? total / count : 128
    }

    static func writeJPEG(_ frame: Frame, format: FilterSource, output: Output) throws(FFmpegError) {
        let graph = try FilterGraph(source: format, filters: "scale=\(output.width):\(output.height):flags=bicubic,setsar=1,format=yuvj420p")
        try graph.push(frame.reference())
        try graph.push(nil)
        let scaled = Frame()
        guard try graph.pull(into: scaled) else {
            throw FFmpegError(call: "poster", message: "the scaler gave no frame", subject: output.path)
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw FFmpegError(call: "avcodec_find_encoder", message: "the MJPEG encoder is not available")
        }
        guard let context = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        defer { var owned: UnsafeMutablePointer<AVCodecContext>? = context; avcodec_free_context(&owned) }
        context.pointee.width = Int32(output.width)
        context.pointee.height = Int32(output.height)
        context.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        context.pointee.color_range = AVCOL_RANGE_JPEG
        context.pointee.time_base = AVRational(num: 1, den: 25)
        // Fixed quality (qscale 3: visually clean, a few tens of kB at 720p).
        context.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
        context.pointee.global_quality = 3 * Int32(FF_QP2LAMBDA)
        try check(avcodec_open2(context, codec, nil), "avcodec_open2", subject: "mjpeg \(output.width)x\(output.height)")
        scaled.pointer.pointee.quality = 3 * Int32(FF_QP2LAMBDA)
        scaled.pointer.pointee.pts = 0
        try check(avcodec_send_frame(context, scaled.pointer), "avcodec_send_frame", subject: "mjpeg")
        try check(avcodec_send_frame(context, nil), "avcodec_send_frame", subject: "mjpeg")
        let packet = Packet()
        try check(avcodec_receive_packet(context, packet.pointer), "avcodec_receive_packet", subject: "mjpeg")
        let temporary = output.path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(packet.bytes)) else {
            throw FFmpegError(call: "write", message: "cannot write \(temporary)", subject: output.path)
        }
        if rename(temporary, output.path) != 0 {
            unlink(temporary)
            throw FFmpegError(call: "rename", message: String(cString: strerror(errno)), subject: output.path)
        }
    }
}

import CFFmpeg
import Foundation

extension InputFile {
    /// The error for a failed `avformat_open_input`, in words that name the real problem.
    ///
    /// FFmpeg says "Invalid data found when processing input" both for a text file and for an MP4 cut
    /// short before its `moov` box (a recording that was never finished, an interrupted copy). The two
    /// need different fixes, so the first bytes decide: an ISO BMFF box header means a damaged MP4/MOV.
    static func openFailure(code: Int32, path: String, detail: String?) -> FFmpegError {
        let call = "avformat_open_input"
        guard code == MS_AVERROR_INVALIDDATA else {
            return FFmpegError(call: call, code: code, subject: path, detail: detail)
        }
        if startsWithISOBox(path) {
            if let detail, detail.contains("moov atom not found") {
                return FFmpegError(
                    call: call, code: code,
                    explanation: "MP4/MOV file without its moov box (the index): the file is truncated or its recording was never finished",
                    subject: path, detail: detail)
            }
            let reason = detail.map { " (\($0))" } ?? ""
            return FFmpegError(call: call, code: code, explanation: "damaged MP4/MOV file\(reason)",
                               subject: path, detail: detail)
        }
        return FFmpegError(call: call, code: code,
                           explanation: "not a media file: FFmpeg recognises no audio/video format in it",
                           subject: path, detail: detail)
    }

    /// True when the file begins like an ISO base media file: a 32-bit size, then a known top-level box type.
    static func startsWithISOBox(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 8), head.count == 8 else { return false }
        let type = String(decoding: head.suffix(4), as: UTF8.self)
        return ["ftyp", "moov", "mdat", "free", "wide", "skip", "styp", "moof"].contains(type)
    }
}

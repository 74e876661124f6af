import CFFmpeg

/// A failed FFmpeg call: which call, FFmpeg's own words for the code (`av_strerror`), and the file or
/// stream it concerns, so the one line a user sees says what to fix.
public struct FFmpegError: Error, CustomStringConvertible, Equatable {
    public var call: String
    public var code: Int32
    public var message: String
    public var subject: String?

    public init(call: String, code: Int32, subject: String? = nil) {
        self.call = call
        self.code = code
        self.message = FFmpegError.text(for: code)
        self.subject = subject
    }

    /// An error raised by our own checks around FFmpeg (no return code to explain it).
    public init(call: String, message: String, subject: String? = nil) {
        self.call = call
        self.code = MS_AVERROR_EINVAL
        self.message = message
        self.subject = subject
    }

    public var isEndOfFile: Bool { code == MS_AVERROR_EOF }
    public var isTryAgain: Bool { code == MS_AVERROR_EAGAIN }

    public var description: String {
        let prefix = subject.map { "\($0): " } ?? ""
        return "\(prefix)\(message) (\(call))"
    }

    static func text(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        ms_av_strerror(code, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Turns FFmpeg's "negative means error" convention into a thrown `FFmpegError` naming the call.
@discardableResult
func check(_ result: Int32, _ call: @autoclosure () -> String, subject: String? = nil) throws(FFmpegError) -> Int32 {
    if result < 0 { throw FFmpegError(call: call(), code: result, subject: subject) }
    return result
}

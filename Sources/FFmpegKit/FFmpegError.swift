import CFFmpeg

/// A failed FFmpeg call: which call, FFmpeg's own words for the code (`av_strerror`), and the file or
/// stream it concerns, so the one line a user sees says what to fix.
///
/// Three kinds of message, told apart by `description`:
/// - raw: FFmpeg's text for the code, plus the call and the line FFmpeg logged (`detail`), for errors we
///   have no better words for;
/// - explained: our own sentence for a code we understand (a truncated MP4, a text file), call omitted;
/// - own checks (missing file, directory, no audio or video stream), call omitted.
public struct FFmpegError: Error, CustomStringConvertible, Equatable {
    public var call: String
    public var code: Int32
    public var message: String
    public var subject: String?
    /// The error line FFmpeg logged while the call ran (e.g. "moov atom not found"), when it logged one.
    public var detail: String?
    /// True when `message` is FFmpeg's generic text for `code`, so the call and `detail` help the reader.
    public var isRaw: Bool

    public init(call: String, code: Int32, subject: String? = nil) {
        self.init(call: call, code: code, subject: subject, detail: nil)
    }

    /// A failed call with the line FFmpeg logged while it ran.
    public init(call: String, code: Int32, subject: String?, detail: String?) {
        self.call = call
        self.code = code
        self.message = FFmpegError.text(for: code)
        self.subject = subject
        self.detail = detail
        self.isRaw = true
    }

    /// A failed call whose code we understand, told in our own words (`code` is kept for callers).
    public init(call: String, code: Int32, explanation: String, subject: String?, detail: String? = nil) {
        self.call = call
        self.code = code
        self.message = explanation
        self.subject = subject
        self.detail = detail
        self.isRaw = false
    }

    /// An error raised by our own checks around FFmpeg (no return code to explain it).
    public init(call: String, message: String, subject: String? = nil) {
        self.call = call
        self.code = MS_AVERROR_EINVAL
        self.message = message
        self.subject = subject
        self.detail = nil
        self.isRaw = false
    }

    public var isEndOfFile: Bool { code == MS_AVERROR_EOF }
    public var isTryAgain: Bool { code == MS_AVERROR_EAGAIN }

    public var description: String {
        let prefix = subject.map { "\($0): " } ?? ""
        guard isRaw else { return "\(prefix)\(message)" }
        let because = detail.map { ": \($0)" } ?? ""
        return "\(prefix)\(message) (\(call)\(because))"
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

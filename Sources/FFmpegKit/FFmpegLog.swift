import CFFmpeg
import Foundation

/// FFmpeg's own log output. Quiet by default so a bad file gives our one-line error, not a page of
/// libavformat chatter; `--verbose` turns it back on.
///
/// Whatever the level, the last error line FFmpeg logs on the calling thread is kept (see the callback in
/// CFFmpeg's shim), so an `FFmpegError` can carry FFmpeg's reason ("moov atom not found") even when
/// nothing was printed.
public enum FFmpegLog {
    public static func setVerbose(_ verbose: Bool) {
        installCallback()
        av_log_set_level(verbose ? AV_LOG_INFO : AV_LOG_QUIET)
    }

    /// Routes av_log through the capturing callback; cheap and idempotent, called before any FFmpeg work
    /// whose failure we want to explain.
    static func installCallback() {
        ms_log_install_callback()
    }

    /// Forgets the last captured line, so a following `lastError()` only reports what the next call logged.
    static func clearLastError() {
        ms_log_clear_last_error()
    }

    /// The last error-level line FFmpeg logged on this thread since `clearLastError()`, trimmed; nil if none.
    static func lastError() -> String? {
        let line = String(cString: ms_log_last_error()).trimmingCharacters(in: .whitespacesAndNewlines)
        return line.isEmpty ? nil : line
    }
}

import CFFmpeg

/// FFmpeg's own log output. Quiet by default so a bad file gives our one-line error, not a page of
/// libavformat chatter; `--verbose` turns it back on.
public enum FFmpegLog {
    public static func setVerbose(_ verbose: Bool) {
        av_log_set_level(verbose ? AV_LOG_INFO : AV_LOG_QUIET)
    }
}

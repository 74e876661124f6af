#ifndef MEDIASERVE_CFFMPEG_SHIM_H
#define MEDIASERVE_CFFMPEG_SHIM_H
// What Swift cannot import from FFmpeg's headers: function-like macros (AVERROR, FFERRTAG) and
// values built from them. Each becomes a static const or static inline here; nothing else belongs here,
// except the av_log callback below (it must format a va_list, which Swift cannot).
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
#include <libavutil/timestamp.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
#include <stdarg.h>
#include <stdio.h>

static const int MS_AVERROR_EOF = AVERROR_EOF;
static const int MS_AVERROR_EAGAIN = AVERROR(EAGAIN);
static const int MS_AVERROR_ENOMEM = AVERROR(ENOMEM);
static const int MS_AVERROR_EINVAL = AVERROR(EINVAL);
static const int MS_AVERROR_ENOENT = AVERROR(ENOENT);
static const int MS_AVERROR_EIO = AVERROR(EIO);
static const int MS_AVERROR_ENOSPC = AVERROR(ENOSPC);
static const int MS_AVERROR_INVALIDDATA = AVERROR_INVALIDDATA;
static const int MS_AVERROR_DECODER_NOT_FOUND = AVERROR_DECODER_NOT_FOUND;
static const int MS_AVERROR_STREAM_NOT_FOUND = AVERROR_STREAM_NOT_FOUND;
static const int64_t MS_AV_NOPTS_VALUE = AV_NOPTS_VALUE;
static const int MS_AV_TIME_BASE = AV_TIME_BASE;
static const int MS_AV_DISPOSITION_ATTACHED_PIC = AV_DISPOSITION_ATTACHED_PIC;
static const int MS_FF_PROFILE_UNKNOWN = FF_PROFILE_UNKNOWN;

/// av_err2str is a macro over a compound literal; this fills a caller buffer instead.
static inline void ms_av_strerror(int code, char *buf, size_t size) {
    if (av_strerror(code, buf, size) < 0) {
        snprintf(buf, size, "FFmpeg error %d", code);
    }
}

/// The time base AV_TIME_BASE_Q as a value (the macro is a compound literal).
static inline AVRational ms_av_time_base_q(void) {
    AVRational q = {1, AV_TIME_BASE};
    return q;
}

/// The last error-level line FFmpeg logged on this thread. av_log's callback takes a va_list, which Swift
/// cannot format, so the callback lives here: it keeps the line (so our one-line errors can say *why*, e.g.
/// "moov atom not found") and then hands everything to the default callback, which still honours
/// av_log_set_level (quiet unless --verbose). Thread-local because decoders log from their own threads.
/// (A function-local static: Swift emits the inline functions it calls, but not a header's globals.)
enum { MS_LOG_LINE_SIZE = 256 };
static inline char *ms_log_last_error_line(void) {
    static _Thread_local char line[MS_LOG_LINE_SIZE];
    return line;
}

static inline void ms_log_callback(void *avcl, int level, const char *fmt, va_list vl) {
    if (level <= AV_LOG_ERROR && fmt != NULL) {
        va_list copy;
        va_copy(copy, vl);
        vsnprintf(ms_log_last_error_line(), MS_LOG_LINE_SIZE, fmt, copy);
        va_end(copy);
    }
    av_log_default_callback(avcl, level, fmt, vl);
}

static inline void ms_log_install_callback(void) { av_log_set_callback(ms_log_callback); }
static inline void ms_log_clear_last_error(void) { ms_log_last_error_line()[0] = 0; }
static inline const char *ms_log_last_error(void) { return ms_log_last_error_line(); }

#endif

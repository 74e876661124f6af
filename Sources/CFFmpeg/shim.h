#ifndef MEDIASERVE_CFFMPEG_SHIM_H
#define MEDIASERVE_CFFMPEG_SHIM_H
// What Swift cannot import from FFmpeg's headers: function-like macros (AVERROR, FFERRTAG) and
// values built from them. Each becomes a static const or static inline here; nothing else belongs here.
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

#endif

#ifndef MEDIASERVE_CSRT_SHIM_H
#define MEDIASERVE_CSRT_SHIM_H
// libsrt (Debian: libsrt-gnutls-dev, pkg-config `srt`): the SRT API and the access-control reject codes
// (SRT_REJX_*, plain integer macros Swift imports as they are). Every libsrt constant Swift needs imports
// directly (SRT_INVALID_SOCK and SRT_ERROR are static consts in srt.h), so nothing else is here yet.
#include <srt/srt.h>
#include <srt/access_control.h>

#endif

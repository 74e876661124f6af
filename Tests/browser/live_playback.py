"""Live cases of the browser test: ffmpeg publishes over RTMP to the running `mediaserve serve`, then
ffprobe and the preview page (headless Chromium, Video.js) play the stream live over HLS and DASH.

A case passes when the served manifest is live (HLS without EXT-X-ENDLIST, DASH type="dynamic"), ffprobe
reads H.264 and AAC from it, the player treats the source as live (infinite duration), currentTime
advances, and a seek back inside the DVR window lands there and keeps playing.
"""
import json
import re
import subprocess
import sys
import time
import urllib.request

STREAM = "browser-live"
SEGMENT_SECONDS = 6
# The seek-back check needs a DVR window deeper than the players' live-edge distance (3 segments in
# VHS) plus 6 s: with 6 s segments, six finished segments are enough.
SEGMENTS_FOR_DVR = 6


def create_stream(api):
    """POST /api/v1/live-streams; returns its publishing key."""
    body = json.dumps({"id": STREAM, "dvr_window_seconds": 600}).encode()
    stream = api("POST", "/live-streams", body)
    if not stream.get("key") or f"/live/{stream['key']}" not in (stream.get("rtmpUrl") or ""):
        raise SystemExit(f"live stream created without a key and RTMP URL: {stream}")
    return stream["key"]


def start_publisher(rtmp_url, seconds=150):
    """Encodes a 640x360 30 fps test pattern with 1 s GOPs in real time and publishes it."""
    args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
            "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", "-f", "flv", rtmp_url]
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def fetch_text(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def video_playlist(base):
    """The live HLS video media playlist, via the multivariant playlist."""
    master = fetch_text(f"{base}/live/{STREAM}/master.m3u8")
    uri = next(line for line in master.splitlines() if line and not line.startswith("#"))
    return fetch_text(f"{base}/live/{STREAM}/{uri}")


def wait_for_segments(base, publisher, count, timeout):
    """Polls the live playlist until `count` segments are listed; returns how many are."""
    deadline = time.time() + timeout
    seen = 0
    while time.time() < deadline:
        if publisher.poll() is not None:
            raise SystemExit(f"the RTMP publisher exited ({publisher.returncode}): {publisher.stderr.read()}")
        try:
            seen = video_playlist(base).count("#EXTINF")
        except (OSError, StopIteration):
            seen = 0
        if seen >= count:
            return seen
        time.sleep(1)
    raise SystemExit(f"live stream listed {seen} segments after {timeout} s (wanted {count})")


def manifest_is_live(base, fmt):
    """What the origin serves: a media playlist without ENDLIST, or a dynamic MPD."""
    if fmt == "hls":
        playlist = video_playlist(base)
        return "#EXT-X-ENDLIST" not in playlist and "#EXTINF" in playlist
    mpd = fetch_text(f"{base}/live/{STREAM}/manifest.mpd")
    return re.search(r'\btype="dynamic"', mpd) is not None


def ffprobe_reads(base, fmt):
    """ffprobe opens the live manifest and finds the H.264 video and AAC audio."""
    url = f"{base}/live/{STREAM}/" + ("master.m3u8" if fmt == "hls" else "manifest.mpd")
    result = subprocess.run(["ffprobe", "-v", "error", "-rw_timeout", "10000000", "-show_entries",
                             "stream=codec_name", "-of", "json", url],
                            capture_output=True, text=True, timeout=60)
    codecs = {stream.get("codec_name") for stream in json.loads(result.stdout or "{}").get("streams", [])}
    if result.returncode != 0 or not {"h264", "aac"} <= codecs:
        print(f"browser: live {fmt.upper()} ffprobe found {sorted(c for c in codecs if c)}: {result.stderr.strip()[:300]}",
              file=sys.stderr)
        return False
    return True


# Player state: currentTime, seekable range, duration (Infinity when live), the VHS media playlist's
# endList flag (Video.js 7 names the handler `hls`, later versions `vhs`), readyState, errors.
PLAYER_STATE = """
var p = window.mediaservePreview && window.mediaservePreview.player();
var v = document.querySelector('video');
if (!p || !v) return null;
var tech = p.tech({IWillNotUseThisInPlugins: true});
var handler = tech && (tech.vhs || tech.hls);
var media = handler && handler.playlists && handler.playlists.media();
var s = v.seekable;
return {time: v.currentTime, ready: v.readyState, paused: v.paused, seeking: v.seeking,
        duration: String(p.duration()),
        start: s.length ? s.start(0) : null, end: s.length ? s.end(s.length - 1) : null,
        endList: media ? !!media.endList : null,
        status: document.getElementById('status').textContent,
        error: (v.error && v.error.message) || ''};
"""


def poll(driver, condition, timeout):
    """Runs PLAYER_STATE until `condition(state)` holds; returns (held, last state)."""
    deadline = time.time() + timeout
    state = None
    while time.time() < deadline:
        state = driver.execute_script(PLAYER_STATE)
        if state and condition(state):
            return True, state
        time.sleep(0.5)
    return False, state


def fail(fmt, what, state, driver):
    print(f"browser: live {fmt.upper()} {what}: {state}", file=sys.stderr)
    for entry in driver.get_log("browser")[-15:]:
        print("  console:", entry.get("message"), file=sys.stderr)
    return False


def assert_plays_live(driver, base, fmt):
    """One live case: served manifest, ffprobe, and the preview page playing and seeking back."""
    if not manifest_is_live(base, fmt):
        print(f"browser: live {fmt.upper()} manifest is not live (ENDLIST or static MPD)", file=sys.stderr)
        return False
    if not ffprobe_reads(base, fmt):
        return False
    driver.get(f"{base}/?asset={STREAM}&format={fmt}")
    started, state = poll(driver, lambda s: s["time"] > 0 and s["ready"] >= 3 and not s["paused"], 30)
    if not started:
        return fail(fmt, "did not start", state, driver)
    if state["duration"] != "Infinity" or state["endList"] is not False:
        return fail(fmt, "is not treated as live (duration must be Infinity, endList false)", state, driver)
    first = state["time"]
    advanced, state = poll(driver, lambda s: s["time"] > first + 2, 15)
    if not advanced:
        return fail(fmt, "currentTime did not advance", state, driver)
    if state["start"] is None or state["end"] is None or not state["start"] < state["end"] - SEGMENT_SECONDS:
        return fail(fmt, f"has no DVR window (seekable must start {SEGMENT_SECONDS} s before the live edge)", state, driver)
    edge = state["end"]
    target = state["start"] + 1
    # Through the player, as its seek bar does (VHS acts on its own seeks, not on the element's).
    driver.execute_script("window.mediaservePreview.player().currentTime(arguments[0]);", target)
    landed, state = poll(driver, lambda s: not s["seeking"] and target - 1 <= s["time"] <= target + 4 and s["ready"] >= 3, 20)
    if not landed:
        return fail(fmt, f"seek back to {target:.1f} s did not land", state, driver)
    resumed_from = state["time"]
    resumed, state = poll(driver, lambda s: s["time"] > resumed_from + 1.5, 15)
    if not resumed or state["time"] >= edge - SEGMENT_SECONDS:
        return fail(fmt, f"did not keep playing behind the live edge after seeking to {target:.1f} s", state, driver)
    print(f"browser: live {fmt.upper()} playing, seekable {state['start']:.1f}-{state['end']:.1f} s, "
          f"seeked back to {target:.1f} s and played on to {state['time']:.1f} s")
    return True

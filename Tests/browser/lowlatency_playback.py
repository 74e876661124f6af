#!/usr/bin/env python3
"""hls.js in headless Chromium plays a low-latency live stream (issue 15) and its latency is measured.

A real `mediaserve serve` with `live.low_latency.enabled`, ffmpeg publishing a 30 fps test pattern with
1 s GOPs over RTMP in real time, and a page (served from a local folder on another port, so the origin's
CORS headers are exercised) that plays the stream with hls.js 1.6 in `lowLatencyMode`. Latency is
glass-to-player: `Date.now()` against `hls.playingDate`, the EXT-X-PROGRAM-DATE-TIME of the frame on
screen, which the origin stamps with the arrival time of the segment's first sample. The same machine's
clock is on both sides.

Passes when hls.js plays in low-latency mode with blocking reloads (its level details show parts and
CAN-BLOCK-RELOAD) and the median latency over the measuring window stays at or under --target seconds.

    /usr/bin/python3 Tests/browser/lowlatency_playback.py --binary .build/debug/mediaserve --hlsjs .player
Needs chromium, chromium-driver, python3-selenium (scripts/install-deps.sh browser) and hls.js
(scripts/fetch-player.sh puts it there as hls.js). `--json` prints the figures for `make bench-live`.
"""
import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import preview_playback  # noqa: E402
from preview_playback import API_KEY, make_driver  # noqa: E402

STREAM = "ll-browser"

PAGE = """<!doctype html>
<html><body><video id="v" muted autoplay playsinline></video>
<script type="module">
import { Hls } from './hls.mjs';
const v = document.getElementById('v');
// A low-latency player's usual settings: hls.js's catch-up (maxLiveSyncPlaybackRate, default 1 = off) plays
// up to 1.5x when behind its target (PART-HOLD-BACK), and liveMaxLatencyDurationCount (default: never) jumps
// back to the live edge when more than two target durations behind, e.g. after a slow start.
const hls = new Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, liveSyncDurationCount: 1, liveMaxLatencyDurationCount: 2 });
window.hlsErrors = [];
hls.on(Hls.Events.ERROR, (event, data) => window.hlsErrors.push(data.details + (data.fatal ? ' (fatal)' : '')));
// Levels whose fragments (or parts) were appended to the media buffer: fetched and accepted by the decoder.
window.buffered = {};
hls.on(Hls.Events.FRAG_BUFFERED, (event, data) => {
  if (data.frag.type === 'main') window.buffered[data.frag.level] = (window.buffered[data.frag.level] || 0) + 1;
});
window.levelNames = () => hls.levels.map(l => `${l.width}x${l.height}`);
window.pickLevel = (i) => { hls.currentLevel = i; };
hls.loadSource(SOURCE_URL);
hls.attachMedia(v);
v.play().catch(() => {});
window.sample = () => {
  const details = hls.latestLevelDetails || null;
  return { time: v.currentTime, ready: v.readyState, paused: v.paused, version: Hls.version,
           playing: hls.playingDate ? hls.playingDate.getTime() : null, now: Date.now(),
           hlsLatency: hls.latency, targetLatency: hls.targetLatency, lowLatencyMode: hls.lowLatencyMode,
           parts: details && details.partList ? details.partList.length : 0,
           canBlockReload: details ? !!details.canBlockReload : false,
           ranges: Array.from({length: v.buffered.length}, (_, i) => [v.buffered.start(i), v.buffered.end(i)]),
           edge: details ? details.edge : null, liveSync: hls.liveSyncPosition,
           levels: hls.levels.length, level: hls.currentLevel, buffered: window.buffered,
           decodedFrames: v.getVideoPlaybackQuality ? v.getVideoPlaybackQuality().totalVideoFrames : null,
           errors: window.hlsErrors.slice(-5) };
};
window.hlsReady = true;
</script></body></html>
"""


def start_server(binary, data_dir, part_ms, segment_seconds, max_lag_ms=None):
    """`mediaserve serve` with low latency on free ports; returns (process, HTTP port, RTMP port)."""
    return preview_playback.start_server(binary, data_dir, None, settings=[
        "live.low_latency.enabled=true", f"live.low_latency.part_milliseconds={part_ms}",
        f"live.segment_seconds={segment_seconds}"] + ([f"live.transcode.max_lag_ms={max_lag_ms}"] if max_lag_ms else []))


def api(port, method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", data=body, method=method,
                                     headers={"Authorization": "Bearer " + API_KEY, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read().decode() or "{}")


def start_publisher(rtmp_url, seconds):
    """A 640x360 30 fps test pattern, x264 zerolatency with 1 s GOPs, AAC, in real time."""
    args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
            "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "128k", "-f", "flv", rtmp_url]
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def make_clip(path, size, seconds=20):
    """A pre-encoded clip (30 fps, 1 s GOPs, AAC) for `-c copy` publishing: a 1080p source encoded live
    would take the publisher a core of its own, on the machine that is measured."""
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds),
                    "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-keyint_min", "30", "-sc_threshold", "0",
                    "-pix_fmt", "yuv420p", "-b:v", "5M", "-c:a", "aac", "-b:a", "128k", path], check=True)


def start_clip_publisher(rtmp_url, clip, seconds):
    """The clip looped in real time, copied (no encoding in the publisher)."""
    args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", clip,
            "-t", str(seconds), "-c", "copy", "-f", "flv", rtmp_url]
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def media_playlist(port, stream, rendition):
    """{segment number: (program date time text, duration)} and the init URI of a live media playlist."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/live/{stream}/{rendition}.m3u8", timeout=10) as response:
        lines = response.read().decode().splitlines()
    sequence, entries, init, date, duration = 0, {}, None, None, None
    for line in lines:
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":")[1])
        elif line.startswith("#EXT-X-MAP:URI="):
            init = line.split('"')[1]
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date = line.split(":", 1)[1]
        elif line.startswith("#EXTINF:"):
            duration = float(line[8:].split(",")[0])
        elif line and not line.startswith("#"):
            entries[sequence + len(entries)] = (date, duration, line)
            date = None
    return entries, init


def check_ladder(port, stream, expected_sizes, work):
    """The master lists every rendition of the ladder; the last two segments every rendition has in common
    have the same numbers, program date times and durations everywhere, and each decodes (init + segment,
    ffprobe) at its rendition's size with its first picture at the same time. Returns problems (empty: fine)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/live/{stream}/master.m3u8", timeout=10) as response:
        master = response.read().decode().splitlines()
    variants = {}
    for info, uri in zip(master, master[1:]):
        if info.startswith("#EXT-X-STREAM-INF:") and "RESOLUTION=" in info:
            variants[uri[:-5]] = info.split("RESOLUTION=")[1].split(",")[0]
    problems = []
    if sorted(variants.values()) != sorted(expected_sizes):
        problems.append(f"master lists {variants}, expected sizes {expected_sizes}")
    playlists = {name: media_playlist(port, stream, name) for name in variants}
    common = sorted(set.intersection(*(set(entries) for entries, _ in playlists.values())) if playlists else [])
    if len(common) < 2:
        return problems + [f"renditions have fewer than two segments in common: {[sorted(e) for e, _ in playlists.values()]}"]
    for number in common[-2:]:
        starts = {}
        for name, (entries, init) in playlists.items():
            date, duration, uri = entries[number]
            starts.setdefault("date", set()).add(date)
            starts.setdefault("duration", set()).add(round(duration, 2))
            joined = os.path.join(work, f"{name}-{number}.mp4")
            with open(joined, "wb") as out:
                for part in (init, uri):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/live/{stream}/{part}", timeout=10) as response:
                        out.write(response.read())
            probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=width,height,pts_time",
                                    "-of", "json", joined], capture_output=True, text=True)
            frames = json.loads(probe.stdout or "{}").get("frames", []) if probe.returncode == 0 else []
            if probe.returncode or probe.stderr.strip() or not frames:
                problems.append(f"{name} segment {number} does not decode: {probe.stderr.strip()[:200]}")
                continue
            decoded = f"{frames[0]['width']}x{frames[0]['height']}"
            if decoded != variants[name]:
                problems.append(f"{name} segment {number} decodes at {decoded}, listed {variants[name]}")
            starts.setdefault("first", set()).add(round(min(float(f["pts_time"]) for f in frames), 3))
        for what, values in starts.items():
            spread = (max(values) - min(values)) if what == "first" else (0 if len(values) == 1 else 1)
            if spread > (0.034 if what == "first" else 0):
                problems.append(f"segment {number}: {what} differs between renditions: {sorted(values)}")
    return problems


def serve_page(folder):
    """The page and hls.mjs from `folder` on a free port (another origin than mediaserve's)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder)
    handler.func.extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript"}
    handler.func.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_for_playlist(port, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/live/{STREAM}/video.m3u8", timeout=5) as response:
                if "#EXT-X-PART:" in response.read().decode():
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def measure(binary, hlsjs, part_ms, segment_seconds, seconds, rungs=(), size="640x360", max_lag_ms=None):
    """Runs one stream and one player; returns the figures (raises SystemExit on a setup failure). With
    `rungs` the stream is transcoded (its ladder from a pre-encoded `size` clip) and the figures say
    whether every rendition is listed, aligned, decodable and played by hls.js."""
    work = tempfile.mkdtemp(prefix="ll-browser-")
    server = publisher = driver = page = None
    try:
        server, port, rtmp_port = start_server(binary, os.path.join(work, "data"), part_ms, segment_seconds, max_lag_ms)
        body = {"id": STREAM, "lowLatency": True}
        if rungs:
            body["transcode"] = {"rungs": list(rungs)}
        stream = api(port, "POST", "/live-streams", json.dumps(body).encode())
        url = f"rtmp://127.0.0.1:{rtmp_port}/live/{stream['key']}"
        if rungs:
            clip = os.path.join(work, "source.mp4")
            make_clip(clip, size)
            publisher = start_clip_publisher(url, clip, seconds + 40 + 30)
        else:
            publisher = start_publisher(url, seconds + 40)
        if not wait_for_playlist(port, 60):
            raise SystemExit("lowlatency: no low-latency playlist within 60 s")
        site = os.path.join(work, "site")
        os.makedirs(site)
        shutil.copy(os.path.join(hlsjs, "hls.js"), os.path.join(site, "hls.mjs"))
        with open(os.path.join(site, "index.html"), "w") as f:
            f.write(PAGE.replace("SOURCE_URL", json.dumps(f"http://127.0.0.1:{port}/live/{STREAM}/master.m3u8")))
        page = serve_page(site)
        driver = make_driver()
        driver.get(f"http://127.0.0.1:{page.server_address[1]}/index.html")
        samples, state = [], None
        started = None
        deadline = time.time() + 45 + seconds
        while time.time() < deadline:
            state = driver.execute_script("return window.sample ? window.sample() : null;")
            if os.environ.get("LL_DEBUG") and state:
                print(json.dumps(state), file=sys.stderr)
            if state and state["playing"] and state["time"] > 0 and not state["paused"]:
                started = started or time.time()
                # The first seconds are hls.js finding the edge; measure after them.
                if time.time() - started > 5:
                    samples.append((state["now"] - state["playing"]) / 1000)
                if time.time() - started > 5 + seconds:
                    break
            time.sleep(0.25)
        if not samples:
            logs = [entry.get("message") for entry in driver.get_log("browser")[-10:]]
            raise SystemExit(f"lowlatency: hls.js did not play: {state}; console: {logs}")
        ladder = {}
        if rungs:
            # After the latency window: hls.js is made to play each level in turn until one of its fragments
            # or parts is buffered (deadline per level), so every rung is shown to be fetched and decodable.
            levels = driver.execute_script("return window.levelNames();")
            for index in range(len(levels)):
                driver.execute_script(f"window.pickLevel({index});")
                level_deadline = time.time() + 20
                while time.time() < level_deadline:
                    if str(index) in driver.execute_script("return window.sample();")["buffered"]:
                        break
                    time.sleep(0.25)
            final = driver.execute_script("return window.sample();")
            played = sorted(levels[int(i)] for i in final["buffered"])
            w, h = (int(x) for x in size.split("x"))
            expected = [size] + [f"{round(w * r / h / 2) * 2}x{r}" for r in rungs]
            ladder = {"levels": levels, "levelsPlayed": played, "allLevelsPlayed": len(played) == len(levels) == 1 + len(rungs),
                      "ladderProblems": check_ladder(port, STREAM, expected, work), "playingAfterSwitches": final["time"] > 0,
                      "transcoding": api(port, "GET", f"/live-streams/{STREAM}").get("transcoding")}
        samples.sort()
        return {"partMs": part_ms, "segmentSeconds": segment_seconds, "hlsjs": state["version"],
                "lowLatencyMode": state["lowLatencyMode"], "parts": state["parts"], "canBlockReload": state["canBlockReload"],
                "hlsTargetLatency": state["targetLatency"], "samples": len(samples),
                "median": round(statistics.median(samples), 3), "p90": round(samples[int(0.9 * (len(samples) - 1))], 3),
                "max": round(samples[-1], 3), "min": round(samples[0], 3), "hlsLatency": state["hlsLatency"],
                "errors": state["errors"], **ladder}
    finally:
        if driver:
            driver.quit()
        if page:
            page.shutdown()
        for process in (publisher, server):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--hlsjs", required=True, help="folder with hls.mjs (scripts/fetch-player.sh puts it there as hls.js)")
    parser.add_argument("--part-ms", type=int, default=500)
    parser.add_argument("--segment-seconds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20, help="measuring window after 5 s of settling")
    parser.add_argument("--target", type=float, default=3.0, help="median latency to stay under, seconds (0: none)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--transcode", default="", help="rung heights (e.g. 720,480,360): the stream is transcoded from a --size clip")
    parser.add_argument("--size", default="640x360", help="the transcoded stream's source size")
    parser.add_argument("--max-lag-ms", type=int, help="live.transcode.max_lag_ms (a debug build on a shared machine "
                        "may fall behind: a large budget keeps every rung, the ladder is what is checked there)")
    args = parser.parse_args()
    rungs = [int(h) for h in args.transcode.split(",") if h]
    figures = measure(args.binary, args.hlsjs, args.part_ms, args.segment_seconds, args.seconds, rungs, args.size, args.max_lag_ms)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"lowlatency: hls.js {figures['hlsjs']} lowLatencyMode={figures['lowLatencyMode']} parts={figures['parts']} "
              f"canBlockReload={figures['canBlockReload']}: glass-to-player latency median {figures['median']} s, "
              f"p90 {figures['p90']} s, max {figures['max']} s over {figures['samples']} samples "
              f"({args.part_ms} ms parts, target {args.target} s)")
    problems = []
    if not (figures["lowLatencyMode"] and figures["parts"] > 0 and figures["canBlockReload"]):
        problems.append("hls.js did not play the stream as low-latency (parts, blocking reload)")
    if args.target > 0 and figures["median"] > args.target:
        problems.append(f"median latency {figures['median']} s is over the {args.target} s target")
    if rungs:
        if not figures["allLevelsPlayed"]:
            problems.append(f"hls.js buffered levels {figures['levelsPlayed']} of {figures['levels']}")
        problems += figures["ladderProblems"]
        if not args.json:
            print(f"lowlatency: transcoded ladder {figures['levels']}: hls.js buffered {figures['levelsPlayed']}; "
                  f"aligned and decodable: {'yes' if not figures['ladderProblems'] else figures['ladderProblems']}; "
                  f"transcode status {figures['transcoding']}")
    for problem in problems:
        print("lowlatency: " + problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()

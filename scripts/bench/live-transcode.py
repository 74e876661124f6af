#!/usr/bin/env python3
"""Live ABR capacity (issue 15), the transcode case of `make bench-live`: how many 1080p30 streams one machine
transcodes to 720p/480p/360p in real time, and the CPU each takes.

mediaserve: N publishers (`ffmpeg -re -c copy` of one pre-encoded 1080p30 H.264/AAC clip with 2 s GOPs, looped)
push over RTMP to `mediaserve serve` streams created with {"transcode": {"rungs": [720, 480, 360]}} (2 s
segments). After WARMUP seconds, for SECONDS seconds, every second: each stream's API status (`transcoding`:
rungs shed, lag of encoded output behind arrival) and the media playlist of every rendition in its master
(the 1080p source, the three rungs, audio). N streams are "sustained" when, over the whole window, for every
stream:
  - no rung was shed and all four video renditions stayed in the master;
  - every rendition's newest segment stayed within one segment of the source's newest (no rung fell behind);
  - the source itself advanced at real-time pace: segments covering at least (window - one segment) seconds
    were added, and every other rendition added as many (within one: a rendition sampled just before its cut);
  - the encoder lag the API reports stayed under the shedding budget (live.transcode.max_lag_ms).
CPU per stream: the server's user+system CPU time over the window (from /proc) divided by the window and N.
Peer, measured in the same run: ffmpeg decoding the same clip once and encoding the same ladder with the same
x264 settings (veryfast, zerolatency, no B-frames, one thread per rung) as fast as it can; its speed (media
seconds per wall second) is how many such streams the machine could carry with nothing else to do.
Printed: per N the verdict and why, the largest N sustained, CPU per stream, ffmpeg's speed, their ratio, and
the load average (the machine is shared). Not a test: figures move with the machine's load.

Usage: scripts/bench/live-transcode.py [mediaserve binary]
       (TRANSCODEBENCH_STREAMS=1,2,3 TRANSCODEBENCH_SECONDS=40 TRANSCODEBENCH_WARMUP=10 TRANSCODEBENCH_MAX_LAG_MS=4000)
"""
import datetime, json, os, re, subprocess, sys, tempfile, time, urllib.error, urllib.request

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mediaserve"
counts = [int(n) for n in os.environ.get("TRANSCODEBENCH_STREAMS", "1,2,3").split(",")]
seconds = int(os.environ.get("TRANSCODEBENCH_SECONDS", "40"))
warmup = int(os.environ.get("TRANSCODEBENCH_WARMUP", "10"))
budget_ms = int(os.environ.get("TRANSCODEBENCH_MAX_LAG_MS", "4000"))
segment_seconds = 2
rungs = [720, 480, 360]
key = "transcode-bench-key-0123456789"
work = tempfile.mkdtemp(prefix="transcode-bench-")
clip = os.path.join(work, "source-1080p30.mp4")
ticks = os.sysconf("SC_CLK_TCK")


def load():
    return open("/proc/loadavg").read().split()[:3]


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks


subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
                "-g", "60", "-keyint_min", "60", "-sc_threshold", "0", "-b:v", "5M", "-c:a", "aac", "-shortest", clip], check=True)

# Peer: ffmpeg, one decode, the same three rungs (sizes and bitrates as mediaserve's LiveRungPlan gives them).
ladder = [(720, 1280, 3000), (480, 854, 1400), (360, 640, 800)]
split = "[0:v]split=3" + "".join(f"[s{i}]" for i in range(3)) + ";" + ";".join(
    f"[s{i}]scale={w}:{h}:flags=bicubic,setsar=1,format=yuv420p[o{i}]" for i, (h, w, _) in enumerate(ladder))
args = ["ffmpeg", "-v", "error", "-stream_loop", "1", "-i", clip, "-filter_complex", split]
for i, (h, w, kbps) in enumerate(ladder):
    args += ["-map", f"[o{i}]", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-bf", "0",
             "-threads", "1", "-b:v", f"{kbps}k", "-maxrate", f"{int(kbps * 1.2)}k", "-bufsize", f"{kbps * 2}k",
             "-f", "null", "-"]
started = time.monotonic()
subprocess.run(args, check=True)
ffmpeg_speed = 40.0 / (time.monotonic() - started)

server = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", os.path.join(work, "data"),
                           "--set", f"api.key={key}", "--set", "rtmp.port=0", "--set", "srt.enabled=false",
                           "--set", "log.level=warning", "--set", f"live.transcode.max_lag_ms={budget_ms}",
                           "--set", f"live.segment_seconds={segment_seconds}", "--set", "live.disconnect_timeout_seconds=0"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
banner = ""
while not (re.search(r"at https?://127\.0\.0\.1:\d+/", banner) and re.search(r"rtmp://127\.0\.0\.1:\d+/", banner)):
    line = server.stdout.readline()
    if not line:
        sys.exit("mediaserve serve printed no URL:\n" + banner)
    banner += line
http = int(re.search(r"at https?://127\.0\.0\.1:(\d+)/", banner).group(1))
rtmp = int(re.search(r"rtmp://127\.0\.0\.1:(\d+)/", banner).group(1))


def api(method, path, body=None):
    request = urllib.request.Request(f"http://127.0.0.1:{http}/api/v1/{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def text(path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{http}{path}", timeout=10) as response:
            return response.read().decode()
    except urllib.error.HTTPError:
        return ""


def newest(playlist):
    """(number of the newest segment, seconds listed) of a media playlist; (None, 0) when it lists none."""
    sequence, count, listed = 0, 0, 0.0
    for line in playlist.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":")[1])
        elif line.startswith("#EXTINF:"):
            count += 1
            listed += float(line[8:].split(",")[0])
    return (sequence + count - 1 if count else None), listed


def renditions(stream):
    """The media playlists a master names: variants (video) and EXT-X-MEDIA URIs (audio)."""
    names = []
    for line in text(f"/live/{stream}/master.m3u8").splitlines():
        uri = line.split('URI="')[1].split('"')[0] if 'URI="' in line else line
        if uri.endswith(".m3u8") and uri[:-5] not in names:
            names.append(uri[:-5])
    return names


def drain(n, streams):
    """Waits (deadline) until every stream is released after its publisher left."""
    deadline = time.time() + 120
    while time.time() < deadline and any(api("GET", f"live-streams/{s}").get("publishing") for s in streams):
        time.sleep(0.5)


results = []
try:
    for n in counts:
        streams = []
        for i in range(n):
            created = api("POST", "live-streams", {"id": f"t{n}-{i}", "transcode": {"rungs": rungs}})
            streams.append((created["id"], created["key"]))
        publishers = [subprocess.Popen(["ffmpeg", "-v", "error", "-re", "-stream_loop", "-1", "-i", clip,
                                        "-t", str(warmup + seconds + 5), "-c", "copy", "-f", "flv",
                                        f"rtmp://127.0.0.1:{rtmp}/live/{k}"]) for _, k in streams]
        time.sleep(warmup)  # the publishers' first segments and the encoders' start; not measured
        problems, worst_lag, worst_behind = [], 0.0, 0
        first, last = {}, {}
        cpu_start, wall_start = cpu_seconds(server.pid), time.monotonic()
        while time.monotonic() - wall_start < seconds:
            tick = time.monotonic()
            for stream, _ in streams:
                status = api("GET", f"live-streams/{stream}").get("transcoding") or {}
                worst_lag = max(worst_lag, status.get("lagSeconds", 0))
                if status.get("shed"):
                    problems.append(f"{stream}: shed {status['shed']}")
                listed = renditions(stream)
                video = [r for r in listed if r.startswith("video")]
                if len(video) != 1 + len(rungs):
                    problems.append(f"{stream}: master lists {listed}")
                edges = {r: newest(text(f"/live/{stream}/{r}.m3u8"))[0] for r in listed}
                source = edges.get("video")
                for rendition, number in edges.items():
                    if source is None or number is None:
                        continue
                    first.setdefault((stream, rendition), number)
                    last[(stream, rendition)] = number
                    worst_behind = max(worst_behind, source - number)
                    if source - number > 1:
                        problems.append(f"{stream}/{rendition}: segment {number} while the source is at {source}")
            time.sleep(max(0, 1 - (time.monotonic() - tick)))
        window = time.monotonic() - wall_start
        cpu_per_stream = (cpu_seconds(server.pid) - cpu_start) / window / n
        needed = int((window - segment_seconds) / segment_seconds)
        for stream, _ in streams:
            source = last.get((stream, "video"), 0) - first.get((stream, "video"), 0)
            if source < needed:
                problems.append(f"{stream}: the source added {source} segments in {window:.0f} s (real time: {needed}+)")
            for (s, rendition), number in last.items():
                # Within one segment (a rendition sampled just before its cut), like the per-second check.
                if s == stream and number - first[(s, rendition)] < source - 1:
                    problems.append(f"{stream}/{rendition}: added {number - first[(s, rendition)]} segments, the source {source}")
        if worst_lag >= budget_ms / 1000:
            problems.append(f"encoder lag {worst_lag:.2f} s reached the {budget_ms / 1000:.1f} s budget")
        sustained = not problems
        results.append((n, sustained, cpu_per_stream))
        print(f"  {n} stream(s) of 1080p30 -> 720/480/360 over {window:.0f} s: {'sustained' if sustained else 'NOT sustained'}; "
              f"CPU {cpu_per_stream * 100:.0f}% of a core per stream; worst encoder lag {worst_lag:.2f} s "
              f"(budget {budget_ms / 1000:.1f} s); a rung at most {worst_behind} segment(s) behind the source; load average "
              f"{' '.join(load())}" + ("" if sustained else f"; why: {'; '.join(sorted(set(problems))[:4])}"), flush=True)
        for p in publishers:
            p.terminate()
            p.wait()
        drain(n, [s for s, _ in streams])
        for stream, _ in streams:
            api("DELETE", f"live-streams/{stream}")
        if not sustained:
            break
finally:
    server.terminate()
    server.wait()
    subprocess.run(["rm", "-rf", work])

best = max((n for n, ok, _ in results if ok), default=0)
cpu = next((c for n, ok, c in results if n == best), None)
print(f"live transcode ({binary}): {best} stream(s) of 1080p30 -> 720/480/360 sustained in real time on "
      f"{os.cpu_count()} cores" + (f", {cpu * 100:.0f}% of a core per stream" if cpu is not None else "") +
      f"; ffmpeg (same ladder and x264 settings, as fast as it can) runs at {ffmpeg_speed:.2f}x real time, "
      f"i.e. {ffmpeg_speed:.2f} streams; ratio mediaserve/ffmpeg {best / ffmpeg_speed:.2f}; load average now {' '.join(load())}")

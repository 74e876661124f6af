#!/usr/bin/env python3
"""Live ABR capacity (issue 15), the transcode case of `make bench-live`: how many 1080p30 streams one machine
transcodes to 720p/480p/360p in real time.

mediaserve: N publishers (`ffmpeg -re -c copy` of one pre-encoded 1080p30 H.264/AAC clip, looped) push to
`mediaserve serve` streams created with {"transcode": {"rungs": [720, 480, 360]}}; while they run, the API's
`transcoding` status is read every second. N streams are "sustained" when no rung was shed and the lag of
encoded output behind arrival stayed under the shedding budget (live.transcode.max_lag_ms) for the whole run.
Peer, measured in the same run: ffmpeg decoding the same clip once and encoding the same ladder with the same
x264 settings (veryfast, zerolatency, no B-frames) as fast as it can; its speed (media seconds per wall second)
is the number of such streams the machine could carry with nothing else to do. Printed: the largest N
mediaserve sustained, ffmpeg's speed, their ratio, and the load average (the machine is shared).
Not a test: figures move with the machine's load.

Usage: scripts/bench/live-transcode.py [mediaserve binary]   (TRANSCODEBENCH_STREAMS=1,2,3 TRANSCODEBENCH_SECONDS=40)
"""
import json, os, re, subprocess, sys, tempfile, time, urllib.request

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/mediaserve"
counts = [int(n) for n in os.environ.get("TRANSCODEBENCH_STREAMS", "1,2,3").split(",")]
seconds = int(os.environ.get("TRANSCODEBENCH_SECONDS", "40"))
budget_ms = int(os.environ.get("TRANSCODEBENCH_MAX_LAG_MS", "4000"))
key = "transcode-bench-key-0123456789"
work = tempfile.mkdtemp(prefix="transcode-bench-")
clip = os.path.join(work, "source-1080p30.mp4")

def load():
    return open("/proc/loadavg").read().split()[:3]

subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
                "-g", "60", "-b:v", "5M", "-c:a", "aac", "-shortest", clip], check=True)

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
                           "--set", "log.level=warning", "--set", f"live.transcode.max_lag_ms={budget_ms}"],
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
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")

results = []
try:
    for n in counts:
        streams = []
        for i in range(n):
            created = api("POST", "live-streams", {"id": f"t{n}-{i}", "transcode": {"rungs": [720, 480, 360]}})
            streams.append((created["id"], created["key"]))
        publishers = [subprocess.Popen(["ffmpeg", "-v", "error", "-re", "-stream_loop", "-1", "-i", clip, "-t", str(seconds),
                                        "-c", "copy", "-f", "flv", f"rtmp://127.0.0.1:{rtmp}/live/{k}"])
                      for _, k in streams]
        worst_lag, shed, loads = 0.0, set(), []
        while any(p.poll() is None for p in publishers):
            time.sleep(1)
            loads.append(float(load()[0]))
            for stream, _ in streams:
                status = api("GET", f"live-streams/{stream}").get("transcoding") or {}
                worst_lag = max(worst_lag, status.get("lagSeconds", 0))
                shed.update(f"{stream}:{h}p" for h in status.get("shed", []))
        sustained = not shed and worst_lag < budget_ms / 1000
        results.append((n, sustained, worst_lag, sorted(shed), max(loads) if loads else 0))
        print(f"  {n} stream(s) of 1080p30 -> 720/480/360: {'sustained' if sustained else 'NOT sustained'}; worst lag "
              f"{worst_lag:.2f} s (budget {budget_ms / 1000:.1f} s); shed: {', '.join(sorted(shed)) or 'none'}; "
              f"peak load average {max(loads) if loads else 0:.1f}", flush=True)
        for stream, _ in streams:
            api("DELETE", f"live-streams/{stream}")
        if not sustained:
            break
finally:
    server.terminate()
    server.wait()
    subprocess.run(["rm", "-rf", work])

best = max((n for n, ok, *_ in results if ok), default=0)
print(f"live transcode ({binary}): {best} stream(s) of 1080p30 -> 720/480/360 sustained in real time; "
      f"ffmpeg (same ladder and x264 settings, as fast as it can) runs at {ffmpeg_speed:.2f}x real time, "
      f"i.e. {ffmpeg_speed:.2f} streams; ratio mediaserve/ffmpeg {best / ffmpeg_speed:.2f}; "
      f"{os.cpu_count()} cores, load average now {' '.join(load())}")

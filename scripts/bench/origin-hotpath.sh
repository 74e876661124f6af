#!/usr/bin/env bash
# Issue 17, deliverable 3: the media hot path against nginx, both serving the same objects in the same run
# on loopback. Objects: the segments closest to 600 KB and to 2 MB, the HLS master playlist, one media
# playlist and the DASH MPD (nginx serves static copies of the manifests mediaserve built; mediaserve
# builds its own per request from its cache). Each object at 50 and at 500 connections (wrk), then
# req/s, p99 and the ratios mediaserve/nginx with the targets:
#   segments req/s >= 1.0x nginx; manifests req/s >= 0.6x nginx; p99 <= 1.5x nginx's p99, every object.
# The figures are only as good as the machine is quiet: on a shared machine report them with the load.
# Environment: BENCH_DURATION (10s), BENCH_CONNECTION_LEVELS ("50 500"), BENCH_THREADS (2), MEDIASERVE_BINARY
# (default: a release build made here), BENCH_MEDIASERVE_PORT / BENCH_NGINX_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${BENCH_DURATION:-10s}"
CONNECTION_LEVELS="${BENCH_CONNECTION_LEVELS:-50 500}"
THREADS="${BENCH_THREADS:-2}"
# Free ports unless given: other benchmarks and test servers may run on this machine at the same time.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
MS_PORT="${BENCH_MEDIASERVE_PORT:-$(free_port)}"
NGINX_PORT="${BENCH_NGINX_PORT:-$(free_port)}"
CORES="$(nproc)"

for tool in wrk nginx ffmpeg curl python3; do
  command -v "$tool" >/dev/null || { echo "origin-hotpath: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/mediaserve-hotpath.XXXXXX)"
chmod 755 "$work"
ms_pid=""
cleanup() {
  [ -n "$ms_pid" ] && kill "$ms_pid" 2>/dev/null && wait "$ms_pid" 2>/dev/null || true
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

binary="${MEDIASERVE_BINARY:-}"
if [ -z "$binary" ]; then
  echo "origin-hotpath: building mediaserve (release)"
  swift build -c release --product mediaserve >/dev/null
  binary="$(swift build -c release --show-bin-path)/mediaserve"
fi

# Two video rungs whose 6 s segments land near 2 MB (2.7 Mb/s) and 600 KB (0.8 Mb/s).
cat > "$work/ladder.yaml" <<'LADDER'
segment_seconds: 6
preset: ultrafast
max_frame_rate: 30
audio: { codec: aac-lc, bitrate_kbps: 128, sample_rate: 48000, channels: 2 }
rungs:
  - { height: 360, video_kbps: 800, profile: main }
  - { height: 720, video_kbps: 2700, profile: high }
LADDER
echo "origin-hotpath: making a 720p source and ingesting it"
ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=20:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 19 -c:v libx264 -preset ultrafast -crf 14 -c:a aac -shortest "$work/source.mp4"
mkdir -p "$work/data"
"$binary" ingest "$work/source.mp4" --id bench --data-dir "$work/data" --ladder "$work/ladder.yaml" >/dev/null

"$binary" serve --host 127.0.0.1 --port "$MS_PORT" --data-dir "$work/data" --set log.level=warning \
  --set rtmp.port=0 --set srt.port=0 --set http.max_connections_per_address=4096 > "$work/mediaserve.log" 2>&1 &
ms_pid=$!
for _ in $(seq 1 200); do curl -fsS -o /dev/null "http://127.0.0.1:$MS_PORT/healthz" 2>/dev/null && break; sleep 0.1; done

# The segment closest to a size in bytes, as <rendition>/seg-<n>.m4s.
closest() {
  (cd "$work/data/vod/bench" && find . -name 'seg-*.m4s' -printf '%s %P\n') \
    | awk -v want="$1" '{d = $1 - want; if (d < 0) d = -d; print d, $2}' | sort -n | head -1 | awk '{print $2}'
}
small="$(closest 614400)"
large="$(closest 2097152)"
rendition="${small%%/*}"

# nginx: the same files under v1/ (as the manifests name them) and static copies of the manifests.
mkdir -p "$work/nginx/www/vod/bench/v1" "$work/nginx/tmp"
for dir in "$work/data/vod/bench"/*/; do ln -s "$dir" "$work/nginx/www/vod/bench/v1/$(basename "$dir")"; done
for manifest in master.m3u8 manifest.mpd "v1/$rendition.m3u8"; do
  curl -fsS "http://127.0.0.1:$MS_PORT/vod/bench/$manifest" -o "$work/nginx/www/vod/bench/$manifest"
done
chmod -R a+rX "$work"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $CORES;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
user root;
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  open_file_cache max=1000;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  types { application/vnd.apple.mpegurl m3u8; application/dash+xml mpd; video/iso.segment m4s; video/mp4 mp4; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/nginx/www;
    location ~ \.m4s$ { add_header Cache-Control "public, max-age=31536000, immutable"; }
    location ~ \.(m3u8|mpd)$ { add_header Cache-Control "public, max-age=60, s-maxage=60"; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/vod/bench/master.m3u8" 2>/dev/null && break; sleep 0.1; done
for object in "v1/$small" "v1/$large" master.m3u8 manifest.mpd "v1/$rendition.m3u8"; do
  cmp <(curl -fsS "http://127.0.0.1:$NGINX_PORT/vod/bench/$object") <(curl -fsS "http://127.0.0.1:$MS_PORT/vod/bench/$object") \
    || { echo "origin-hotpath: $object differs between the two servers" >&2; exit 1; }
done

echo "origin-hotpath: segments $small ($(stat -c %s "$work/data/vod/bench/$small") B), $large ($(stat -c %s "$work/data/vod/bench/$large") B);" \
     "wrk -t$THREADS -d$DURATION at $CONNECTION_LEVELS connections; $CORES cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/results.txt"
: > "$results"
for connections in $CONNECTION_LEVELS; do
  for target in "segment-600k:v1/$small" "segment-2m:v1/$large" "master:master.m3u8" "media:v1/$rendition.m3u8" "mpd:manifest.mpd"; do
    name="${target%%:*}"; object="${target#*:}"
    for server in "mediaserve:$MS_PORT" "nginx:$NGINX_PORT"; do
      label="${server%%:*}"; port="${server#*:}"
      out="$work/wrk-$name-$connections-$label.txt"
      wrk -t"$THREADS" -c"$connections" -d"$DURATION" --latency "http://127.0.0.1:$port/vod/bench/$object" > "$out"
      echo "$name $connections $label $out" >> "$results"
    done
  done
done

python3 - "$results" <<'PY'
import re, sys
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", text).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket = re.search(r"Socket errors: (.*)", text)
    return rps, float(value) * UNITS[unit], int(errors.group(1)) if errors else 0, socket.group(1) if socket else ""
rows, order = {}, []
for line in open(sys.argv[1]):
    name, connections, label, path = line.split()
    key = (name, int(connections))
    if key not in rows: order.append(key)
    rows.setdefault(key, {})[label] = parse(path)
targets = {"segment-600k": 1.0, "segment-2m": 1.0, "master": 0.6, "media": 0.6, "mpd": 0.6}
print(f"{'object':13} {'conns':>5} {'ms req/s':>10} {'nginx req/s':>11} {'ratio':>6} {'ms p99':>8} {'nginx p99':>9} {'p99 x':>6} {'non-2xx':>7}  verdict")
missed = 0
for name, connections in order:
    ms, ng = rows[(name, connections)]["mediaserve"], rows[(name, connections)]["nginx"]
    ratio, p99 = ms[0] / ng[0], ms[1] / ng[1]
    ok = ratio >= targets[name] and p99 <= 1.5 and ms[2] == 0
    missed += not ok
    print(f"{name:13} {connections:5d} {ms[0]:10.0f} {ng[0]:11.0f} {ratio:5.2f}x {ms[1]:7.2f}ms {ng[1]:8.2f}ms {p99:5.2f}x {ms[2]:7d}  "
          f"{'meets' if ok else 'misses'} (>= {targets[name]}x, p99 <= 1.5x){'  socket errors: ' + ms[3] if ms[3] else ''}")
print(f"origin-hotpath: {len(order) - missed} of {len(order)} targets met")
PY

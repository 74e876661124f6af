#!/usr/bin/env bash
# make bench-origin: mediaserve (release) against nginx (sendfile on, one worker per core) on loopback,
# serving the same data directory. wrk measures a ~2 MB media segment, the HLS master playlist and the
# DASH MPD (nginx serves copies pre-rendered by mediaserve) in the same run, then prints req/s,
# throughput and p99 latency for both and the ratio mediaserve/nginx.
# Targets (issue 6): segments >= 1.0x nginx, manifests >= 0.6x, p99 <= 5 ms at 50 connections.
# Access logs are off on both sides (mediaserve at log level warning), so neither pays for logging.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
MS_PORT="${BENCH_MEDIASERVE_PORT:-18080}"
NGINX_PORT="${BENCH_NGINX_PORT:-18081}"
CORES="$(nproc)"
KEY="bench-key"

for tool in wrk nginx ffmpeg curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-origin: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/mediaserve-bench.XXXXXX)"
chmod 755 "$work"
ms_pid=""
cleanup() {
  [ -n "$ms_pid" ] && kill "$ms_pid" 2>/dev/null && wait "$ms_pid" 2>/dev/null || true
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench-origin: building mediaserve (release)"
swift build -c release --product mediaserve >/dev/null
binary="$(swift build -c release --show-bin-path)/mediaserve"

echo "bench-origin: making a 720p source and ingesting it"
ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 13 -c:v libx264 -preset ultrafast -crf 18 -c:a aac -shortest "$work/source.mp4"
mkdir -p "$work/data"
"$binary" serve --host 127.0.0.1 --port "$MS_PORT" --data-dir "$work/data" --set api.key="$KEY" --set log.level=warning --set rtmp.port=0 --set srt.port=0 \
  > "$work/mediaserve.log" 2>&1 &
ms_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$MS_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
job="$(curl -fsS -X POST -H "Authorization: Bearer $KEY" --data-binary @"$work/source.mp4" \
  "http://127.0.0.1:$MS_PORT/api/v1/assets?id=bench" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
for _ in $(seq 1 600); do
  state="$(curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:$MS_PORT/api/v1/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
  [ "$state" = succeeded ] && break
  [ "$state" = failed ] && { echo "bench-origin: ingest failed" >&2; cat "$work/mediaserve.log" >&2; exit 1; }
  sleep 1
done
[ "$state" = succeeded ] || { echo "bench-origin: ingest did not finish" >&2; exit 1; }

# The media segment closest to 2 MB.
segment="$(cd "$work/data/vod/bench" && find . -name 'seg-*.m4s' -printf '%s %P\n' \
  | awk '{d = $1 - 2097152; if (d < 0) d = -d; print d, $1, $2}' | sort -n | head -1 | awk '{print $3}')"
segment_size="$(stat -c %s "$work/data/vod/bench/$segment")"

# nginx: the same vod/ tree (under v1/, as the manifests name it) plus pre-rendered copies of the two manifests.
mkdir -p "$work/nginx/www/vod/bench/v1" "$work/nginx/tmp"
for dir in "$work/data/vod/bench"/*/; do ln -s "$dir" "$work/nginx/www/vod/bench/v1/$(basename "$dir")"; done
curl -fsS "http://127.0.0.1:$MS_PORT/vod/bench/master.m3u8" -o "$work/nginx/www/vod/bench/master.m3u8"
curl -fsS "http://127.0.0.1:$MS_PORT/vod/bench/manifest.mpd" -o "$work/nginx/www/vod/bench/manifest.mpd"
chmod -R a+rX "$work"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $CORES;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
user root;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
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
cmp <(curl -fsS "http://127.0.0.1:$NGINX_PORT/vod/bench/v1/$segment") "$work/data/vod/bench/$segment"

echo "bench-origin: segment $segment ($segment_size bytes), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $CORES cores"
results="$work/results.txt"
: > "$results"
for target in "segment:/vod/bench/v1/$segment" "master:/vod/bench/master.m3u8" "mpd:/vod/bench/manifest.mpd"; do
  name="${target%%:*}"; path="${target#*:}"
  for server in "mediaserve:$MS_PORT" "nginx:$NGINX_PORT"; do
    label="${server%%:*}"; port="${server#*:}"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:$port$path" > "$work/wrk-$name-$label.txt"
    echo "$name $label $work/wrk-$name-$label.txt" >> "$results"
  done
done

python3 - "$results" <<'PY'
import re, sys
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text).groups()
    throughput = float(value) * SIZES[unit] / 1024**2
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", text).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, throughput, float(value) * UNITS[unit], int(errors.group(1)) if errors else 0
rows = {}
for line in open(sys.argv[1]):
    name, label, path = line.split()
    rows.setdefault(name, {})[label] = parse(path)
print(f"{'':8} {'server':10} {'req/s':>10} {'MiB/s':>9} {'p99 ms':>8} {'non-2xx':>8}")
targets = {"segment": 1.0, "master": 0.6, "mpd": 0.6}
for name in ("segment", "master", "mpd"):
    for label in ("mediaserve", "nginx"):
        rps, mib, p99, errors = rows[name][label]
        print(f"{name:8} {label:10} {rps:10.0f} {mib:9.1f} {p99:8.2f} {errors:8d}")
    ratio = rows[name]["mediaserve"][0] / rows[name]["nginx"][0]
    p99 = rows[name]["mediaserve"][2]
    verdict = "meets" if ratio >= targets[name] and p99 <= 5.0 else "misses"
    print(f"{name:8} ratio mediaserve/nginx = {ratio:.2f}x (target >= {targets[name]}x, p99 <= 5 ms): {verdict}")
PY

# Issue 17 hot path: every media object at 50 and 500 connections, ratios against nginx.
./scripts/bench/origin-hotpath.sh
./scripts/bench/origin-access.sh
BENCH_BINARY="$binary" ./scripts/bench/origin-analytics.sh

# Issue 13: the same segment encrypted per request against its clear figure.
BENCH_BINARY="$binary" ./scripts/bench/origin-encryption.sh

#!/usr/bin/env bash
# Viewer analytics on the origin (issue 16), run by `make bench-origin` (last line of scripts/bench-origin.sh)
# or alone. Two measurements with wrk on loopback, each against a peer measured in the same run:
#
# 1. Playback events accepted per second: POST /api/v1/playback-events batches of 10 events, each batch a new
#    session (rate limits raised so none is refused). Peer: nginx answering 202 to the same POSTs without
#    reading them (the HTTP floor of this machine). Prints events/s and the ratio mediaserve/nginx, and
#    checks afterwards that the sessions reached the catalog.
# 2. The cost of CMCD on segment throughput: the same ~2 MB segment fetched plain, with the `CMCD=` query
#    argument and with the four CMCD headers (hls.js-like keys, one session). Peer: the plain fetch.
#    Target: each CMCD variant >= 0.95x plain (CMCD costs under 5 %).
#
# The machine may be shared: the ratios compare runs made seconds apart under the same load.
#   BENCH_BINARY=path/to/mediaserve   use that binary instead of building the release one
#   BENCH_DURATION (10s per wrk run), BENCH_ROUNDS (3 interleaved rounds of the segment variants),
#   BENCH_CONNECTIONS (50), BENCH_THREADS (2), BENCH_ANALYTICS_PORT (18090, +1 for nginx)
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
ROUNDS="${BENCH_ROUNDS:-3}"
MS_PORT="${BENCH_ANALYTICS_PORT:-18090}"
NGINX_PORT=$((MS_PORT + 1))
KEY="bench-analytics-key"

for tool in wrk nginx ffmpeg curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-analytics: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/mediaserve-bench-analytics.XXXXXX)"
chmod 755 "$work"
ms_pid=""
cleanup() {
  [ -n "$ms_pid" ] && kill "$ms_pid" 2>/dev/null && wait "$ms_pid" 2>/dev/null || true
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

binary="${BENCH_BINARY:-}"
if [ -z "$binary" ]; then
  echo "bench-analytics: building mediaserve (release)"
  swift build -c release --product mediaserve >/dev/null
  binary="$(swift build -c release --show-bin-path)/mediaserve"
fi

echo "bench-analytics: making a 720p source and ingesting it"
ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 13 -c:v libx264 -preset ultrafast -crf 18 -c:a aac -shortest "$work/source.mp4"
"$binary" ingest "$work/source.mp4" --id bench --data-dir "$work/data" --rungs 720 --preset ultrafast --json >/dev/null
"$binary" serve --host 127.0.0.1 --port "$MS_PORT" --data-dir "$work/data" --set api.key="$KEY" --set log.level=warning \
  --set rtmp.port=0 --set srt.port=0 --set analytics.batches_per_minute_per_address=1000000 \
  --set analytics.batches_per_minute_per_session=1000000 > "$work/mediaserve.log" 2>&1 &
ms_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$MS_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# The video segment closest to 2 MB, under its version as the manifests name it.
segment="$(cd "$work/data/vod/bench" && find . -name 'seg-*.m4s' -printf '%s %P\n' \
  | awk '{d = $1 - 2097152; if (d < 0) d = -d; print d, $1, $2}' | sort -n | head -1 | awk '{print $3}')"
segment_path="/vod/bench/v$(cat "$work/data/vod/bench/version")/$segment"
curl -fsS -o /dev/null "http://127.0.0.1:$MS_PORT$segment_path"

mkdir -p "$work/nginx/tmp"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $(nproc);
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
user root;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /api/v1/playback-events { return 202; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
for _ in $(seq 1 50); do curl -fsS -o /dev/null -X POST "http://127.0.0.1:$NGINX_PORT/api/v1/playback-events" 2>/dev/null && break; sleep 0.1; done

# Each request a batch of 10 events of a new session (per-thread counter under a random prefix), timed now.
cat > "$work/events.lua" <<'LUA'
local counter, prefix = 0, nil
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local types = {"start", "playing", "heartbeat", "rendition", "heartbeat", "stall", "stall_end", "heartbeat", "pause", "end"}
request = function()
  if prefix == nil then
    math.randomseed(os.time() + math.floor(os.clock() * 1e6))
    prefix = string.format("b%08x", math.random(0, 0x7fffffff))
  end
  counter = counter + 1
  local now = os.time() * 1000
  local events = {}
  for i, kind in ipairs(types) do
    events[i] = string.format('{"sessionId":"%s-%d","type":"%s","time":%d,"asset":"bench","position":%d,"bitrate":3200000,"height":720}',
      prefix, counter, kind, now + i * 100, i)
  end
  return wrk.format(nil, nil, nil, '{"events":[' .. table.concat(events, ",") .. ']}')
end
LUA

cmcd_query='CMCD=br%3D3200%2Cbl%3D21300%2Cd%3D6000%2Cmtp%3D25400%2Cot%3Dv%2Csid%3D%226e2fb550-c457-11e9-bb97-0800200c9a66%22%2Csu%2Ctb%3D6000'
echo "bench-analytics: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, segment $segment ($(stat -c %s "$work/data/vod/bench/$segment") bytes)"
run() {  # name, then wrk arguments
  local name="$1"; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" > "$work/wrk-$name.txt"
}
run events-mediaserve -s "$work/events.lua" "http://127.0.0.1:$MS_PORT/api/v1/playback-events"
run events-nginx -s "$work/events.lua" "http://127.0.0.1:$NGINX_PORT/api/v1/playback-events"
# Interleaved rounds, so load from elsewhere on the machine falls on all three variants alike; the ratio is
# the median of the rounds' ratios.
for round in $(seq 1 "$ROUNDS"); do
  run "segment-plain-$round" "http://127.0.0.1:$MS_PORT$segment_path"
  run "segment-cmcd-query-$round" "http://127.0.0.1:$MS_PORT$segment_path?$cmcd_query"
  run "segment-cmcd-headers-$round" -H 'CMCD-Object: br=3200,d=6000,ot=v,tb=6000' -H 'CMCD-Request: bl=21300,mtp=25400,su' \
    -H 'CMCD-Session: sid="6e2fb550-c457-11e9-bb97-0800200c9a66"' -H 'CMCD-Status: bs' "http://127.0.0.1:$MS_PORT$segment_path"
done

# Let the recorder's once-a-second flush write the last sessions, then count what the catalog holds.
sleep 3
summary="$(curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:$MS_PORT/api/v1/analytics/summary?asset=bench")"

python3 - "$work" "$summary" "$ROUNDS" <<'PY'
import json, re, statistics, sys
work, summary, rounds = sys.argv[1], json.loads(sys.argv[2])["summary"], int(sys.argv[3])
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
def parse(name):
    text = open(f"{work}/wrk-{name}.txt").read()
    total = int(re.search(r"(\d+) requests in", text).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text).groups()
    value99, unit99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"total": total, "rps": rps, "mib": float(value) * SIZES[unit] / 1024**2,
            "p99": float(value99) * UNITS[unit99], "errors": int(errors.group(1)) if errors else 0}
ms, nginx = parse("events-mediaserve"), parse("events-nginx")
print(f"{'':22} {'req/s':>10} {'MiB/s':>9} {'p99 ms':>8} {'non-2xx':>8}")
for label, row in (("events mediaserve", ms), ("events nginx (202)", nginx)):
    print(f"{label:22} {row['rps']:10.0f} {row['mib']:9.1f} {row['p99']:8.2f} {row['errors']:8d}")
print(f"events accepted: {ms['rps'] * 10:.0f} events/s ({ms['rps']:.0f} batches of 10/s); "
      f"ratio mediaserve/nginx-floor = {ms['rps'] / nginx['rps']:.2f}x")
stored = summary.get("sessions", 0)
accepted = ms["total"] - ms["errors"]
print(f"sessions in the catalog afterwards: {stored} of {accepted} batches accepted"
      + ("" if stored >= accepted * 0.99 else "  (MISSING SESSIONS)"))
for round in range(1, rounds + 1):
    for name in ("segment-plain", "segment-cmcd-query", "segment-cmcd-headers"):
        row = parse(f"{name}-{round}")
        print(f"{name + ' #' + str(round):22} {row['rps']:10.0f} {row['mib']:9.1f} {row['p99']:8.2f} {row['errors']:8d}")
for name in ("segment-cmcd-query", "segment-cmcd-headers"):
    ratios = [parse(f"{name}-{r}")["rps"] / parse(f"segment-plain-{r}")["rps"] for r in range(1, rounds + 1)]
    ratio = statistics.median(ratios)
    verdict = "meets" if ratio >= 0.95 else "misses"
    print(f"{name}: ratio CMCD/plain = {ratio:.3f}x (median of {', '.join(f'{r:.3f}' for r in ratios)}), "
          f"cost {100 * (1 - ratio):+.1f} % (target under 5 %): {verdict}")
PY

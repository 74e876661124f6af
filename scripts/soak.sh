#!/usr/bin/env bash
# make soak (issue 17; not part of `make test`): mediaserve under about a thousand simulated players for
# ten minutes. 10 live streams are published over RTMP (ffmpeg, stream copy of one pre-encoded source, so
# the publishers cost little CPU), 3 VOD assets are ingested through the API, then scripts/soak_players.py
# runs the players (70 % live, 30 % VOD). Prints errors (target 0), p50/p99 per object kind, and the
# server's RSS and open descriptors at start (after warm-up), middle and end (target: flat within 10 %).
#
#   SOAK_SECONDS=600 SOAK_PLAYERS=1000 SOAK_STREAMS=10 SOAK_ASSETS=3 SOAK_WORKERS=2 scripts/soak.sh
#   (SOAK_WORKERS: processes the players are spread over; the report gives their CPU, since players that
#   saturate their own process add their queueing to the latencies)
#   SOAK_BINARY=path/to/mediaserve skips the release build.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TOTAL="${SOAK_SECONDS:-600}"
PLAYERS="${SOAK_PLAYERS:-1000}"
STREAMS="${SOAK_STREAMS:-10}"
ASSETS="${SOAK_ASSETS:-3}"
PORT="${SOAK_PORT:-18090}"
RTMP_PORT="${SOAK_RTMP_PORT:-19350}"
WARMUP="${SOAK_WARMUP:-60}"
KEY="soak-key"

for tool in ffmpeg curl python3; do
  command -v "$tool" >/dev/null || { echo "soak: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
done
if [ -z "${SOAK_BINARY:-}" ]; then
  echo "soak: building mediaserve (release)"
  swift build -c release --product mediaserve >/dev/null
  SOAK_BINARY="$(swift build -c release --show-bin-path)/mediaserve"
fi

work="$(mktemp -d /tmp/mediaserve-soak.XXXXXX)"
ms_pid=""
publishers=()
cleanup() {
  for pid in "${publishers[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$ms_pid" ] && kill "$ms_pid" 2>/dev/null && wait "$ms_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
api() { curl -fsS -H "Authorization: Bearer $KEY" "$@"; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# The players come from one address: the per-address limit is lifted for the run (a CDN in front would
# use a few addresses too).
"$SOAK_BINARY" serve --host 127.0.0.1 --port "$PORT" --data-dir "$work/data" --set api.key="$KEY" --set log.level=warning \
  --set rtmp.port="$RTMP_PORT" --set srt.enabled=false --set http.max_connections_per_address=0 \
  --set rtmp.max_connections_per_address=0 --set live.dvr_window_seconds=120 > "$work/mediaserve.log" 2>&1 &
ms_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "soak: ingesting $ASSETS VOD assets"
vod=()
for n in $(seq 1 "$ASSETS"); do
  ffmpeg -v error -f lavfi -i "testsrc2=size=640x360:rate=25" -f lavfi -i "sine=frequency=$((300 + n * 100))" -t 30 \
    -c:v libx264 -preset ultrafast -g 50 -c:a aac -shortest "$work/source-$n.mp4"
  job="$(api -X POST --data-binary @"$work/source-$n.mp4" "http://127.0.0.1:$PORT/api/v1/assets?id=soak-vod-$n" | json '["id"]')"
  for _ in $(seq 1 600); do
    state="$(api "http://127.0.0.1:$PORT/api/v1/jobs/$job" | json '["state"]')"
    [ "$state" = succeeded ] && break
    [ "$state" = failed ] && { echo "soak: ingest failed" >&2; cat "$work/mediaserve.log" >&2; exit 1; }
    sleep 1
  done
  vod+=("soak-vod-$n")
done

echo "soak: publishing $STREAMS live streams"
ffmpeg -v error -f lavfi -i "testsrc2=size=640x360:rate=25" -f lavfi -i "sine" -t 60 -c:v libx264 -preset veryfast -g 25 \
  -b:v 800k -c:a aac -f flv "$work/live.flv"
live=()
for n in $(seq 1 "$STREAMS"); do
  key="$(api -X POST -H 'Content-Type: application/json' -d "{\"id\": \"soak-live-$n\"}" "http://127.0.0.1:$PORT/api/v1/live-streams" | json '["key"]')"
  ffmpeg -v error -re -stream_loop -1 -i "$work/live.flv" -c copy -f flv "rtmp://127.0.0.1:$RTMP_PORT/live/$key" &
  publishers+=($!)
  live+=("soak-live-$n")
done
for stream in "${live[@]}"; do
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$PORT/live/$stream/master.m3u8" 2>/dev/null | grep -q m3u8 && break
    sleep 0.2
  done
done

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # CPU time (utime + stime, clock ticks) of a process
sample() {  # RSS (KiB), open descriptors and CPU ticks of the server, time, load average
  echo "$(awk '/VmRSS/ {print $2}' /proc/$ms_pid/status) $(ls /proc/$ms_pid/fd | wc -l) $(ticks "$ms_pid") $(date +%s.%N)" \
       "$(cut -d' ' -f1 /proc/loadavg)"
}
echo "soak: $PLAYERS players for $SECONDS_TOTAL s (warm-up $WARMUP s)"
python3 scripts/soak_players.py --port "$PORT" --players "$PLAYERS" --seconds "$SECONDS_TOTAL" --workers "${SOAK_WORKERS:-2}" \
  --live "${live[@]}" --vod "${vod[@]}" \
  > "$work/players.json" &
players_pid=$!
# Samples while every player is still connected: after warm-up, halfway, and 5 s before the end.
sleep "$WARMUP"; start=$(sample)
sleep $(( (SECONDS_TOTAL - WARMUP - 5) / 2 )); middle=$(sample)
sleep $(( (SECONDS_TOTAL - WARMUP - 5) / 2 )); end=$(sample)
wait "$players_pid"
kill -0 "$ms_pid" 2>/dev/null || { echo "soak: mediaserve died" >&2; tail -20 "$work/mediaserve.log" >&2; exit 1; }

python3 - "$work/players.json" "$start" "$middle" "$end" "$(getconf CLK_TCK)" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
samples = [tuple(float(x) for x in s.split()) for s in sys.argv[2:5]]
tick = float(sys.argv[5])
print(f"soak: {result['requests']} requests, {result['errors']} errors (target 0)")
for example in result["error_examples"]:
    print("  error:", example)
for kind, k in result["kinds"].items():
    print(f"  {kind:14} {k['requests']:8} requests  {k['errors']:5} errors  p50 {k['p50_ms']} ms  p99 {k['p99_ms']} ms")
for label, (rss, fds, *_rest, load) in zip(("start", "middle", "end"), samples):
    print(f"  {label:6} RSS {rss / 1024:8.1f} MiB  open descriptors {fds:.0f}  load average {load}")
# The players share the machine: when their own process nears a whole core, the latencies above include
# their queueing, not only the server's.
wall = samples[2][3] - samples[0][3]
print(f"  CPU: mediaserve {100 * (samples[2][2] - samples[0][2]) / tick / wall:.0f} % of a core from start to end; "
      f"the players ({result['workers']} Python processes) {100 * result['cpu_seconds'] / result['seconds']:.0f} % over the run")
rss_growth = samples[2][0] / samples[0][0] - 1
fd_growth = samples[2][1] / samples[0][1] - 1
flat = abs(rss_growth) <= 0.10 and abs(fd_growth) <= 0.10
print(f"  RSS {rss_growth:+.1%}, descriptors {fd_growth:+.1%} from start to end: {'flat' if flat else 'NOT flat'} (target within 10 %)")
sys.exit(0 if result["errors"] == 0 and flat else 1)
PY

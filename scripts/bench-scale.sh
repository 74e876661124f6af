#!/usr/bin/env bash
# make bench-scale (issue 14; not in `make test`): the figures docs/scaling.md's capacity model uses, all
# measured in one run on this machine, against a peer measured in the same run.
#  1. segment throughput of an origin serving from an S3 bucket (rclone serve s3) through its object cache,
#     warm, against an origin serving the same asset from its local data directory (target >= 0.9x);
#  2. time to first byte of cold objects (first request after start: the cache is empty) against warm ones;
#  3. ingest throughput of one worker node against two (separate `serve --roles worker` processes taking
#     jobs from one queue), with each worker's transcode realtime factor;
#  4. bytes per viewer-hour of each published rendition, and origin requests per CPU-second.
# The binary is BENCH_BINARY (default .build/debug/mediaserve: the figures are then labelled "debug").
# The catalog is one SQLite file linked into each node's data directory (SQLite serves several processes
# of one machine; the catalog is not what these figures measure, and no PostgreSQL server is needed).
# Settings: BENCH_DURATION=10s BENCH_CONNECTIONS=50 BENCH_JOBS=4, BENCH_SKIP_INGEST=1 (parts 1 and 2 only). 
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${BENCH_BINARY:-.build/debug/mediaserve}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
JOBS="${BENCH_JOBS:-4}"
KEY="bench-scale-key-0123456789"
build="release"; case "$binary" in *debug*) build="debug";; esac
for tool in wrk ffmpeg ffprobe curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-scale: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
done
[ -x "$binary" ] || { echo "bench-scale: $binary is not built (swift build --product mediaserve)" >&2; exit 1; }
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
bin="$(./scripts/test-servers.sh s3)"

work="$(mktemp -d /tmp/mediaserve-bench-scale.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# The bucket: rclone serves each folder of its root as a bucket.
s3_port="$(free_port)"
mkdir -p "$work/s3/media"
"$bin/rclone" serve s3 --addr "127.0.0.1:$s3_port" --auth-key "bench,bench-secret" --config /dev/null "$work/s3" > "$work/rclone.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break; sleep 0.1; done
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret
s3_env=(MEDIASERVE_STORAGE_URL=s3://media/bench MEDIASERVE_STORAGE_S3_ENDPOINT="http://127.0.0.1:$s3_port"
        MEDIASERVE_STORAGE_S3_PATH_STYLE=true MEDIASERVE_API_KEY="$KEY" MEDIASERVE_LOG_LEVEL=warning)

# A node: `node NAME ROLES [env...]` starts `serve` with its own data directory linked to the shared
# catalog, and sets node_port and node_pid.
mkdir -p "$work/catalog"
node() {
  local name="$1" roles="$2"; shift 2
  mkdir -p "$work/$name"
  [ -e "$work/$name/catalog.sqlite" ] || ln -s "$work/catalog/catalog.sqlite" "$work/$name/catalog.sqlite"
  env "$@" "$binary" serve --roles "$roles" --host 127.0.0.1 --port 0 --data-dir "$work/$name" \
    --set rtmp.port=0 --set srt.enabled=false > "$work/$name.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  node_port=""
  for _ in $(seq 1 600); do
    node_port="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/$name.log" | head -1 | sed 's/.*://')" || true
    [ -n "$node_port" ] && break
    sleep 0.1
  done
  [ -n "$node_port" ] || { echo "bench-scale: node $name did not start" >&2; cat "$work/$name.log" >&2; exit 1; }
}
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }

echo "bench-scale: $build build, $(nproc) cores; rclone serve s3 on 127.0.0.1:$s3_port"
# 720p30 at 5 Mb/s: 6 s segments of about 3.5 MB, what a top rung of a real ladder sends.
ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 24 -c:v libx264 -preset ultrafast -b:v 5M -maxrate 5M -bufsize 10M -g 60 -c:a aac -shortest "$work/source.mp4"

# --- 1, 2: one asset in the bucket and the same asset in a local data directory ---
env "${s3_env[@]}" "$binary" ingest "$work/source.mp4" --data-dir "$work/cli" --id bench --copy > /dev/null
mv "$work/cli/catalog.sqlite" "$work/catalog/catalog.sqlite"
"$binary" ingest "$work/source.mp4" --data-dir "$work/local" --id bench --copy > /dev/null
node s3-origin origin "${s3_env[@]}"; s3_origin="$node_port"; s3_pid="$node_pid"
"$binary" serve --roles origin --host 127.0.0.1 --port 0 --data-dir "$work/local" --set log.level=warning --set rtmp.port=0 \
  --set srt.enabled=false > "$work/local-origin.log" 2>&1 &
local_pid=$!; pids+=("$local_pid")
for _ in $(seq 1 600); do
  local_origin="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/local-origin.log" | head -1 | sed 's/.*://')" || true
  [ -n "${local_origin:-}" ] && break; sleep 0.1
done

playlist="$(curl -fsS "http://127.0.0.1:$s3_origin/vod/bench/master.m3u8" | grep -v '^#' | grep -v 'audio' | head -1)"
rendition_dir="$(dirname "$playlist")"
segments=($(curl -fsS "http://127.0.0.1:$s3_origin/vod/bench/$playlist" | grep '^seg-\|/seg-' | sed 's/?.*//'))
[ "${#segments[@]}" -gt 1 ] || { echo "bench-scale: no segments in $playlist" >&2; exit 1; }
segment_path="/vod/bench/$rendition_dir/${segments[1]}"
segment_bytes="$(curl -fsS "http://127.0.0.1:$local_origin$segment_path" | wc -c)"

ttfb() { curl -s -o /dev/null -w '%{time_starttransfer}\n' "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
cold="$(for s in "${segments[@]}"; do ttfb "http://127.0.0.1:$s3_origin/vod/bench/$rendition_dir/$s"; done | median)"
warm="$(for s in "${segments[@]}"; do ttfb "http://127.0.0.1:$s3_origin/vod/bench/$rendition_dir/$s"; done | median)"
localt="$(for s in "${segments[@]}"; do ttfb "http://127.0.0.1:$local_origin/vod/bench/$rendition_dir/$s"; done | median)"

run_wrk() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/Requests\/sec/ {print $2}'; }
cpu0="$(cpu_seconds "$s3_pid")"; s3_rps="$(run_wrk "http://127.0.0.1:$s3_origin$segment_path")"; cpu1="$(cpu_seconds "$s3_pid")"
local_rps="$(run_wrk "http://127.0.0.1:$local_origin$segment_path")"
seconds="${DURATION%s}"
python3 - "$s3_rps" "$local_rps" "$segment_bytes" "$cold" "$warm" "$localt" "$cpu0" "$cpu1" "$seconds" "$build" <<'PY'
import sys
s3, local, size, cold, warm, localt, cpu0, cpu1, seconds, build = sys.argv[1:]
s3, local, size = float(s3), float(local), int(size)
cpu = float(cpu1) - float(cpu0)
print(f"segment ({size} bytes), warm, {build}: S3 origin {s3:.0f} req/s ({s3 * size / 1e6:.0f} MB/s), "
      f"local-disk origin {local:.0f} req/s ({local * size / 1e6:.0f} MB/s): ratio {s3 / local:.2f}x (target >= 0.90x)")
print(f"origin requests per CPU-second (S3 origin, warm segments): {s3 * float(seconds) / cpu:.0f} "
      f"({cpu:.1f} CPU-s for {s3 * float(seconds):.0f} requests)" if cpu > 0 else "origin CPU time not measured")
print(f"time to first byte, median per segment: cold (cache miss, fetched from the bucket) {float(cold) * 1000:.1f} ms, "
      f"warm {float(warm) * 1000:.1f} ms, local disk {float(localt) * 1000:.1f} ms")
PY
kill "$s3_pid" "$local_pid" 2>/dev/null || true
[ "${BENCH_SKIP_INGEST:-0}" = 1 ] && exit 0

# --- 3, 4: ingest throughput, one worker node against two, default ladder ---
node upload-origin origin "${s3_env[@]}"; upload_origin="$node_port"
ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=8:allf=t" -f lavfi -i "sine=frequency=330:sample_rate=48000" \
  -t 12 -c:v libx264 -preset ultrafast -crf 20 -c:a aac -shortest "$work/job.mp4"
job_seconds="$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/job.mp4")"
run_jobs() {  # run_jobs LABEL: uploads $JOBS copies, prints wall seconds until every job succeeded
  local label="$1" ids=() start end state
  start="$(date +%s.%N)"
  for i in $(seq 1 "$JOBS"); do
    ids+=("$(curl -fsS -X POST -H "Authorization: Bearer $KEY" --data-binary @"$work/job.mp4" \
      "http://127.0.0.1:$upload_origin/api/v1/assets?id=$label-$i" | json '["id"]')")
  done
  for id in "${ids[@]}"; do
    while true; do
      state="$(curl -fsS -H "Authorization: Bearer $KEY" "http://127.0.0.1:$upload_origin/api/v1/jobs/$id" | json '["state"]')"
      [ "$state" = succeeded ] && break
      [ "$state" = failed ] && { echo "bench-scale: job $id failed" >&2; cat "$work"/worker-*.log >&2; exit 1; }
      sleep 0.5
    done
  done
  end="$(date +%s.%N)"
  python3 -c "print($end - $start)"
}
node worker-1 worker "${s3_env[@]}" MEDIASERVE_INGEST_WORKERS=1
one="$(run_jobs one)"
node worker-2 worker "${s3_env[@]}" MEDIASERVE_INGEST_WORKERS=1
two="$(run_jobs two)"
bytes_per_hour="$(for r in $(curl -fsS "http://127.0.0.1:$upload_origin/vod/one-1/master.m3u8" | grep -v '^#' ; \
                   curl -fsS "http://127.0.0.1:$upload_origin/vod/one-1/master.m3u8" | grep -o 'URI="[^"]*"' | sed 's/URI="//;s/"//'); do
  total=0
  for s in $(curl -fsS "http://127.0.0.1:$upload_origin/vod/one-1/$r" | grep -v '^#' | sed 's/?.*//'); do
    total=$((total + $(curl -fsS "http://127.0.0.1:$upload_origin/vod/one-1/$(dirname "$r")/$s" | wc -c)))
  done
  echo "$(basename "$r" .m3u8) $total"
done)"
python3 - "$one" "$two" "$JOBS" "$job_seconds" "$build" "$bytes_per_hour" <<'PY'
import sys
one, two, jobs, media, build, table = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
total = jobs * media
print(f"ingest of {jobs} x {media:.0f} s 720p30 (default ladder), {build}: 1 worker {one:.1f} s "
      f"(realtime factor {total / one:.2f}), 2 workers {two:.1f} s (realtime factor {total / two:.2f}): {one / two:.2f}x")
print("bytes per viewer-hour per rendition (published segments of one asset, scaled to an hour):")
for line in table.strip().splitlines():
    name, size = line.split()
    print(f"  {name}: {int(size) / media * 3600 / 1e9:.2f} GB/h")
PY

#!/usr/bin/env bash
# Encrypted delivery throughput (issue 13, item 7): one ingested asset, served by one mediaserve (release),
# its ~2 MB media segment fetched clear and then encrypted per request in each scheme (aes-128, cenc,
# cbcs). The peer is mediaserve's own clear figure for the same segment in the same run; target >= 0.8x.
# wrk checks nothing but status codes, so each scheme's response is fetched once first and compared:
# it must differ from the clear bytes (encrypted) and be the same on a second fetch (deterministic).
# The encrypted rows are served from the encrypted-object cache after the first request; the "-nocache"
# rows run the same server again with drm.cache_max_bytes=0 (every request encrypts: a cache miss's cost)
# and must give the same bytes.
#
#   scripts/bench/origin-encryption.sh            (called by scripts/bench-origin.sh; needs wrk, ffmpeg, curl)
#   BENCH_BINARY=path/to/mediaserve  to measure a binary already built (say which build in the figures)
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
KEY="bench-key"
for tool in wrk ffmpeg curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-encryption: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/mediaserve-bench-enc.XXXXXX)"
ms_pid=""
cleanup() {
  [ -n "$ms_pid" ] && kill "$ms_pid" 2>/dev/null && wait "$ms_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

binary="${BENCH_BINARY:-}"
if [ -z "$binary" ]; then
  echo "bench-encryption: building mediaserve (release)"
  swift build -c release --product mediaserve >/dev/null
  binary="$(swift build -c release --show-bin-path)/mediaserve"
fi

ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 13 -c:v libx264 -preset ultrafast -crf 18 -c:a aac -shortest "$work/source.mp4"
mkdir -p "$work/data"
master_key="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
# start_server [--set k=v ...]: serve the bench data directory, sets $ms_pid and $port.
start_server() {
  "$binary" serve --host 127.0.0.1 --port 0 --data-dir "$work/data" --set api.key="$KEY" --set log.level=info --set rtmp.port=0 \
    --set srt.port=0 --set drm.master_key="$master_key" "$@" > "$work/mediaserve.log" 2>&1 &
  ms_pid=$!
  port=""
  for _ in $(seq 1 300); do
    port="$(grep -soE 'http://127\.0\.0\.1:[0-9]+/' "$work/mediaserve.log" | head -1 | grep -oE '[0-9]+/$' | tr -d /)" || true
    [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "bench-encryption: mediaserve did not start" >&2; cat "$work/mediaserve.log" >&2; exit 1; }
}
start_server
base="http://127.0.0.1:$port"
job="$(curl -fsS -X POST -H "Authorization: Bearer $KEY" --data-binary @"$work/source.mp4" "$base/api/v1/assets?id=bench" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
state=""
for _ in $(seq 1 600); do
  state="$(curl -fsS -H "Authorization: Bearer $KEY" "$base/api/v1/jobs/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
  [ "$state" = succeeded ] && break
  [ "$state" = failed ] && { echo "bench-encryption: ingest failed" >&2; exit 1; }
  sleep 1
done
[ "$state" = succeeded ] || { echo "bench-encryption: ingest did not finish" >&2; exit 1; }
# The video segment closest to 2 MB, by the URL the manifests use (vod/bench/v1/<rendition>/seg-N.m4s).
segment="$(cd "$work/data/vod/bench" && find . -name 'seg-*.m4s' -printf '%s %P\n' \
  | awk '{d = $1 - 2097152; if (d < 0) d = -d; print d, $1, $2}' | sort -n | head -1 | awk '{print $3}')"
url="$base/vod/bench/v1/$segment"
results="$work/results.txt"
: > "$results"
curl -fsS "$url" -o "$work/clear.m4s"
cmp "$work/clear.m4s" "$work/data/vod/bench/$segment"
size="$(stat -c %s "$work/clear.m4s")"
echo "bench-encryption: segment $segment ($size bytes), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, binary $binary"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" > "$work/wrk-clear.txt"
echo "clear $work/wrk-clear.txt" >> "$results"

# The same asset marked encrypted: each request encrypts the segment in the scheme its URL names.
curl -fsS -X PATCH -H "Authorization: Bearer $KEY" -d '{"encrypted": true}' "$base/api/v1/assets/bench" >/dev/null
for scheme in aes-128 cenc cbcs; do
  curl -fsS "$url?scheme=$scheme" -o "$work/$scheme.1"
  curl -fsS "$url?scheme=$scheme" -o "$work/$scheme.2"
  cmp -s "$work/$scheme.1" "$work/$scheme.2" || { echo "bench-encryption: $scheme bytes differ between two fetches" >&2; exit 1; }
  ! cmp -s "$work/$scheme.1" "$work/clear.m4s" || { echo "bench-encryption: $scheme response is the clear segment" >&2; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url?scheme=$scheme" > "$work/wrk-$scheme.txt"
  echo "$scheme $work/wrk-$scheme.txt" >> "$results"
done

# The encryptor itself: the same server with its encrypted-object cache off (drm.cache_max_bytes=0), so
# every request reads and encrypts the segment again (what a cache miss costs; not held to the target).
kill "$ms_pid" && wait "$ms_pid" 2>/dev/null || true
start_server --set drm.cache_max_bytes=0
base="http://127.0.0.1:$port"
url="$base/vod/bench/v1/$segment"
for scheme in aes-128 cenc cbcs; do
  curl -fsS "$url?scheme=$scheme" -o "$work/$scheme.3"
  cmp -s "$work/$scheme.1" "$work/$scheme.3" || { echo "bench-encryption: $scheme bytes differ without the cache" >&2; exit 1; }
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url?scheme=$scheme" > "$work/wrk-$scheme-nocache.txt"
  echo "$scheme-nocache $work/wrk-$scheme-nocache.txt" >> "$results"
done

python3 - "$results" <<'PY'
import re, sys
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
SIZES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text).groups()
    value_p99, unit_p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", text).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, float(value) * SIZES[unit] / 1024**2, float(value_p99) * UNITS[unit_p99], int(errors.group(1)) if errors else 0
rows = {name: parse(path) for name, path in (line.split() for line in open(sys.argv[1]))}
print(f"{'':17} {'req/s':>10} {'MiB/s':>9} {'p99 ms':>8} {'non-2xx':>8}")
for name, (rps, mib, p99, errors) in rows.items():
    print(f"{name:17} {rps:10.0f} {mib:9.1f} {p99:8.2f} {errors:8d}")
clear = rows["clear"][0]
for scheme in ("aes-128", "cenc", "cbcs"):
    rps, _, _, errors = rows[scheme]
    ratio = rps / clear
    print(f"{scheme:17} ratio encrypted/clear = {ratio:.2f}x (target >= 0.8x): {'meets' if ratio >= 0.8 and errors == 0 else 'misses'}")
for scheme in ("aes-128", "cenc", "cbcs"):
    rps, mib, _, _ = rows[scheme + "-nocache"]
    print(f"{scheme + '-nocache':17} ratio uncached/clear = {rps / clear:.2f}x ({mib:.0f} MiB/s encrypted per request; cache off)")
PY

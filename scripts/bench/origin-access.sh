#!/usr/bin/env bash
# make bench-origin, access control (issue 12): what checking a signed URL costs. One asset, served by one
# mediaserve (release) in the same run, alternately `public` and `signed` (PATCH /api/v1/assets/{id}),
# BENCH_ACCESS_ROUNDS rounds of each (interleaved, so the machine's load drifts over both alike). wrk
# measures the same requests each time: a ~2 MB video segment, the smallest (audio) segment (where the
# per-request check weighs most), a media playlist and the HLS master playlist; under `signed` every URL
# carries the token minted by POST /api/v1/playback-urls, and manifests get it written into each URI.
# Prints req/s for both and the cost of checking, 1 - signed/public. Target (issue 12): under 10 %.
# MEDIASERVE_BINARY=path skips the release build (e.g. a debug binary, for a quick look; not for figures).
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${BENCH_DURATION:-5s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
ROUNDS="${BENCH_ACCESS_ROUNDS:-2}"
KEY="bench-key"

for tool in wrk ffmpeg curl python3; do
  command -v "$tool" >/dev/null || { echo "bench-origin-access: '$tool' is missing: run scripts/install-deps.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/mediaserve-bench-access.XXXXXX)"
ms_pid=""
cleanup() {
  [ -n "$ms_pid" ] && kill "$ms_pid" 2>/dev/null && wait "$ms_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

binary="${MEDIASERVE_BINARY:-}"
if [ -z "$binary" ]; then
  echo "bench-origin-access: building mediaserve (release)"
  swift build -c release --product mediaserve >/dev/null
  binary="$(swift build -c release --show-bin-path)/mediaserve"
fi

echo "bench-origin-access: making a 720p source and ingesting it"
ffmpeg -v error -f lavfi -i "testsrc2=size=1280x720:rate=30,noise=alls=12:allf=t" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 13 -c:v libx264 -preset ultrafast -crf 18 -c:a aac -shortest "$work/source.mp4"
"$binary" ingest "$work/source.mp4" --id bench --data-dir "$work/data" >/dev/null
"$binary" serve --host 127.0.0.1 --port 0 --data-dir "$work/data" --set api.key="$KEY" --set log.level=warning \
  --set rtmp.port=0 --set srt.port=0 --set access.signing_key=bench-signing-key-0123456789 > "$work/mediaserve.log" 2>&1 &
ms_pid=$!
port=""
for _ in $(seq 1 300); do
  port="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/mediaserve.log" | head -1 | grep -o '[0-9]*/$' | tr -d / || true)"
  [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
[ -n "$port" ] || { echo "bench-origin-access: mediaserve did not start" >&2; cat "$work/mediaserve.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
api() { curl -fsS -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" "$@"; }

# The requests: paths below vod/bench/ as the master playlist names them.
version_dir="$(curl -fsS "$base/vod/bench/master.m3u8" | grep -v '^#' | head -1 | cut -d/ -f1)"
big="$(cd "$work/data/vod/bench" && find . -name 'seg-*.m4s' -printf '%s %P\n' \
  | awk '{d = $1 - 2097152; if (d < 0) d = -d; print d, $2}' | sort -n | head -1 | awk '{print $2}')"
small="$(cd "$work/data/vod/bench" && find . -name 'seg-*.m4s' -printf '%s %P\n' | sort -n | head -1 | awk '{print $2}')"
playlist="$(curl -fsS "$base/vod/bench/master.m3u8" | grep -v '^#' | head -1)"
targets="segment:/vod/bench/$version_dir/$big small-segment:/vod/bench/$version_dir/$small playlist:/vod/bench/$playlist master:/vod/bench/master.m3u8"

set_policy() {
  api -X PATCH --data "{\"access\": \"$1\"}" "$base/api/v1/assets/bench" >/dev/null
}
set_policy signed
token="$(api -X POST --data '{"asset": "bench", "expiresIn": 86400}' "$base/api/v1/playback-urls" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["hls"].split("?", 1)[1])')"
# Checking is really on: no token is 403, the token opens every target.
for target in $targets; do
  path="${target#*:}"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base$path")" = 403 ] || { echo "bench-origin-access: $path is not protected" >&2; exit 1; }
  curl -fsS -o /dev/null "$base$path?$token" || { echo "bench-origin-access: the token does not open $path" >&2; exit 1; }
done

echo "bench-origin-access: $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION per target and policy, $(nproc) cores"
results="$work/results.txt"
: > "$results"
for round in $(seq 1 "$ROUNDS"); do
  for policy in public signed; do
    set_policy "$policy"
    for target in $targets; do
      name="${target%%:*}"; path="${target#*:}"
      query=""; [ "$policy" = signed ] && query="?$token"
      out="$work/wrk-$name-$policy-$round.txt"
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$base$path$query" > "$out"
      echo "$name $policy $out" >> "$results"
    done
  done
done

python3 - "$results" <<'PY'
import re, sys
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", text).groups()
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, float(value) * UNITS[unit], int(errors.group(1)) if errors else 0
rows = {}
for line in open(sys.argv[1]):
    name, policy, path = line.split()
    rows.setdefault(name, {}).setdefault(policy, []).append(parse(path))
print(f"{'':14} {'policy':8} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8}   (mean of rounds)")
for name in ("segment", "small-segment", "playlist", "master"):
    means = {}
    for policy in ("public", "signed"):
        runs = rows[name][policy]
        rps = sum(r[0] for r in runs) / len(runs)
        p99 = sum(r[1] for r in runs) / len(runs)
        errors = sum(r[2] for r in runs)
        means[policy] = rps
        print(f"{name:14} {policy:8} {rps:10.0f} {p99:8.2f} {errors:8d}")
    cost = 1 - means["signed"] / means["public"]
    verdict = "meets" if cost < 0.10 else "misses"
    print(f"{name:14} ratio signed/public = {means['signed'] / means['public']:.2f}x, checking costs {cost * 100:.1f} % (target < 10 %): {verdict}")
PY

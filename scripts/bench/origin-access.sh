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
. scripts/bench/lib.sh

DURATION="${BENCH_DURATION:-5s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
ROUNDS="${BENCH_ACCESS_ROUNDS:-2}"
KEY="bench-key"

bench_init bench-origin-access
bench_require wrk ffmpeg curl python3
bench_binary
bench_source 13
"$binary" ingest "$work/source.mp4" --id bench --data-dir "$work/data" >/dev/null
bench_serve "$(bench_free_port)" --set api.key="$KEY" --set access.signing_key=bench-signing-key-0123456789
api() { curl -fsS -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" "$@"; }

# The requests: paths below vod/bench/ as the master playlist names them.
version_dir="$(curl -fsS "$base/vod/bench/master.m3u8" | grep -v '^#' | head -1 | cut -d/ -f1)"
big="$(bench_closest 2097152)"
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
      bench_wrk "$name-$policy-$round" "$base$path$query"
      echo "$name $policy $work/wrk-$name-$policy-$round.txt" >> "$results"
    done
  done
done

python3 - "$results" <<'PY'
import sys
sys.path.insert(0, "scripts/bench")
from wrk_parse import parse as parse_wrk
def parse(path):
    row = parse_wrk(path)
    return row["rps"], row["p99"], row["errors"]
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

#!/usr/bin/env bash
# make bench-origin, access control (issue 12): what checking a signed URL costs. One asset, served by one
# mediaserve (release) in the same run, alternately `public` and `signed` (PATCH /api/v1/assets/{id}).
# wrk measures the same requests each time: a ~2 MB video segment, the smallest (audio) segment (where the
# per-request check weighs most), a media playlist and the HLS master playlist; under `signed` every URL
# carries the token minted by POST /api/v1/playback-urls, and manifests get it written into each URI.
# Each target is measured BENCH_ACCESS_ROUNDS times per policy (default 4, wrk BENCH_DURATION each, default
# 3s), the two policies back to back in mirrored order (public, signed, signed, public, ...), and the cost
# is taken per round, from the two runs made next to each other, then the median of the rounds: on this
# shared 2-core machine the same run repeated varies by 15-25 % from one run to the next (other processes,
# the VM's neighbours), so a policy measured always first, or 20 s after the other, or a mean that one
# disturbed run drags, read that noise as the cost of checking (session 7: 7-24 % on manifests whose
# signed-only work is ~5 % of the server's samples).
# Prints req/s for both, the cost of checking, 1 - signed/public (target, issue 12: under 10 %), and
# beside it the server's CPU time per request (from /proc: what the server spent, whatever else ran).
# MEDIASERVE_BINARY=path skips the release build (e.g. a debug binary, for a quick look; not for figures).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh

DURATION="${BENCH_DURATION:-3s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
ROUNDS="${BENCH_ACCESS_ROUNDS:-4}"
# BENCH_ACCESS_OBJECTS="playlist master" narrows a run to those targets (while studying one case).
OBJECTS="${BENCH_ACCESS_OBJECTS:-segment small-segment playlist master}"
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

# CPU time (user + system, clock ticks) the server has used so far.
server_ticks() { awk '{print $14 + $15}' "/proc/$ms_pid/stat"; }
ticks_per_second="$(getconf CLK_TCK)"

echo "bench-origin-access: $ROUNDS rounds of wrk -t$THREADS -c$CONNECTIONS -d$DURATION per target and policy, $(nproc) cores"
results="$work/results.txt"
: > "$results"
for target in $targets; do
  name="${target%%:*}"; path="${target#*:}"
  case " $OBJECTS " in *" $name "*) ;; *) continue ;; esac
  for round in $(seq 1 "$ROUNDS"); do
    order="public signed"; [ $((round % 2)) = 0 ] && order="signed public"
    for policy in $order; do
      set_policy "$policy"
      query=""; [ "$policy" = signed ] && query="?$token"
      # One request first: the policy change emptied the item's caches; wrk measures the warm state.
      curl -fsS -o /dev/null "$base$path$query"
      before="$(server_ticks)"
      bench_wrk "$name-$policy-$round" "$base$path$query"
      echo "$name $policy $work/wrk-$name-$policy-$round.txt $(( $(server_ticks) - before ))" >> "$results"
    done
  done
done

python3 - "$results" "$ticks_per_second" <<'PY'
import statistics, sys
sys.path.insert(0, "scripts/bench")
from wrk_parse import parse as parse_wrk
rows = {}
for line in open(sys.argv[1]):
    name, policy, path, ticks = line.split()
    row = parse_wrk(path)
    cpu_us = int(ticks) / float(sys.argv[2]) * 1e6 / max(row["total"], 1)
    rows.setdefault(name, {}).setdefault(policy, []).append((row["rps"], row["p99"], row["errors"], cpu_us))
print(f"{'':14} {'policy':8} {'req/s':>10} {'p99 ms':>8} {'non-2xx':>8} {'cpu us/req':>10}   (medians of rounds; req/s of each round)")
for name in [n for n in ("segment", "small-segment", "playlist", "master") if n in rows]:
    for policy in ("public", "signed"):
        runs = rows[name][policy]
        each = ", ".join(f"{r[0]:.0f}" for r in runs)
        print(f"{name:14} {policy:8} {statistics.median(r[0] for r in runs):10.0f} {statistics.median(r[1] for r in runs):8.2f} "
              f"{sum(r[2] for r in runs):8d} {statistics.median(r[3] for r in runs):10.1f}   ({each})")
    pairs = list(zip(rows[name]["public"], rows[name]["signed"]))
    ratio = statistics.median(signed[0] / public[0] for public, signed in pairs)
    cpu = statistics.median(signed[3] / public[3] for public, signed in pairs)
    cost = 1 - ratio
    verdict = "meets" if cost < 0.10 else "misses"
    print(f"{name:14} ratio signed/public = {ratio:.2f}x (median of {len(pairs)} rounds), checking costs {cost * 100:.1f} % "
          f"(target < 10 %): {verdict}; server CPU per request {(cpu - 1) * 100:+.1f} %")
PY

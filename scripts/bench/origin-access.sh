#!/usr/bin/env bash
# make bench-origin, access control (issue 12): what checking a signed URL costs. One mediaserve (release)
# serves the same files as two assets, `open` (public) and `shut` (signed; a copy of `open`'s folder, indexed
# by `mediaserve reindex`; names of the same length, so the requests differ only by the token). wrk measures the same requests on each: a ~2 MB video
# segment, the smallest (audio) segment (where the per-request check weighs most), a media playlist and the
# HLS master playlist; on `shut` every URL carries the token minted by POST /api/v1/playback-urls, and
# manifests get it written into each URI.
#
# Why it is measured this way (session 9; docs/perf-notes.md): on this shared 2-core VM the server's CPU per
# request moves by 15-25 % from one second to the next, while the signed-only work is ~2-3 % of the server's
# samples (perf), so runs made one after the other (even 2 s apart, mirrored, median of rounds) measured the
# machine, not the check (7-28 % on one binary). Hence:
# - two assets instead of switching one asset's policy, so nothing is re-warmed between runs;
# - the two wrk runs of a round go at the same time, taking turns every BENCH_ACCESS_SLICE seconds (default
#   0.05; the other one stopped with SIGSTOP; at each switch the server's answers to the stopped one are
#   let finish and charged to it), so both see the same moments of the machine
#   (scripts/bench/interleaved_wrk.py); BENCH_ACCESS_ROUNDS rounds (default 4) of BENCH_ROUND_SECONDS
#   (default 6, 3 s of each policy) per target, the cost taken per round, then the median of the rounds;
# - the server pinned to core 0 and wrk to core 1 (taskset, when there are 2+ cores): unpinned, wrk and the
#   server took turns on the same two cores, so wrk's own extra work for a signed request (a longer request
#   line, a manifest 26 % longer to read) was charged to the server's throughput. Pinned, the server
#   saturates its core and its req/s is the inverse of its CPU per request (BENCH_ACCESS_PIN=0: unpinned);
# - beside req/s, the server's CPU time per request (schedstat of all its threads, read at every switch).
# Prints req/s of each (requests per second of its own turns), the cost of checking, 1 - signed/public
# (target, issue 12: under 10 %), and the change in CPU per request. wrk's latencies are not reported: a
# request in flight when its wrk is stopped waits for the next turn. A full run takes ~2 min (4 targets x
# 4 rounds x 6 s, plus ~35 s of set-up).
# BENCH_ACCESS_CALIBRATE=1 measures the public asset against itself (both turns public): the method's own
# spread, which a cost figure must clear to mean anything.
# MEDIASERVE_BINARY=path skips the release build (e.g. a debug binary, for a quick look; not for figures).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh

SLICE="${BENCH_ACCESS_SLICE:-0.05}"
ROUND_SECONDS="${BENCH_ROUND_SECONDS:-6}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-}"
ROUNDS="${BENCH_ACCESS_ROUNDS:-4}"
# BENCH_ACCESS_OBJECTS="playlist master" narrows a run to those targets (while studying one case).
OBJECTS="${BENCH_ACCESS_OBJECTS:-segment small-segment playlist master}"
KEY="bench-key"

bench_init bench-origin-access
bench_require wrk ffmpeg curl python3
bench_binary
bench_source 13
"$binary" ingest "$work/source.mp4" --id open --data-dir "$work/data" >/dev/null
cp -a "$work/data/vod/open" "$work/data/vod/shut"
"$binary" reindex shut --data-dir "$work/data" >/dev/null
bench_serve "$(bench_free_port)" --set api.key="$KEY" --set access.signing_key=bench-signing-key-0123456789
api() { curl -fsS -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" "$@"; }
server_pin=""; client_pin=""
if [ "${BENCH_ACCESS_PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  taskset -apc 0 "$ms_pid" >/dev/null
  server_pin="server on core 0, "; client_pin="taskset -c 1"
fi
# One wrk thread per core it may use.
[ -n "$THREADS" ] || { [ -n "$client_pin" ] && THREADS=1 || THREADS=2; }

api -X PATCH --data '{"access": "public"}' "$base/api/v1/assets/open" >/dev/null
api -X PATCH --data '{"access": "signed"}' "$base/api/v1/assets/shut" >/dev/null

# The requests: paths below vod/<asset>/ as the public master playlist names them.
version_dir="$(curl -fsS "$base/vod/open/master.m3u8" | grep -v '^#' | head -1 | cut -d/ -f1)"
big="$(cd "$work/data/vod/open" && find . -name 'seg-*.m4s' -printf '%s %P\n' \
  | awk -v want=2097152 '{d = $1 - want; if (d < 0) d = -d; print d, $2}' | sort -n | head -1 | awk '{print $2}')"
small="$(cd "$work/data/vod/open" && find . -name 'seg-*.m4s' -printf '%s %P\n' | sort -n | head -1 | awk '{print $2}')"
playlist="$(curl -fsS "$base/vod/open/master.m3u8" | grep -v '^#' | head -1)"
targets="segment:$version_dir/$big small-segment:$version_dir/$small playlist:$playlist master:master.m3u8"

token="$(api -X POST --data '{"asset": "shut", "expiresIn": 86400}' "$base/api/v1/playback-urls" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["hls"].split("?", 1)[1])')"
# Checking is really on: no token is 403, the token opens every target; the public asset needs none.
for target in $targets; do
  path="${target#*:}"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/vod/shut/$path")" = 403 ] || { echo "bench-origin-access: $path is not protected" >&2; exit 1; }
  curl -fsS -o /dev/null "$base/vod/shut/$path?$token" || { echo "bench-origin-access: the token does not open $path" >&2; exit 1; }
  curl -fsS -o /dev/null "$base/vod/open/$path"
done

echo "bench-origin-access: ${server_pin}$ROUNDS rounds of ${ROUND_SECONDS} s per target, public and signed taking turns every ${SLICE} s, ${client_pin:+$client_pin }wrk -t$THREADS -c$CONNECTIONS each, $(nproc) cores"
results="$work/results.txt"
: > "$results"
second="$base/vod/shut/"; second_query="?$token"
if [ "${BENCH_ACCESS_CALIBRATE:-0}" = 1 ]; then
  second="$base/vod/open/"; second_query=""
  echo "bench-origin-access: calibration: both turns public (\"signed\" below is the public asset again)"
fi
for target in $targets; do
  name="${target%%:*}"; path="${target#*:}"
  case " $OBJECTS " in *" $name "*) ;; *) continue ;; esac
  # Warm both (the first requests fill the caches through the ordinary path); wrk measures the warm state.
  for _ in 1 2 3; do curl -fsS -o /dev/null "$base/vod/open/$path"; curl -fsS -o /dev/null "$base/vod/shut/$path?$token"; done
  for round in $(seq 1 "$ROUNDS"); do
    # Which one goes first alternates between rounds.
    line="$(python3 scripts/bench/interleaved_wrk.py "$ms_pid" "$SLICE" "$ROUND_SECONDS" "$work/wrk-$name-$round" \
      "$base/vod/open/$path" "$second$path$second_query" $((round % 2)) -- $client_pin wrk --latency -t"$THREADS" -c"$CONNECTIONS")"
    echo "$name $line $work/wrk-$name-$round-a.txt $work/wrk-$name-$round-b.txt" >> "$results"
  done
done

python3 - "$results" <<'PY'
import statistics, sys
sys.path.insert(0, "scripts/bench")
from wrk_parse import parse as parse_wrk
rounds = {}
for line in open(sys.argv[1]):
    name, a_n, a_s, a_ns, b_n, b_s, b_ns, a_out, b_out = line.split()
    errors = parse_wrk(a_out)["errors"] + parse_wrk(b_out)["errors"]
    public = (int(a_n) / float(a_s), int(a_ns) / 1e3 / max(int(a_n), 1))
    signed = (int(b_n) / float(b_s), int(b_ns) / 1e3 / max(int(b_n), 1))
    rounds.setdefault(name, []).append((public, signed, errors))
print(f"{'':14} {'policy':8} {'req/s':>10} {'cpu us/req':>10} {'non-2xx':>8}   (medians of rounds; req/s of each round)")
for name in [n for n in ("segment", "small-segment", "playlist", "master") if n in rounds]:
    runs = rounds[name]
    for index, policy in enumerate(("public", "signed")):
        each = ", ".join(f"{r[index][0]:.0f}" for r in runs)
        errors = sum(r[2] for r in runs) if index == 0 else 0
        print(f"{name:14} {policy:8} {statistics.median(r[index][0] for r in runs):10.0f} "
              f"{statistics.median(r[index][1] for r in runs):10.1f} {errors if index == 0 else '':>8}   ({each})")
    ratios = [r[1][0] / r[0][0] for r in runs]
    cpus = [r[1][1] / r[0][1] for r in runs]
    ratio, cpu = statistics.median(ratios), statistics.median(cpus)
    cost = 1 - ratio
    verdict = "meets" if cost < 0.10 else "misses"
    print(f"{name:14} ratio signed/public = {ratio:.2f}x (median of {len(runs)} rounds), checking costs {cost * 100:.1f} % "
          f"(target < 10 %): {verdict}; server CPU per request {(cpu - 1) * 100:+.1f} %")
    print(f"{'':14} per round: cost {', '.join(f'{(1 - r) * 100:.1f}' for r in ratios)} %; "
          f"CPU/request {', '.join(f'{(c - 1) * 100:+.1f}' for c in cpus)} %")
PY

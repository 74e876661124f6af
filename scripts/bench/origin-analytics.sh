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
#   BENCH_CONNECTIONS (50), BENCH_THREADS (2), BENCH_ANALYTICS_PORT (a free one; nginx gets another)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/bench/lib.sh

DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS="${BENCH_CONNECTIONS:-50}"
THREADS="${BENCH_THREADS:-2}"
ROUNDS="${BENCH_ROUNDS:-3}"
MS_PORT="${BENCH_ANALYTICS_PORT:-$(bench_free_port)}"
NGINX_PORT="$(bench_free_port)"
KEY="bench-analytics-key"

bench_init bench-analytics
bench_require wrk nginx ffmpeg curl python3
bench_binary
bench_source 13
"$binary" ingest "$work/source.mp4" --id bench --data-dir "$work/data" --rungs 720 --preset ultrafast --json >/dev/null
bench_serve "$MS_PORT" --set api.key="$KEY" --set analytics.batches_per_minute_per_address=1000000 \
  --set analytics.batches_per_minute_per_session=1000000

# The video segment closest to 2 MB, under its version as the manifests name it.
segment="$(bench_closest 2097152)"
segment_path="/vod/bench/v$(cat "$work/data/vod/bench/version")/$segment"
curl -fsS -o /dev/null "http://127.0.0.1:$MS_PORT$segment_path"

bench_nginx "$NGINX_PORT" "    location = /api/v1/playback-events { return 202; }"

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
run() { bench_wrk "$@"; }
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
import json, statistics, sys
work, summary, rounds = sys.argv[1], json.loads(sys.argv[2])["summary"], int(sys.argv[3])
sys.path.insert(0, "scripts/bench")
from wrk_parse import parse as parse_wrk
def parse(name):
    return parse_wrk(f"{work}/wrk-{name}.txt")
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

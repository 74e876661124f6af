#!/usr/bin/env bash
# `make demo` runs this after a release build and `make fixtures`: the whole job on the embedded default.
# 1. probe the committed sample; 2. ingest a generated 1080p25 clip with stereo audio into the bitrate
# ladder (1080p/720p/480p/360p + AAC); 3. serve it and print the preview page URL.
# Each step prints the command it runs. Environment knobs: DEMO_SOURCE, DEMO_DATA_DIR, DEMO_PORT, and
# DEMO_CHECK=1 to serve only long enough to fetch the manifests once and stop (a non-interactive check).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.build/release/mediaserve
sample=Fixtures/sample.mp4
source="${DEMO_SOURCE:-.media/1080p25_stereo.mp4}"
data="${DEMO_DATA_DIR:-./data}"
port="${DEMO_PORT:-8080}"

if [ ! -x "$bin" ]; then
  echo "demo: $bin not found; build it with 'swift build -c release' (or run 'make demo')" >&2
  exit 1
fi
if [ ! -f "$source" ]; then
  echo "demo: $source not found; generate it with 'make fixtures'" >&2
  exit 1
fi

step() {
  echo
  echo "\$ $*"
  "$@"
}

echo "mediaserve demo ($("$bin" --version))"
./scripts/fetch-player.sh .player
step "$bin" probe "$sample"
step "$bin" ingest "$source" --id demo --title "Demo: 1080p25 test pattern" --replace --data-dir "$data"

serve=("$bin" serve --host 127.0.0.1 --port "$port" --data-dir "$data" --set player.local_dir=.player)
echo
echo "Preview page:  http://127.0.0.1:$port/"
echo "HLS:           http://127.0.0.1:$port/vod/demo/master.m3u8"
echo "DASH:          http://127.0.0.1:$port/vod/demo/manifest.mpd"
if [ "${DEMO_CHECK:-0}" = "1" ]; then
  echo "\$ ${serve[*]} (checking, then stopping)"
  "${serve[@]}" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/vod/demo/master.m3u8"
  curl -fsS "http://127.0.0.1:$port/vod/demo/manifest.mpd" | head -5
  kill -TERM $pid
  wait $pid || true
  exit 0
fi
echo "Serving until Ctrl-C."
echo "\$ ${serve[*]}"
exec "${serve[@]}"

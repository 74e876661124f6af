#!/usr/bin/env bash
# Puts hls.js 1.6 into a local folder as an ES module the low-latency browser test and `make bench-live`
# import: hls.js ships (minified, bundled) in the PyPI wheel gradio==6.31.0 at
# gradio/templates/frontend/assets/hls-*.js, an ES module whose exports are renamed by the bundler; the
# copy appends one `export` naming its Hls class (the class with `static get version()`). Idempotent.
set -euo pipefail
dest="${1:-.hlsjs}"
version="gradio-6.31.0"
if [ -f "$dest/hls.mjs" ] && [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$version" ]; then
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "gradio==6.31.0" >/dev/null
python3 - "$work" "$dest.tmp" <<'PY'
import glob, os, re, sys, zipfile
work, out = sys.argv[1], sys.argv[2]
wheel = glob.glob(os.path.join(work, "gradio-6.31.0-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if re.fullmatch(r"gradio/templates/frontend/assets/hls-[^/]*\.js", n)]
    if len(names) != 1:
        sys.exit(f"fetch-hlsjs: expected one hls-*.js in {wheel}, found {names}")
    text = z.read(names[0]).decode()
match = re.search(r"([A-Za-z_$][\w$]*)=class [A-Za-z_$][\w$]*\{static get version\(\)\{return ([A-Za-z_$][\w$]*)\}", text)
if not match:
    sys.exit("fetch-hlsjs: no class with `static get version()` in the bundle (not hls.js 1.x?)")
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "hls.mjs"), "w") as f:
    f.write(text + f"\nexport {{ {match.group(1)} as Hls }};\n")
PY
echo "$version" > "$dest.tmp/VERSION"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "fetch-hlsjs: hls.js from $version in $dest"

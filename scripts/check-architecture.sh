#!/usr/bin/env bash
# The module rules of docs/architecture.md, checked on the source tree (run first by `make test`; about a second).
# Each broken rule prints one line `file:line: what is wrong` and the script exits 1.
#
#   scripts/check-architecture.sh [ROOT]     ROOT defaults to the repository this script is in
#
# The rules are data: a new target that may call FFmpeg, libsrt, GRDB or Hummingbird is one word in a list below,
# a new rule is one line in RULES. Every target declared in Package.swift must have its own row in
# docs/architecture.md (a table row whose first cell is the target name in backquotes), and every module a
# target imports must be declared for it in Package.swift, with no unused declarations (check-imports.py).
set -euo pipefail

# Targets allowed to do each thing. A Swift file belongs to the target named by its second path component
# (Sources/<target>/..., Tests/<target>/..., Benchmarks/<target>/...).
FFMPEG_TARGETS="FFmpegKit"                  # av_*, avformat_*, avcodec_*, avfilter_*, sws_*, swr_* calls; import CFFmpeg
SRT_TARGETS="SRTKit"                        # srt_* calls; import CSRT
CATALOG_TARGETS="Catalog CatalogTests"      # import GRDB
POSTGRES_TARGETS="CatalogPostgres"          # import PostgresNIO (the PostgreSQL catalog, issue 14)
HTTP_TARGETS="Origin OriginTests ProtectionTests"  # import Hummingbird* (ProtectionTests: the test SPEKE key server)

# kind % allowed targets % extended regex on code (comments removed) % what the line says
RULES=(
  "call % $FFMPEG_TARGETS % \\b(av|avformat|avcodec|avfilter|avutil|avdevice|sws|swr)_[A-Za-z0-9_]*[[:space:]]*[(] % FFmpeg call outside FFmpegKit"
  "import % $FFMPEG_TARGETS % CFFmpeg % import CFFmpeg outside FFmpegKit"
  "call % $SRT_TARGETS % \\bsrt_[A-Za-z0-9_]*[[:space:]]*[(] % libsrt call outside SRTKit"
  "import % $SRT_TARGETS % CSRT % import CSRT outside SRTKit"
  "import % $CATALOG_TARGETS % GRDB[A-Za-z0-9_]* % import GRDB outside the catalog targets ($CATALOG_TARGETS)"
  "import % $POSTGRES_TARGETS % PostgresNIO|_ConnectionPoolModule % import PostgresNIO outside the PostgreSQL catalog ($POSTGRES_TARGETS)"
  "import % $HTTP_TARGETS % Hummingbird[A-Za-z0-9_]* % import Hummingbird outside the HTTP targets ($HTTP_TARGETS)"
)

SCRIPTS=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "${1:-$SCRIPTS/..}" && pwd)
cd "$ROOT"
DOC=docs/architecture.md
failures=0
fail() { echo "check-architecture: $*"; failures=$((failures + 1)); }

# Every Swift line once, as `path:line:code` with comments removed (`//` to the end of the line and one-line
# `/* ... */`; a `//` inside a string literal only hides the rest of that line, which C calls never need).
swift_files=$(find Sources Tests Benchmarks -name '*.swift' -type f 2>/dev/null | LC_ALL=C sort)
code=$(mktemp)
trap 'rm -rf "$code" "$code.err" "$code.manifest"' EXIT
[ -z "$swift_files" ] || echo "$swift_files" | tr '\n' '\0' | xargs -0 awk '
  { line = $0; gsub(/\/\*.*\*\//, "", line); sub(/\/\/.*$/, "", line); print FILENAME ":" FNR ":" line }' > "$code"

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

for rule in "${RULES[@]}"; do
  IFS='%' read -r kind allowed pattern message <<< "$rule"
  kind=$(trim "$kind"); allowed=$(trim "$allowed"); pattern=$(trim "$pattern"); message=$(trim "$message")
  case $kind in
    call) regex="^[^:]+:[0-9]+:.*$pattern" ;;
    import) regex="^[^:]+:[0-9]+:[[:space:]]*(@[A-Za-z_]+([(][^)]*[)])?[[:space:]]+)*import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?($pattern)([.[:space:]]|\$)" ;;
    *) echo "check-architecture: unknown rule kind '$kind' in $0"; exit 2 ;;
  esac
  out=$(grep -E "$regex" "$code" | awk -F: -v allowed=" $allowed " -v msg="$message" '
    { split($1, part, "/"); if (index(allowed, " " part[2] " ") == 0) {
        code = $0; sub(/^[^:]+:[0-9]+:[[:space:]]*/, "", code); print "check-architecture: " $1 ":" $2 ": " msg ": " code } }' || true)
  if [ -n "$out" ]; then
    echo "$out"
    failures=$((failures + $(echo "$out" | wc -l)))
  fi
done

# Every target in Package.swift has a row in docs/architecture.md.
if [ ! -f Package.swift ]; then
  fail "Package.swift: not found in $ROOT"
elif [ ! -f "$DOC" ]; then
  fail "$DOC: not found (it must list every target of Package.swift)"
else
  targets=$(tr '\n' ' ' < Package.swift \
    | grep -oE '\.(target|executableTarget|testTarget|systemLibrary|binaryTarget|plugin|macro)\([[:space:]]*name:[[:space:]]*"[^"]+"' \
    | sed -E 's/.*"([^"]+)"$/\1/')
  [ -n "$targets" ] || fail "Package.swift: no targets found (did its format change?)"
  for t in $targets; do
    grep -qE "^\|[[:space:]]*\`$t\`[[:space:]]*\|" "$DOC" || fail "$DOC: target \`$t\` of Package.swift has no row (| \`$t\` | what it holds | what it imports |)"
  done
fi

# Every import is declared in Package.swift and every declared dependency is imported (SwiftPM resolves an
# undeclared module only by luck of build order, and an unused one is built and linked for nothing).
if [ -f Package.swift ]; then
  # Dumped from a copy of the manifest alone: no lock on (or waiting for) a build in this tree's .build/.
  mkdir -p "$code.manifest" && cp Package.swift "$code.manifest/"
  if ! dump=$("${SWIFT:-swift}" package dump-package --package-path "$code.manifest" 2>"$code.err"); then
    fail "Package.swift: \`swift package dump-package\` failed: $(tail -1 "$code.err")"
  elif ! out=$(echo "$dump" | python3 "$SCRIPTS/check-imports.py" "$ROOT"); then
    echo "$out"
    failures=$((failures + $(echo "$out" | grep -c .)))
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "check-architecture: $failures problem(s); the rules are in docs/architecture.md and at the top of $0"
  exit 1
fi
echo "check-architecture: ok ($(echo "$swift_files" | wc -l) Swift files, $(echo "$targets" | wc -w) targets)"

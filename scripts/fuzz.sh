#!/usr/bin/env bash
# `make fuzz`: libFuzzer over the project's own parsers (issue 17). Each target is built with
# `swiftc -sanitize=fuzzer,address` from the real module sources (no copies) and run for FUZZ_SECONDS
# (default 60) on its committed seed corpus (Fuzz/corpus/<target>/) plus what earlier runs found
# (.build/fuzz/corpus/<target>/). Prints executions and crashes per target; a crash input is kept in
# .build/fuzz/crashes/<target>/ and the script exits 1. Not part of `make test`.
#
#   FUZZ_SECONDS=60 FUZZ_TARGETS="rtmp fmp4 srt http config" scripts/fuzz.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${FUZZ_BUILD:-$ROOT/.build/fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-rtmp fmp4 srt http config}
FLAGS=(-sanitize=fuzzer,address -parse-as-library -enable-testing -Onone -gline-tables-only)
mkdir -p "$OUT"

# module NAME FILES...: one instrumented module (object + swiftmodule) in $OUT, built once per run.
module() {
    local name=$1; shift
    [ -f "$OUT/$name.o" ] && [ "$OUT/$name.o" -nt "$OUT/.stamp" ] && return
    swiftc "${FLAGS[@]}" -wmo -module-name "$name" -I "$OUT" -emit-module -emit-module-path "$OUT/$name.swiftmodule" \
        -c -o "$OUT/$name.o" "$@" 2> >(grep -v "warning:" >&2)
}
touch "$OUT/.stamp"
module MediaCore $(find Sources/MediaCore -name '*.swift' | sort)
# The RTMP protocol target (chunks, AMF0, the publish session, FLV): pure, no NIO.
module RTMP $(find Sources/RTMP -name '*.swift' | sort)
module Packaging $(find Sources/Packaging -name '*.swift' | sort)
module MP4 $(find Sources/MP4 -name '*.swift' | sort)
# Yams (with its C parser, instrumented too) and Config, for the YAML readers.
YAMS=${YAMS_DIR:-$ROOT/.build/checkouts/Yams}
if [[ " $TARGETS " == *" config "* ]]; then
    if [ ! -f "$OUT/CYaml.o" ] || [ "$YAMS/Package.swift" -nt "$OUT/CYaml.o" ]; then
        mkdir -p "$OUT/cyaml"
        for c in "$YAMS"/Sources/CYaml/src/*.c; do
            clang -c -O1 -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$YAMS/Sources/CYaml/include" \
                "$c" -o "$OUT/cyaml/$(basename "$c" .c).o"
        done
        ld -r -o "$OUT/CYaml.o" "$OUT"/cyaml/*.o
    fi
    module Yams -D SWIFT_PACKAGE -Xcc -DYAML_DECLARE_STATIC -I "$YAMS/Sources/CYaml/include" "$YAMS"/Sources/Yams/*.swift
    module Config -I "$YAMS/Sources/CYaml/include" Sources/Config/*.swift
fi

status=0
summary=()
for target in $TARGETS; do
    case $target in
        rtmp) objects=("$OUT/MediaCore.o" "$OUT/RTMP.o"); extra=() ;;
        srt)  objects=("$OUT/MediaCore.o"); extra=(Sources/Live/SRT/SRTStreamID.swift) ;;
        fmp4) objects=("$OUT/MediaCore.o" "$OUT/MP4.o"); extra=() ;;
        http) objects=("$OUT/MediaCore.o" "$OUT/Packaging.o"); extra=(Sources/Origin/HTTP/RequestTargetGuard.swift) ;;
        config) objects=("$OUT/MediaCore.o" "$OUT/CYaml.o" "$OUT/Yams.o" "$OUT/Config.o"); extra=(-I "$YAMS/Sources/CYaml/include") ;;
        *) echo "fuzz: unknown target '$target' (known: rtmp fmp4 srt http config)" >&2; exit 2 ;;
    esac
    binary="$OUT/fuzz-$target"
    swiftc "${FLAGS[@]}" -module-name "Fuzz_$target" -I "$OUT" "Fuzz/$target/main.swift" "${extra[@]}" "${objects[@]}" \
        -o "$binary" 2> >(grep -v "warning:" >&2)
    mkdir -p "$OUT/corpus/$target" "$OUT/crashes/$target"
    log="$OUT/fuzz-$target.log"
    set +e
    "$binary" -max_total_time="$SECONDS_EACH" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$OUT/crashes/$target/" "$OUT/corpus/$target" "Fuzz/corpus/$target" > "$log" 2>&1
    code=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    crashes=$(find "$OUT/crashes/$target" -type f -newer "$OUT/.stamp" | wc -l)
    summary+=("$(printf '%-6s %12s executions  %d crash(es)  exit %d' "$target" "$runs" "$crashes" "$code")")
    if [ "$code" -ne 0 ] || [ "$crashes" -gt 0 ]; then
        status=1
        grep -m1 -E "ERROR: |Fatal error|SUMMARY" "$log" >&2 || true
        find "$OUT/crashes/$target" -type f -newer "$OUT/.stamp" | sed 's/^/  crash input: /' >&2
    fi
done
echo "fuzz: ${SECONDS_EACH} s per target"
printf '  %s\n' "${summary[@]}"
exit $status

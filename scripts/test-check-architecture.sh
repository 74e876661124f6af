#!/usr/bin/env bash
# Negative controls for scripts/check-architecture.sh (run by `make test` right after it): the check must pass on a
# copy of this tree, and fail, naming the file, on the same copy with one violation planted for each rule.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHECK=$ROOT/scripts/check-architecture.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# What the check reads (Package.swift, the doc, the Swift sources), copied once; each case starts from it.
mkdir -p "$work/pristine/docs"
cp "$ROOT/Package.swift" "$work/pristine/"
cp "$ROOT/docs/architecture.md" "$work/pristine/docs/"
(cd "$ROOT" && find Sources Tests Benchmarks -name '*.swift' -type f -print0 | xargs -0 cp --parents -t "$work/pristine/")
fresh_copy() {
  rm -rf "$work/tree"
  cp -a "$work/pristine" "$work/tree"
}

# expect_failure NAME EXPECTED-TEXT: the check on the planted copy exits 1 and prints EXPECTED-TEXT.
expect_failure() {
  local name=$1 expected=$2 out rc=0
  out=$("$CHECK" "$work/tree" 2>&1) || rc=$?
  if [ "$rc" -ne 1 ]; then
    echo "test-check-architecture: $name: the check exited $rc, expected 1; it printed:"; echo "$out"
    failures=$((failures + 1))
  elif ! grep -qF -- "$expected" <<< "$out"; then
    echo "test-check-architecture: $name: the check failed without naming '$expected'; it printed:"; echo "$out"
    failures=$((failures + 1))
  else
    echo "test-check-architecture: $name: refused as expected"
  fi
}

# Positive control: the unmodified copy passes (otherwise every refusal below would prove nothing).
fresh_copy
if ! out=$("$CHECK" "$work/tree" 2>&1); then
  echo "test-check-architecture: the unmodified copy fails the check:"; echo "$out"; exit 1
fi
echo "test-check-architecture: unmodified copy passes"

plant() { # plant FILE LINE...: append lines to a Swift file of the copy
  local file=$work/tree/$1; shift
  mkdir -p "$(dirname "$file")"; printf '%s\n' "$@" >> "$file"
}

fresh_copy; plant Sources/Ingest/Planted.swift 'func f(_ p: OpaquePointer) { avcodec_free_context(p) }'
expect_failure "avcodec_* call in Ingest" "Sources/Ingest/Planted.swift:1: FFmpeg call outside FFmpegKit"

fresh_copy; plant Sources/Origin/Planted.swift 'let x = sws_getContext (1, 2)'
expect_failure "sws_* call in Origin" "Sources/Origin/Planted.swift:1: FFmpeg call outside FFmpegKit"

fresh_copy; plant Sources/Live/Planted.swift 'import CFFmpeg'
expect_failure "import CFFmpeg in Live" "Sources/Live/Planted.swift:1: import CFFmpeg outside FFmpegKit"

fresh_copy; plant Sources/Live/Planted.swift '' 'let s = srt_create_socket()'
expect_failure "srt_* call in Live" "Sources/Live/Planted.swift:2: libsrt call outside SRTKit"

fresh_copy; plant Sources/Origin/Planted.swift '@preconcurrency import GRDB'
expect_failure "import GRDB in Origin" "Sources/Origin/Planted.swift:1: import GRDB outside the catalog targets"

fresh_copy; plant Tests/PackagingTests/Planted.swift 'import struct GRDB.DatabaseQueue'
expect_failure "import struct GRDB.X in a test target" "Tests/PackagingTests/Planted.swift:1: import GRDB"

fresh_copy; plant Sources/Publishing/Planted.swift 'import PostgresNIO'
expect_failure "import PostgresNIO in Publishing" "Sources/Publishing/Planted.swift:1: import PostgresNIO outside the PostgreSQL catalog"

fresh_copy; plant Sources/mediaserve/Planted.swift 'import HummingbirdTLS'
expect_failure "import HummingbirdTLS in mediaserve" "Sources/mediaserve/Planted.swift:1: import Hummingbird outside the HTTP targets"

fresh_copy; sed -i 's/^| `Packaging` |/| Packaging (renamed) |/' "$work/tree/docs/architecture.md"
expect_failure "target without a row in the doc" 'target `Packaging` of Package.swift has no row'

fresh_copy; plant Sources/Packaging/Planted.swift 'import Yams'
expect_failure "undeclared import" "Sources/Packaging/Planted.swift:1: target Packaging imports Yams, which Package.swift does not declare"

fresh_copy; sed -i 's/.target(name: "Packaging", dependencies: \["MediaCore"\])/.target(name: "Packaging", dependencies: ["MediaCore", "Storage"])/' "$work/tree/Package.swift"
expect_failure "declared but unused dependency" "target Packaging declares Storage but none of its sources imports it"

# Comments are not code: a mention of av_free( in a comment, or of Hummingbird in a doc comment, passes.
fresh_copy; plant Sources/Ingest/Planted.swift '// FFmpeg frees it with av_free(ptr)' '/// import Hummingbird is not allowed here'
if out=$("$CHECK" "$work/tree" 2>&1); then
  echo "test-check-architecture: comments mentioning a call or an import pass"
else
  echo "test-check-architecture: a comment was taken for code:"; echo "$out"; failures=$((failures + 1))
fi

if [ "$failures" -gt 0 ]; then echo "test-check-architecture: $failures case(s) wrong"; exit 1; fi
echo "test-check-architecture: ok"
